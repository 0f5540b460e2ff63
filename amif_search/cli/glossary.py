"""``glossary lookup|list|stats|export|import``: the domain glossary from the command line.

Every command reads the catalogs under ``--locales`` (default: the package's) through
:func:`~amif_search.glossary.concepts.load_glossary`, so a language shows up as soon as its
catalog has a translation. The glossary modules load inside the commands, to keep the
start of every other command light.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_, _, ngettext
from ..i18n.languages import interface_languages, language
from .output import cell, echo_json, table, write_records
from .shared import CommandsInOrder, chosen_fields, chosen_format, output_options

__all__ = ["glossary"]

locales_option = click.option(
    "--locales", "locales", type=click.Path(file_okay=False), default=None, metavar="DIR",
    help=N_("Katalogmappen (standard: paketets locales/)."))


def _locales(value: str | None) -> Path:
    from ..resources import locales_dir  # noqa: PLC0415

    return Path(value) if value else locales_dir()


def _load(locales: str | None):
    from ..glossary.concepts import load_glossary  # noqa: PLC0415

    return load_glossary(_locales(locales))


def _language(glossary, lang: str | None, param: str = "--lang") -> str | None:
    if lang is not None and lang not in glossary.all_languages():
        raise click.BadParameter(
            _("ordlistan har inget språk {lang} (den har {languages})").format(
                lang=lang, languages=", ".join(glossary.all_languages())),
            ctx=click.get_current_context(silent=True), param_hint=param)
    return lang


def _name(lang: str) -> str:
    return language(lang).name


def _ordered(languages: list[str]) -> list[str]:
    """The interface languages first, Swedish leading, then the other languages in catalog order."""
    first = [lang for lang in interface_languages() if lang in languages]
    return first + [lang for lang in languages if lang not in first]


@click.group(cls=CommandsInOrder, short_help=N_("Domänordlistan: slå upp och utbyt termer."),
             help=N_("Domänordlistan: slå upp termer på svenska, finska, engelska och fler språk; utbyt den med "
                     "översättare."))
def glossary():
    pass


def _grouped(matches):
    """The matched concepts in order of the best match, each with the terms that matched it."""
    found: dict[str, tuple] = {}
    for match in matches:
        concept, hits = found.setdefault(match.concept.id, (match.concept, []))
        hits.append(match)
    return list(found.values())


def _how_matched(how: str) -> str:
    """How lookup found a term, in words (nothing for the term itself)."""
    return {"inflected": _("böjd form"), "spelling": _("annan stavning"), "compound": _("efterled i ett sammansatt ord"),
            "modifier": _("förled i ett sammansatt ord"), "part": _("ett av termens ord")}.get(how, "")


def _render_relations(glossary, concept) -> list[str]:
    lines = []
    for label, kind in ((_("Överordnade begrepp"), "broader"), (_("Underordnade begrepp"), "narrower"),
                        (_("Relaterade begrepp"), "related")):
        ids = glossary.neighbours(concept.id)[kind]
        if ids:
            lines.append(f"  {label}: {'; '.join(f'{glossary.get(i).headword} ({i})' for i in ids)}")
    return lines


def _render_concept(concept, hits, languages: list[str], glossary=None) -> str:
    lines = [f"{concept.headword} ({concept.id})"]
    matched = ", ".join(f"{m.term} ({m.lang}{', ' + _how_matched(m.how) if _how_matched(m.how) else ''})"
                        for m in hits)
    # Marked outside the f-strings, where xgettext (and so Poedit) finds them too.
    hit_label, variants_label = _("Träff"), _("Varianter")
    lines.append(f"  {hit_label}: {matched}")
    for lang in languages:
        terms = concept.terms.get(lang) or []
        if not terms:
            continue
        lines.append(f"  {_name(lang)} ({lang}): {terms[0]}")
        if terms[1:]:
            lines.append(f"    {variants_label}: {'; '.join(terms[1:])}")
    for label, value in ((_("Ordklass"), concept.pos), (_("Område"), concept.domain),
                         (_("Definition"), concept.definition), (_("Anmärkning"), concept.note)):
        if value:
            lines.append(f"  {label}: {value}")
    if glossary is not None:
        lines += _render_relations(glossary, concept)
    return "\n".join(lines)


@glossary.command(
    short_help=N_("Slå upp en term på vilket språk som helst."),
    # Translators: keep the line \b, which keeps the examples from being rewrapped.
    help=N_("Hitta de begrepp som har WORD (i vilken böjningsform som helst) som term, på vilket språk som "
            "helst.\n"
            "\n"
            "Slutstatus 0 vid träff, 1 när ordlistan saknar termen.\n"
            "\n"
            "\b\n"
            "Exempel:\n"
            "  amif-search glossary lookup kvotflyktingarna\n"
            "  amif-search glossary lookup kiintiöpakolaisille\n"
            "  amif-search glossary lookup refugees --lang en"),
)
@click.argument("word")
@click.option("--lang", default=None, metavar="LANG", help=N_("Bara termer på detta språk (sv, fi, en ...)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Skriv ut träffarna som JSON."))
@locales_option
def lookup(word, lang, as_json, locales):
    terms = _load(locales)
    # The concepts the word names; their neighbours in the thesaurus are shown with each.
    found = _grouped(m for m in terms.lookup(word, _language(terms, lang)) if m.how != "related")
    if as_json:
        echo_json({"word": word, "lang": lang, "matches": [
            dict(concept.to_json(), narrower=terms.narrower(concept.id),
                 matched=[{"lang": m.lang, "term": m.term, "exact": m.exact, "how": m.how} for m in hits])
            for concept, hits in found]})
        return 0 if found else 1
    if not found:
        click.echo(_("Inget begrepp i ordlistan för {word}").format(word=word))
        return 1
    languages = _ordered(terms.all_languages())
    click.echo("\n\n".join(_render_concept(concept, hits, languages, terms) for concept, hits in found))
    return 0


@glossary.command("list", short_help=N_("Lista begreppen."),
                  help=N_("Lista begreppen i katalogens ordning; slutstatus 1 när filtren inte lämnar något."))
@click.option("--lang", default=None, metavar="LANG",
              help=N_("Bara begrepp med en term på LANG, som visas bredvid uppslagsordet."))
@click.option("--missing", is_flag=True, help=N_("Med --lang: bara de begrepp som ännu saknar term på LANG."))
@click.option("--domain", default=None, metavar="DOMAIN",
              help=N_("Bara begrepp inom detta område (t.ex. psykisk-hälsa)."))
@output_options
@locales_option
def list_concepts(lang, missing, domain, fmt, as_json, fields, locales):
    if missing and lang is None:
        raise click.UsageError(_("--missing behöver --lang"), ctx=click.get_current_context())
    terms = _load(locales)
    _language(terms, lang)
    concepts = [c for c in terms if domain is None or c.domain == domain]
    if lang is not None:
        concepts = [c for c in concepts if bool(c.terms.get(lang)) != missing]
    fmt = chosen_format(fmt, as_json)
    records = [c.to_json() for c in concepts]
    known = list(records[0]) if records else ["id", "headword"]
    fields = chosen_fields(fields, known)
    if fmt != "table":
        write_records(fmt, records, fields, {"total": len(concepts)}, key="concepts")
        return 0 if concepts else 1
    if fields is not None:
        click.echo(table(([cell(r.get(name)) for name in fields] for r in records), fields))
        return 0 if concepts else 1
    width = max((len(c.id) for c in concepts), default=0)
    for concept in concepts:
        line = f"{concept.id:<{width}}  {concept.headword}"
        if lang is not None and not missing:
            line += f"  → {'; '.join(concept.terms[lang])}"
        elif lang is None and domain is None and concept.domain:
            line += f"  [{concept.domain}]"
        click.echo(line)
    return 0 if concepts else 1


@glossary.command(short_help=N_("Hur många begrepp som har en term på varje språk."),
                  help=N_("Hur många begrepp som har en term på varje språk."))
@click.option("--json", "as_json", is_flag=True, help=N_("Skriv ut täckningen som JSON."))
@locales_option
def stats(as_json, locales):
    terms = _load(locales)
    rows = []
    coverage = terms.coverage()
    for lang in _ordered(list(coverage)):
        done, total = coverage[lang]
        rows.append({"lang": lang, "name": _name(lang), "concepts": done, "total": total,
                     "percent": round(100 * done / total, 1) if total else 0.0})
    if as_json:
        echo_json({"total": len(terms), "languages": rows})
        return 0
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        click.echo(f"{row['lang']:<5} {row['name']:<{width}}  {row['concepts']:>4}/{row['total']:<4}"
                   f"  {row['percent']:5.1f} %")
    return 0


@glossary.command(
    short_help=N_("Exportera ordlistan till översättarnas verktyg."),
    # Translators: keep the line \b, which keeps the examples from being rewrapped.
    help=N_("Skriv ut ordlistan som TBX, CSV eller JSON för översättarnas verktyg.\n"
            "\n"
            "\b\n"
            "Exempel:\n"
            "  amif-search glossary export --format tbx -o glossary.tbx\n"
            "  amif-search glossary export --format csv --lang fi -o glossary-fi.csv"),
)
@click.option("--format", "fmt", type=click.Choice(["tbx", "csv", "json"]), required=True,
              help=N_("tbx: TBX-Basic (Weblate, translate-toolkit, CAT-verktyg); csv: alla fält och språk, eller "
                      "med --lang Weblates ordliste-CSV; json: alla fält."))
@click.option("--lang", default=None, metavar="LANG",
              help=N_("Bara svenska och detta språk (för csv: Weblates ordliste-CSV för LANG)."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help=N_("Skriv till FILE (standard: standardutmatningen)."))
@locales_option
def export(fmt, lang, output, locales):
    from ..errors import GlossaryError, Problem  # noqa: PLC0415
    from ..glossary.exchange import export_glossary, translator_comments  # noqa: PLC0415

    terms = _load(locales)
    _language(terms, lang)
    comments = translator_comments(_locales(locales), lang) if fmt == "csv" and lang else None
    data = export_glossary(terms, fmt, lang, comments).encode("utf-8")
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream: UTF-8 whatever the locale
        return 0
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise GlossaryError(f"cannot write {output}: {reason}", [Problem(output, None, f"cannot write: {reason}")]) \
            from None
    click.echo(ngettext("{count} begrepp exporterat till {file}", "{count} begrepp exporterade till {file}",
                        len(terms)).format(count=len(terms), file=output))
    return 0


@glossary.command("import", short_help=N_("Läs in ordlistan från översättarnas verktyg."),
                  help=N_("Läs FILE och uppdatera ordlistans kataloger.\n"
                          "\n"
                          "Hela filen kontrolleras först: vid problem visas varje problem som FILE:LINE: message, "
                          "ingenting skrivs och slutstatus är 2. Bara poster vars värden skiljer sig ändras; "
                          "begrepp tas aldrig bort."))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "tbx", "json"]), required=True,
              help=N_("csv: den breda CSV-filen från 'export', eller Weblates ordliste-CSV (kräver --lang); "
                      "tbx; json."))
@click.option("--lang", default=None, metavar="LANG",
              help=N_("Importera bara termerna på LANG; krävs för en Weblate-CSV. De svenska uppgifterna ändras "
                      "då inte utan --allow-master-changes."))
@click.option("--dry-run", is_flag=True,
              help=N_("Visa vad som skulle ändras, begrepp för begrepp, utan att skriva något."))
@click.option("--allow-master-changes", is_flag=True,
              help=N_("Låt en import med --lang ändra de svenska uppgifterna (uppslagsord, definition, ordklass, "
                      "domän, varianter, anmärkning) och lägga till begrepp."))
@locales_option
def import_command(file, fmt, lang, dry_run, allow_master_changes, locales):
    from ..glossary.exchange import import_glossary  # noqa: PLC0415

    from .catalog import checkout_locales  # noqa: PLC0415

    # An import writes catalogs: those of the checkout, never the installed package's.
    result = import_glossary(file, fmt, checkout_locales(locales), lang, dry_run=dry_run,
                             allow_master_changes=allow_master_changes)
    if result.unchanged:
        click.echo(_("Inga ändringar: katalogerna är redan som {file}").format(file=file))
        return 0
    if dry_run:
        _echo_changes(result.changes)
        concepts = len({change.concept for change in result.changes})
        click.echo(ngettext("{count} begrepp skulle ändras; ingenting skrevs (--dry-run)",
                            "{count} begrepp skulle ändras; ingenting skrevs (--dry-run)",
                            concepts).format(count=concepts))
        return 0
    if result.added:
        click.echo(_("Nya begrepp: {ids}").format(ids=", ".join(result.added)))
    if result.changed:
        click.echo(_("Ändrade svenska uppgifter: {ids}").format(ids=", ".join(result.changed)))
    for lang_code, count in sorted(result.terms.items()):
        click.echo(ngettext("{lang}: {count} begrepp med ändrade termer", "{lang}: {count} begrepp med ändrade termer",
                            count).format(lang=lang_code, count=count))
    for path in result.written:
        click.echo(_("Skrev {path}").format(path=path))
    return 0


_FIELD_LABELS = {
    "headword": N_("uppslagsord"), "definition": N_("definition"), "pos": N_("ordklass"), "domain": N_("domän"),
    "variants": N_("varianter"), "note": N_("anmärkning"),
}


def _echo_changes(changes) -> None:
    """What an import would change, concept by concept: one line per field, old -> new."""
    concept = None
    for change in changes:
        if change.concept != concept:
            concept = change.concept
            click.echo(concept)
        if change.field in _FIELD_LABELS:
            label = _(_FIELD_LABELS[change.field])
        elif change.field.endswith(" comment"):
            label = _("översättarkommentar ({lang})").format(lang=change.field.split()[0])
        else:
            label = _("termer ({lang})").format(lang=change.field)
        click.echo(_("  {field}: {old} → {new}").format(field=label, old=_shown_value(change.old),
                                                        new=_shown_value(change.new)))


def _shown_value(value: str) -> str:
    return repr(value) if value else _("(tomt)")
