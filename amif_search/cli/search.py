"""``search``, ``list`` and ``show``."""

from __future__ import annotations

import os
import shutil
import sys

import click

from .. import fields as F
from ..i18n import N_, _, get_language, ngettext
from ..i18n.formatting import format_amount
from .helptext import TranslatedCommand
from .output import cell, echo_json, table, write_records
from .render import Style, render_facets, render_hit, render_project, render_project_line
from .shared import chosen_fields, chosen_format, index_option, open_index, output_options

__all__ = ["search", "list_projects", "show", "hit_fields", "project_fields"]

color_option = click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
                            show_default=True, help=N_("Markera träffarna med färg (auto: i en terminal, om inte "
                                                       "NO_COLOR är satt)."))

# What a hit adds to its project's keys.
HIT_EXTRAS = ("score", "matched_concepts", "snippet", "highlights", "title_highlights")


def hit_fields() -> tuple[str, ...]:
    """The keys of a hit's JSON form (the registry's, then the hit's own): what --fields may name."""
    return (*(value.key for value in F.json_values(hit=True)), *HIT_EXTRAS)


def project_fields() -> tuple[str, ...]:
    """The keys of a project's JSON form: what --fields of list may name."""
    return tuple(value.key for value in F.json_values())


# The option of each kind of filterable field: its type and metavar.
_OPTION_TYPES = {
    F.CODE: (str, "CODE"), F.TEXT: (str, "TEXT"), F.ID: (str, "ID"), F.AMOUNT: (str, "EUR"),
    F.YEAR_RANGE: (click.IntRange(1900, 2200), "YEAR"), F.YEAR: (click.IntRange(1900, 2200), "YEAR"),
}


class _FilteredCommand(TranslatedCommand):
    """A command with an option for each filterable field of the registry, named after its API
    parameter, placed after the option ``--offset`` or else first. The options are made when
    the command is used, so that they are those of the registry as it is then."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        names = [p.name for p in params]
        at = names.index("offset") + 1 if "offset" in names else 0
        return params[:at] + _filter_options() + params[at:]


def _filter_options() -> list[click.Option]:
    options = []
    for field in F.filterable_fields():
        kind, metavar = _OPTION_TYPES[field.kind]
        options.append(click.Option(["--" + field.api_parameter.replace("_", "-"), field.api_parameter],
                                    type=kind, metavar=metavar, help=field.option_help))
    return options


def _chosen(options: dict) -> dict:
    """The filters given on the command line, by field name."""
    return {field.name: options[field.api_parameter] for field in F.filterable_fields()
            if options.get(field.api_parameter) is not None}


def _sort_keys() -> list[str]:
    from ..summary import SORTS  # noqa: PLC0415

    return [*SORTS, *("-" + key for key in SORTS)]


sort_option = click.option(
    "--sort", default="relevance", show_default=True, metavar="KEY",
    shell_complete=lambda ctx, param, incomplete: [k for k in _sort_keys() if k.startswith(incomplete)],
    help=N_("Ordning: relevance, start, end eller support; ett - framför vänder den (-start: nyaste först)."))
facets_option = click.option("--facets", "show_facets", is_flag=True,
                             help=N_("Visa också antal och EU-stöd per mål, startår och genomförare."))


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """The IDs of the index's projects that begin with what has been typed."""
    try:
        from ..collection import open_collection  # noqa: PLC0415

        with open_collection(ctx.params.get("index_dir"), build=False) as collection:
            ids = collection.ids()
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [pid for pid in ids if pid.startswith(incomplete)]


def _style(color: str) -> Style:
    if color == "always":
        return Style(True)
    if color == "never":
        return Style(False)
    return Style(sys.stdout.isatty() and not os.environ.get("NO_COLOR"))


def _width() -> int | None:
    """The terminal's width (or COLUMNS); None when the output is no terminal: then lines are
    not cut, and text is wrapped at 100."""
    if not sys.stdout.isatty() and "COLUMNS" not in os.environ:
        return None
    return shutil.get_terminal_size((100, 24)).columns


def _summary_line(total: int, amount, lang: str) -> str:
    return ngettext("{count} projekt, EU-stöd sammanlagt {amount}", "{count} projekt, EU-stöd sammanlagt {amount}",
                    total).format(count=total, amount=format_amount(amount, lang))


@click.command(
    cls=_FilteredCommand,
    short_help=N_("Sök bland projekten."),
    # Translators: keep the line \b, which keeps the examples from being rewrapped; the example
    # queries may be kept as they are (a search finds Swedish projects from Finnish or English words too).
    help=N_("Sök bland projekten; slutstatus 0 vid träff, 1 när inget hittades.\n"
            "\n"
            "\b\n"
            "Exempel:\n"
            "  amif-search search \"trauma barn\"\n"
            "  amif-search search '\"psykisk hälsa\" år:2022'\n"
            "  amif-search search 'tortyr OR trauma -vuxna' --objective 6.2\n"
            "  amif-search search 'stöd:>500000 mål:6.1' --json"),
)
@click.argument("words", nargs=-1, required=True, metavar="QUERY")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help=N_("Visa högst så här många träffar."))
@click.option("--offset", type=click.IntRange(0, None), default=0,
              help=N_("Hoppa först över så här många träffar (för bläddring)."))
@click.option("--query-lang", metavar="LANG", default=None,
              help=N_("Frågans språk (sv, fi, en, ...); standard: avgörs ord för ord."))
@sort_option
@facets_option
@output_options
@index_option
@color_option
def search(words, limit, offset, query_lang, sort, show_facets, fmt, as_json, fields, index_dir, color, **options):
    # Words typed without quotes are one query, as if they had been quoted together.
    query = " ".join(words)
    fmt = chosen_format(fmt, as_json)
    fields = chosen_fields(fields, hit_fields())
    collection = open_index(index_dir)
    result = collection.search(query, limit=limit, offset=offset, filters=_chosen(options), query_lang=query_lang,
                              sort=sort)
    if fmt != "table":
        document = result.to_json()
        write_records(fmt, document.pop("hits"), fields, document, key="hits")
        return 0 if result.hits else 1
    lang = get_language()
    style = _style(color)
    for warning in result.warnings:
        if warning not in collection.warnings:
            click.echo(_("Obs: {warning}").format(warning=warning), err=True)
    for correction in result.corrections:
        click.echo(_("Sökte efter {corrected} i stället för {original}").format(
            corrected=style.strong(correction.corrected), original=correction.original), color=style.color)
    for reading in result.interpretations:
        if reading.kind == "boost":
            click.echo(_("{original} lästes som {reading}: de projekt den genomför kommer först").format(
                original=reading.original, reading=reading.reading))
        else:
            click.echo(_("{original} lästes som {reading}").format(original=reading.original, reading=reading.reading))
    for expansion in result.expansions:
        if expansion.kind == "translation" and expansion.original.lower() not in \
                {t.lower() for t in expansion.swedish[:1]}:
            click.echo(_("Sökte efter {original} som {swedish}").format(
                original=expansion.original, swedish=" | ".join(expansion.swedish[:6])))
    if result.unknown:
        click.echo(_("Finns inte i projekten: {words}").format(words=", ".join(result.unknown)))
    if result.suggestion:
        click.echo(_("Menade du: {suggestion}").format(suggestion=result.suggestion))
    if not result.total:
        click.echo(_("Inga träffar för {query}").format(query=query))
        return 1
    if not result.hits:
        click.echo(ngettext("Det finns bara {total} träff; inget att visa från nummer {first}",
                            "Det finns bara {total} träffar; inget att visa från nummer {first}",
                            result.total).format(total=result.total, first=offset + 1), err=True)
        return 1
    shown_to = offset + len(result.hits)
    # With several clauses, projects that match all of them are told apart from the rest
    # (in the order of relevance, where the ones that match all come first).
    split = result.clauses > 1 and result.sort == "relevance" and any(
        hit.coverage < result.clauses for hit in result.hits)
    if split and not any(hit.coverage >= result.clauses for hit in result.hits) and not offset:
        click.echo(_("Inget projekt matchar hela frågan; de här matchar en del av den."))
    click.echo(ngettext("{total} träff för {query} (visar {first}–{last})",
                        "{total} träffar för {query} (visar {first}–{last})", result.total).format(
        total=result.total, query=query, first=offset + 1 if result.hits else 0, last=shown_to))
    click.echo(_summary_line(result.total, result.eu_support_total, lang))
    width = _width()
    if fields is not None:
        click.echo("")
        click.echo(table(([cell(hit.to_json().get(name)) for name in fields] for hit in result.hits), fields, width))
    else:
        heading = None
        for number, hit in enumerate(result.hits, start=offset + 1):
            full = hit.coverage >= result.clauses
            if split and full != heading:
                heading = full
                click.echo("")
                click.echo(_("Matchar hela frågan:") if full else _("Matchar en del av frågan:"))
            click.echo("")
            # click strips colour codes when stdout is no terminal unless told otherwise.
            click.echo(render_hit(number, hit, lang, style, width or 100), color=style.color)
    if show_facets:
        click.echo("")
        click.echo(render_facets(result.facets, lang, collection, width or 100))
    return 0


@click.command("list", cls=_FilteredCommand, short_help=N_("Lista alla projekt."),
               help=N_("Lista alla projekt i källans ordning (eller --sort); slutstatus 1 när filtren eller "
                       "--offset inte lämnar något."))
@sort_option
@click.option("--limit", type=click.IntRange(1, None), default=None, help=N_("Visa högst så här många projekt."))
@click.option("--offset", type=click.IntRange(0, None), default=0,
              help=N_("Hoppa först över så här många projekt (för bläddring)."))
@facets_option
@output_options
@index_option
def list_projects(sort, limit, offset, show_facets, fmt, as_json, fields, index_dir, **options):
    fmt = chosen_format(fmt, as_json)
    fields = chosen_fields(fields, project_fields())
    collection = open_index(index_dir)
    listing = collection.listing(filters=_chosen(options), sort=sort, limit=limit, offset=offset)
    if fmt != "table":
        document = listing.to_json()
        write_records(fmt, document.pop("projects"), fields, document, key="projects")
        return 0 if listing.projects else 1
    lang = get_language()
    if listing.total and not listing.projects:
        click.echo(ngettext("Det finns bara {total} projekt; inget att visa från nummer {first}",
                            "Det finns bara {total} projekt; inget att visa från nummer {first}",
                            listing.total).format(total=listing.total, first=offset + 1), err=True)
        return 1
    width = _width()
    if fields is not None:
        click.echo(table(([cell(p.to_json().get(name)) for name in fields] for p in listing.projects), fields, width))
    else:
        for project in listing.projects:
            click.echo(render_project_line(project, lang, width))
    if listing.total:
        click.echo(_summary_line(listing.total, listing.eu_support_total, lang))
    if show_facets:
        click.echo("")
        click.echo(render_facets(listing.facets, lang, collection, width or 100))
    return 0 if listing.projects else 1


@click.command(cls=TranslatedCommand, short_help=N_("Visa ett projekt i sin helhet."),
               help=N_("Visa ett projekt i sin helhet."))
@click.argument("project_id", metavar="ID", shell_complete=_complete_ids)
@click.option("--json", "as_json", is_flag=True, help=N_("Skriv ut projektet som JSON."))
@index_option
def show(project_id, as_json, index_dir):
    collection = open_index(index_dir)
    project = collection.get(project_id)
    if as_json:
        echo_json(collection.project_json(project))
        return 0
    click.echo(render_project(project, get_language(), collection.concepts_in(project), min(_width() or 100, 100)))
    return 0
