"""Checking catalogs for translators and CI: counts per language and problems with file:line.

A problem is anything a translator should look at before a release: an untranslated or
fuzzy entry, placeholders that differ from the msgid (``{count}``, ``%s``), leading or
trailing whitespace or end punctuation that differ, and everything :func:`read_po`
refuses (syntax, encoding, duplicate msgids, plural forms). A catalog that lacks
messages of its template, or has messages the template no longer has, needs an update.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import CatalogError, Problem
from ..i18n import _
from .layout import GLOSSARY_DOMAIN, catalog_path, domains as find_domains, languages as find_languages, template_path
from .pofile import header_line, read_po_path
from .safety import unusable_entries

__all__ = ["CatalogStats", "CheckReport", "check_entry", "check_catalog", "check_locales", "glossary_field_problems"]

_END_PUNCTUATION = ".:!?;…"
_PRINTF = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
                     r"(?P<type>[diouxXeEfFgGcrsa%])")
# Without a format flag, only directives that cannot be ordinary text ('50 % av' is text).
_PRINTF_LIKELY = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0+]*\d*(?:\.\d+)?[sdifrx]")


@dataclass
class CatalogStats:
    """How far one catalog is translated."""

    domain: str
    lang: str
    path: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


@dataclass
class CheckReport:
    """Counts per catalog, every problem, and the catalogs that could not be read at all (or,
    for the glossary, not as its fields)."""

    stats: list[CatalogStats] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    # Problems that make a message or a plural rule unusable by the program (also in problems).
    errors: list[Problem] = field(default_factory=list)


def _brace_fields(text: str) -> Counter | None:
    """The brace placeholders of ``text`` ('{count}', '{value!r}'), None if it is no valid format."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    fields = Counter()
    for _literal, name, spec, conversion in parsed:
        if name is not None:
            fields["{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"] += 1
    return fields


def _printf_fields(text: str) -> list[str]:
    return [m.group(0) for m in _PRINTF.finditer(text) if m.group("type") != "%"]


def _describe(fields) -> str:
    return ", ".join(sorted(fields)) or "none"


def _placeholder_problems(entry: polib.POEntry, sources: list[str], translations: list[str]) -> list[str]:
    problems = []
    brace = "python-brace-format" in entry.flags or any(_brace_fields(t) for t in sources + translations)
    if brace:
        wanted = set()
        for text in sources:
            wanted.update(_brace_fields(text) or ())
        seen = set()
        for text in translations:
            fields = _brace_fields(text)
            if fields is None:
                problems.append(_("översättningen är inget giltigt klammerformat (en '{{' eller '}}' utan "
                                  "motsvarighet): {text}").format(text=repr(text)))
                return problems
            seen.update(fields)
            extra = set(fields) - wanted
            if extra:
                problems.append(_("platshållarna skiljer sig från msgid: översättningen har {fields}, som msgid "
                                  "inte har").format(fields=_describe(extra)))
        missing = wanted - seen
        if missing:
            problems.append(_("platshållarna skiljer sig från msgid: översättningen saknar {fields}")
                            .format(fields=_describe(missing)))
    printf = {"python-format", "c-format"} & set(entry.flags) or any(_PRINTF_LIKELY.search(s) for s in sources)
    if printf:
        wanted = sorted(set(f for s in sources for f in _printf_fields(s)))
        for text in translations:
            fields = _printf_fields(text)
            if sorted(set(fields)) != wanted:
                problems.append(_("printf-platshållarna skiljer sig från msgid: {wanted} i msgid, {found} i "
                                  "översättningen").format(wanted=_describe(wanted), found=_describe(set(fields))))
                break
    return problems


def _edges(text: str) -> tuple[str, str, str]:
    stripped = text.strip()
    lead = text[:len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    end = stripped[-1] if stripped and stripped[-1] in _END_PUNCTUATION else ""
    return lead, trail, end


def _quoted(mark: str) -> str:
    return f"'{mark}'" if mark else _("inget")


def _edge_problems(source: str, translation: str) -> list[str]:
    problems = []
    lead, trail, end = _edges(source)
    their_lead, their_trail, their_end = _edges(translation)
    if lead != their_lead:
        problems.append(_("inledande blanktecken skiljer sig från msgid ({ours} i msgid, {theirs} i översättningen)")
                        .format(ours=repr(lead), theirs=repr(their_lead)))
    if trail != their_trail:
        problems.append(_("avslutande blanktecken skiljer sig från msgid ({ours} i msgid, {theirs} i översättningen)")
                        .format(ours=repr(trail), theirs=repr(their_trail)))
    if end != their_end:
        problems.append(_("skiljetecknet i slutet skiljer sig från msgid ({ours} i msgid, {theirs} i översättningen)")
                        .format(ours=_quoted(end), theirs=_quoted(their_end)))
    return problems


def check_entry(entry: polib.POEntry) -> list[str]:
    """What is wrong with one active entry of a language catalog (empty if nothing)."""
    if entry.msgid_plural:
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)]
    else:
        forms = [entry.msgstr]
    if not any(forms) or not all(forms):
        return [_("oöversatt") if not any(forms) else _("en pluralform är oöversatt")]
    problems = []
    if entry.fuzzy:
        if entry.previous_msgid:
            problems.append(_("fuzzy: kontrollera översättningen och ta sedan bort fuzzy-flaggan (msgid var {was})")
                            .format(was=repr(entry.previous_msgid)))
        else:
            problems.append(_("fuzzy: kontrollera översättningen och ta sedan bort fuzzy-flaggan"))
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    problems += _placeholder_problems(entry, sources, forms)
    for number, form in enumerate(forms):
        # The first form translates the singular msgid, the others msgid_plural (a language
        # with one form only has the plural).
        singular = not entry.msgid_plural or (number == 0 and len(forms) > 1)
        source = entry.msgid if singular else entry.msgid_plural
        problems += [p for p in _edge_problems(source, form) if p not in problems]
    return problems


def check_catalog(catalog: polib.POFile, name: str, domain: str, lang: str,
                  template: polib.POFile | None = None) -> tuple[CatalogStats, list[Problem]]:
    """Counts and problems of one language catalog, compared with its template when given."""
    stats = CatalogStats(domain, lang, name)
    problems = []
    if catalog.metadata_is_fuzzy:
        problems.append(Problem(name, header_line(catalog), _("huvudet är märkt fuzzy; msgfmt skulle strunta i det "
                                                              "(ta bort fuzzy-flaggan)")))
    for entry in catalog:
        if entry.obsolete:
            stats.obsolete += 1
            continue
        if entry.translated():
            stats.translated += 1
        elif entry.fuzzy and any([entry.msgstr] + list(entry.msgstr_plural.values())):
            stats.fuzzy += 1
        else:
            stats.untranslated += 1
        problems += [Problem(name, entry.linenum, message) for message in check_entry(entry)]
    if template is not None:
        wanted = {(e.msgctxt, e.msgid) for e in template if not e.obsolete}
        have = {(e.msgctxt, e.msgid) for e in catalog if not e.obsolete}
        missing, extra = len(wanted - have), len(have - wanted)
        if missing or extra:
            problems.append(Problem(name, header_line(catalog),
                                    _("inte i takt med sin mall (saknas: {missing}, finns inte längre i mallen: {extra}); "
                                      "kör 'amif-search catalog update'")
                                    .format(missing=missing, extra=extra)))
    return stats, problems


def glossary_field_problems(catalog: polib.POFile, name: str) -> list[Problem]:
    """Extracted comments of a glossary catalog that cannot be read as its fields (GLOSSARY.md):
    a line that is no ``key: value`` field nor continues one, and a part of speech or domain
    that is none of the documented values (a field that swallowed a line meant as another)."""
    from ..glossary.concepts import COMMENT_KEYS, DOMAINS, PARTS_OF_SPEECH, read_comment_fields  # noqa: PLC0415

    problems = []
    for entry in catalog:
        if entry.obsolete or not entry.msgctxt:
            continue
        values, stray = read_comment_fields(entry.comment)
        for line in stray:
            problems.append(Problem(name, entry.linenum, _("'#. {line}' är inget fält i ordlistan ({keys})").format(
                line=line.strip()[:50], keys=", ".join(f"{key}:" for key in COMMENT_KEYS))))
        for key, allowed in (("pos", PARTS_OF_SPEECH), ("domain", DOMAINS)):
            if key not in values:
                problems.append(Problem(name, entry.linenum, _("ingen rad '#. {key}:'").format(key=key)))
            elif values[key] not in allowed:
                problems.append(Problem(name, entry.linenum, _("'{key}: {value}' är inte något av {allowed}").format(
                    key=key, value=values[key][:50], allowed=", ".join(allowed))))
    return problems


def _check_glossary_fields(report: CheckReport, catalog: polib.POFile, name: str, domain: str) -> None:
    # A glossary field that cannot be read is data lost, not a style point: the check fails.
    if domain != GLOSSARY_DOMAIN:
        return
    problems = glossary_field_problems(catalog, name)
    if problems:
        report.problems += problems
        report.unreadable.append(name)


def check_locales(locales: Path, domains: list[str] | None = None,
                  languages: list[str] | None = None) -> CheckReport:
    """Check every catalog (or those of ``domains`` and ``languages``) under ``locales``."""
    report = CheckReport()
    for domain in domains or find_domains(locales):
        pot = template_path(locales, domain)
        template = None
        if pot.is_file():
            try:
                template = read_po_path(pot, template=True)
            except CatalogError as exc:
                report.problems += exc.problems
                report.unreadable.append(str(pot))
            else:
                _check_glossary_fields(report, template, str(pot), domain)
        for lang in languages or find_languages(locales, domain):
            path = catalog_path(locales, lang, domain)
            if not path.is_file():
                report.problems.append(Problem(str(path), None, _("ingen katalog för {lang}; skapa den med "
                                                                  "'amif-search catalog init {lang}'").format(lang=lang)))
                report.unreadable.append(str(path))
                continue
            try:
                catalog = read_po_path(path)
            except CatalogError as exc:
                report.problems += exc.problems
                report.unreadable.append(str(path))
                continue
            stats, problems = check_catalog(catalog, str(path), domain, lang, template)
            report.stats.append(stats)
            report.problems += problems
            errors = unusable_entries(catalog, str(path))
            report.errors += errors
            report.problems += errors
            _check_glossary_fields(report, catalog, str(path), domain)
        if template is not None:
            report.problems += _thesaurus_problems(locales, domain, str(pot))
    return report


def _thesaurus_problems(locales: Path, domain: str, name: str) -> list[Problem]:
    """The glossary's broken thesaurus relations (a problem, so ``--strict`` fails on them)."""
    from ..glossary.concepts import GLOSSARY_DOMAIN, load_glossary, relation_problems  # noqa: PLC0415
    from ..errors import GlossaryError  # noqa: PLC0415

    if domain != GLOSSARY_DOMAIN:
        return []
    try:
        glossary = load_glossary(locales)
    except GlossaryError as exc:
        return list(exc.problems)
    return relation_problems(glossary, name)
