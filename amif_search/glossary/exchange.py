"""The glossary in translators' formats: TBX, CSV and JSON out; CSV, TBX and JSON back in.

Export works on a :class:`~.glossary.Glossary`:

- **TBX** (TBX-Basic, ``<martif>``), as Weblate and translate-toolkit read it: one
  ``termEntry`` per concept with the concept ID as ``id``, the domain as ``subjectField``,
  the note as ``note``; one ``langSet`` per language with a ``tig`` per term (preferred
  first, marked ``preferredTerm-admn-sts``; variants ``admittedTerm-admn-sts``), the part
  of speech in each ``tig`` and the Swedish definition in the Swedish ``langSet``;
- **CSV**, wide and lossless (``id, headword, pos, domain, definition, variants, note`` and
  one column per language), or, for one target language, **Weblate's glossary CSV**
  (``source, target, context, developer_comments, translator_comments``);
- **JSON**, every field of every concept.

Import reads a whole file and checks all of it before anything is written: any problem
raises one :class:`GlossaryError` that lists every problem as FILE:LINE: message, and the
catalogs stay as they were. Then only entries whose values differ from the catalogs change:
Swedish fields in ``glossary.pot`` (and the same ``msgid`` and ``#.`` lines in every
``.po``), terms in ``<lang>/LC_MESSAGES/glossary.po``; only changed catalogs are written,
so importing an unchanged export leaves every file byte for byte as it was. Import never
removes a concept, and leaves languages the file does not carry alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import GlossaryError, Problem
from ..i18n.languages import language, normalise
from .concepts import (
    COMMENT_KEYS,
    DOMAINS,
    PARTS_OF_SPEECH,
    SWEDISH,
    Concept,
    Glossary,
    concept_id_problem,
    format_comments,
    glossary_paths,
    join_terms,
    load_glossary,
    read_comment_fields,
    split_terms,
    term_problem,
    with_hidden_labels,
)
from ..i18n import _, ngettext

__all__ = [
    "EXPORT_FORMATS", "IMPORT_FORMATS", "WIDE_COLUMNS", "WEBLATE_COLUMNS",
    "FieldChange", "export_glossary", "export_tbx", "export_csv", "export_json", "translator_comments",
    "ImportedConcept", "GlossaryImport", "ImportResult",
    "read_import", "read_csv", "read_tbx", "read_json", "check_import", "apply_import", "import_glossary",
]

EXPORT_FORMATS = ("tbx", "csv", "json")
IMPORT_FORMATS = ("csv", "tbx", "json")
WIDE_COLUMNS = ("id", "headword", "pos", "domain", "definition", "variants", "hidden", "broader", "related", "note")
# The columns of a Weblate glossary CSV (translate-toolkit's names; Weblate reads any order).
WEBLATE_COLUMNS = ("source", "target", "context", "developer_comments", "translator_comments")

_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?(?:@[a-z]+)?$")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DOCTYPE = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'
_PREFERRED = "preferredTerm-admn-sts"
_ADMITTED = "admittedTerm-admn-sts"
# A hidden label (a misspelling that finds the concept, never shown) is a deprecated term.
_HIDDEN = "deprecatedTerm-admn-sts"
_REJECTED = ("supersededTerm-admn-sts",)
# Thesaurus relations as TBX cross-references (ISO 12620 data categories), on the termEntry.
_RELATION_TO_TBX = {"broader": "broaderConceptGeneric", "related": "relatedConcept"}
_TBX_TO_RELATION = {value: key for key, value in _RELATION_TO_TBX.items()}
# TBX-Basic's partOfSpeech picklist has no phrase or abbreviation; those are termTypes.
_POS_TO_TBX = {"substantiv": ("noun", None), "verb": ("verb", None), "adjektiv": ("adjective", None),
               "organisation": ("properNoun", None), "fras": ("other", "phrase"),
               "förkortning": ("noun", "abbreviation")}
_TBX_TO_POS = {"noun": "substantiv", "verb": "verb", "adjective": "adjektiv", "properNoun": "organisation"}
# 'other' without a termType (a one-word term of a phrase concept) says no part of speech:
# the concept keeps its own.
_UNSAID_POS = ("", "other")
_TERM_TYPE_TO_POS = {"phrase": "fras", "abbreviation": "förkortning"}
_ENTRY_TAGS = ("termEntry", "conceptEntry")
_LANG_TAGS = ("langSet", "langSec")
_TERM_TAGS = ("tig", "ntig", "termSec")


# Export ---------------------------------------------------------------------------------


def _languages(glossary: Glossary, lang: str | None) -> list[str]:
    """Every language of the glossary, or Swedish and ``lang``."""
    if lang is None:
        return glossary.all_languages()
    if lang not in glossary.all_languages():
        raise GlossaryError(f"the glossary has no language {lang!r} (it has {', '.join(glossary.all_languages())})")
    return [SWEDISH] if lang == SWEDISH else [SWEDISH, lang]


def _swedish_values(concept: Concept) -> dict[str, str]:
    return {"definition": concept.definition, "pos": concept.pos, "domain": concept.domain,
            "variants": join_terms(concept.variants), "hidden": join_terms(concept.hidden.get(SWEDISH, [])),
            "broader": join_terms(concept.broader), "related": join_terms(concept.related), "note": concept.note}


def _element(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attributes)
    child.text = text
    return child


def export_tbx(glossary: Glossary, lang: str | None = None) -> str:
    """The glossary as TBX-Basic: every language, or Swedish and ``lang``."""
    languages = _languages(glossary, lang)
    root = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: SWEDISH})
    header = ET.SubElement(root, "martifHeader")
    description = ET.SubElement(header, "fileDesc")
    _element(ET.SubElement(description, "titleStmt"), "title", "amif-search glossary")
    _element(ET.SubElement(description, "sourceDesc"), "p",
             "amif-search: EU AMIF projects in Finland. Source language sv; each termEntry id is a concept ID "
             "(the msgctxt in locales/glossary.pot).")
    _element(ET.SubElement(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for concept in glossary:
        entry = ET.SubElement(body, "termEntry", {"id": concept.id})
        if concept.domain:
            _element(entry, "descrip", concept.domain, type="subjectField")
        if concept.note:
            _element(entry, "note", concept.note)
        for kind, category in _RELATION_TO_TBX.items():
            for target in getattr(concept, kind):
                other = glossary.get(target)
                _element(entry, "descrip", other.headword if other else target, type=category, target=target)
        part_of_speech, term_type = _POS_TO_TBX.get(concept.pos, (concept.pos, None))
        for language in languages:
            terms = concept.terms.get(language) or []
            hidden = concept.hidden.get(language) or []
            if not terms and not hidden:
                continue
            lang_set = ET.SubElement(entry, "langSet", {_XML_LANG: language.replace("_", "-")})
            if language == SWEDISH and concept.definition:
                _element(lang_set, "descrip", concept.definition, type="definition")
            for number, term in enumerate(terms + hidden):
                tig = ET.SubElement(lang_set, "tig")
                _element(tig, "term", term)
                if part_of_speech:
                    _element(tig, "termNote", part_of_speech, type="partOfSpeech")
                # TBX-Basic's 'phrase' is a term of more than one word, whatever the concept's.
                if term_type and (term_type != "phrase" or len(term.split()) > 1):
                    _element(tig, "termNote", term_type, type="termType")
                status = _PREFERRED if number == 0 else _ADMITTED if number < len(terms) else _HIDDEN
                _element(tig, "termNote", status, type="administrativeStatus")
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + _DOCTYPE + "\n"
            + ET.tostring(root, encoding="unicode") + "\n")


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def export_csv(glossary: Glossary, lang: str | None = None,
               comments: dict[str, str] | None = None) -> str:
    """The wide CSV (every field and language), or with ``lang`` Weblate's glossary CSV for it.

    ``comments`` are the translator comments of ``lang`` by concept ID (see
    :func:`translator_comments`), for the Weblate CSV's ``translator_comments`` column.
    """
    if lang is None:
        targets = [code for code in glossary.all_languages() if code != SWEDISH]
        rows = [list(WIDE_COLUMNS) + targets]
        for concept in glossary:
            values = _swedish_values(concept)
            rows.append([concept.id, concept.headword] + [values[key] for key in WIDE_COLUMNS[2:]]
                        + [join_terms(concept.terms.get(code, [])) for code in targets])
        return _csv_text(rows)
    if lang == SWEDISH:
        raise GlossaryError("a Weblate glossary CSV is for a target language; Swedish is the source (use fi, en ...)")
    _languages(glossary, lang)
    comments = comments or {}
    rows = [list(WEBLATE_COLUMNS)]
    for concept in glossary:
        rows.append([concept.headword, join_terms(concept.terms.get(lang, [])), concept.id,
                     format_comments(_swedish_values(concept), None), comments.get(concept.id, "")])
    return _csv_text(rows)


def export_json(glossary: Glossary, lang: str | None = None) -> str:
    """Every concept with every field, as JSON: all languages, or Swedish and ``lang``."""
    languages = _languages(glossary, lang)
    concepts = []
    for concept in glossary:
        data = concept.to_json()
        data["terms"] = {code: values for code, values in data["terms"].items() if code in languages}
        data["hidden"] = {code: values for code, values in data["hidden"].items() if code in languages}
        data["narrower"] = glossary.narrower(concept.id)   # derived: not read back
        concepts.append(data)
    document = {"source_language": SWEDISH, "languages": languages, "concepts": concepts}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_glossary(glossary: Glossary, fmt: str, lang: str | None = None,
                    comments: dict[str, str] | None = None) -> str:
    """The glossary in ``fmt`` (tbx, csv or json)."""
    if fmt == "tbx":
        return export_tbx(glossary, lang)
    if fmt == "csv":
        return export_csv(glossary, lang, comments)
    if fmt == "json":
        return export_json(glossary, lang)
    raise GlossaryError(f"unknown export format {fmt!r} (expected {', '.join(EXPORT_FORMATS)})")


def translator_comments(locales: Path, lang: str) -> dict[str, str]:
    """The translator comments (``# ...``) of ``lang``'s glossary catalog, by concept ID."""
    from ..errors import CatalogError  # noqa: PLC0415
    from ..l10n.pofile import read_po_path  # noqa: PLC0415

    path = glossary_paths(Path(locales))[1].get(lang)
    if path is None:
        return {}
    try:
        catalog = read_po_path(path)
    except CatalogError as exc:
        raise GlossaryError(exc.message, exc.problems) from None
    return {e.msgctxt: e.tcomment for e in catalog if e.msgctxt and e.tcomment and not e.obsolete}


# Reading import files -------------------------------------------------------------------


@dataclass
class ImportedConcept:
    """One concept as an import file gives it; a field the file does not carry is None."""

    id: str
    headword: str | None  # None: the file has no Swedish terms for the concept (it keeps its headword)
    line: int | None = None
    definition: str | None = None
    pos: str | None = None
    domain: str | None = None
    note: str | None = None
    variants: list[str] | None = None
    terms: dict[str, list[str]] = field(default_factory=dict)
    translator_comments: dict[str, str] = field(default_factory=dict)
    hidden: dict[str, list[str]] | None = None     # hidden labels by language, Swedish too
    broader: list[str] | None = None
    related: list[str] | None = None
    # Languages whose TBX langSet held one term only: if it is the preferred term already,
    # the variants stay (tools that carry one term per language write it so).
    single_term: set[str] = field(default_factory=set)

    def swedish(self, current: Concept | None) -> dict[str, str]:
        """The Swedish fields after the import: the file's, else the current concept's."""
        old = _swedish_values(current) if current is not None else dict.fromkeys(COMMENT_KEYS, "")
        lists = {"variants": self.variants, "broader": self.broader, "related": self.related,
                 "hidden": None if self.hidden is None else self.hidden.get(SWEDISH, [])}
        new = {"definition": self.definition, "pos": self.pos, "domain": self.domain, "note": self.note}
        new.update({key: None if value is None else join_terms(value) for key, value in lists.items()})
        return {key: old[key] if new[key] is None else new[key] for key in COMMENT_KEYS}


@dataclass
class GlossaryImport:
    """What an import file holds, and every problem found reading it."""

    file: str
    languages: dict[str, int | None] = field(default_factory=dict)  # target language -> line naming it
    concepts: list[ImportedConcept] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))


def _language_problem(code: str) -> str | None:
    if not _LANG_CODE.match(code):
        return _("{code} är ingen språkkod som fi, en, so eller pt_BR").format(code=repr(code))
    return None


def _decode(content: str | bytes, result: GlossaryImport) -> str:
    if isinstance(content, str):
        return content.lstrip("\ufeff")
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for number, raw in enumerate(content.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            result.problem(number, _("ogiltig UTF-8 (byte 0x{byte} i kolumn {column}); spara filen som UTF-8").format(
                byte=raw[exc.start:exc.start + 1].hex().upper(), column=exc.start + 1))
    return content.decode("utf-8", errors="replace")


def _csv_records(text: str, result: GlossaryImport) -> list[tuple[int, list[str]]]:
    """The non-empty rows of a CSV with the line each starts on."""
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
    except csv.Error as exc:
        result.problem(reader.line_num or 1, _("felaktig CSV: {reason}").format(reason=exc))
    return records


def read_csv(content: str | bytes, name: str, lang: str | None = None) -> GlossaryImport:
    """A wide CSV (id, headword, ..., one column per language) or, with ``lang``, a Weblate glossary CSV."""
    result = GlossaryImport(name)
    records = _csv_records(_decode(content, result), result)
    if not records:
        if not result.problems:
            result.problem(1, _("filen har ingen rubrikrad (och inga begrepp)"))
        return result
    header_line, header = records[0]
    columns = [cell.strip().lstrip("\ufeff") for cell in header]
    lowered = [column.lower() for column in columns]
    for number, column in enumerate(lowered):
        if column in lowered[:number]:
            result.problem(header_line, _("kolumnen {column} förekommer två gånger").format(column=repr(columns[number])))
    if "source" in lowered:
        _read_weblate_rows(result, records, lowered, lang)
    else:
        _read_wide_rows(result, records, columns)
    return result


def _check_width(result: GlossaryImport, line: int, cells: list[str], width: int) -> bool:
    if len(cells) != width:
        result.problem(line, ngettext("{count} fält, men rubrikraden har {width}", "{count} fält, men rubrikraden har {width}",
                                      len(cells)).format(count=len(cells), width=width))
        return False
    return True


def _read_wide_rows(result: GlossaryImport, records, columns: list[str]) -> None:
    header_line = records[0][0]
    fields: dict[str, int] = {}
    languages: dict[str, int] = {}
    for position, column in enumerate(columns):
        if column.lower() in WIDE_COLUMNS:
            fields.setdefault(column.lower(), position)
            continue
        code = normalise(column, region=True)
        if normalise(code) == SWEDISH:
            result.problem(header_line, _("en kolumn {column}: svenska termer hör hemma i kolumnerna headword och "
                                          "variants").format(column=repr(column)))
        elif _language_problem(code):
            result.problem(header_line, _("okänd kolumn {column} (väntade {columns} och språkkoder som fi eller en)")
                           .format(column=repr(column), columns=", ".join(WIDE_COLUMNS)))
        else:
            languages.setdefault(code, position)
            result.languages.setdefault(code, header_line)
    for required in ("id", "headword"):
        if required not in fields:
            result.problem(header_line, _("ingen kolumn {column} (en ordliste-CSV har {columns} och en kolumn per "
                                          "språk; Weblates har source, target, context ...)").format(
                column=repr(required), columns=", ".join(WIDE_COLUMNS)))
    if result.problems:
        return
    for line, cells in records[1:]:
        if not _check_width(result, line, cells, len(columns)):
            continue

        def cell(key: str) -> str | None:
            return cells[fields[key]].strip() if key in fields else None

        concept = ImportedConcept(cell("id") or "", cell("headword") or "", line, cell("definition"), cell("pos"),
                                  cell("domain"), cell("note"))
        if "variants" in fields:
            concept.variants = split_terms(cells[fields["variants"]])
        for key in ("broader", "related"):
            if key in fields:
                setattr(concept, key, split_terms(cells[fields[key]]))
        if "hidden" in fields:
            concept.hidden = {SWEDISH: split_terms(cells[fields["hidden"]])}
        concept.terms = {code: split_terms(cells[column]) for code, column in languages.items()}
        result.concepts.append(concept)


def _read_weblate_rows(result: GlossaryImport, records, columns: list[str], lang: str | None) -> None:
    header_line = records[0][0]
    for column in columns:
        if column not in WEBLATE_COLUMNS:
            result.problem(header_line, _("okänd kolumn {column} (Weblates ordliste-CSV har {columns})").format(
                column=repr(column), columns=", ".join(WEBLATE_COLUMNS)))
    if "target" not in columns:
        result.problem(header_line, _("ingen kolumn 'target': det finns inga termer att importera"))
    if lang is None:
        result.problem(header_line, _("en ordliste-CSV från Weblate säger inte sitt språk; ange det med --lang"))
    elif normalise(lang) == SWEDISH:
        result.problem(header_line, _("svenska är källspråket; målspråket i en Weblate-CSV måste vara ett annat"))
    elif _language_problem(normalise(lang, region=True)):
        result.problem(header_line, _language_problem(normalise(lang, region=True)))
    if result.problems:
        return
    code = normalise(lang, region=True)
    result.languages[code] = header_line
    column_of = {column: number for number, column in enumerate(columns)}
    for line, cells in records[1:]:
        if not _check_width(result, line, cells, len(columns)):
            continue
        concept = ImportedConcept(cells[column_of["context"]].strip() if "context" in column_of else "",
                                  cells[column_of["source"]].strip(), line)
        concept.terms[code] = split_terms(cells[column_of["target"]])
        text = cells[column_of["developer_comments"]] if "developer_comments" in column_of else ""
        if text.strip():
            # A field the cell leaves out stays as it is; a blank cell (Weblate's own export)
            # changes nothing.
            values, stray = read_comment_fields(text)
            for part in stray:
                result.problem(line, _("developer_comments: {line} är ingen rad 'nyckel: värde' med en nyckel bland "
                                       "{keys}").format(line=repr(part.strip()[:40]), keys=", ".join(COMMENT_KEYS)))
            concept.definition, concept.pos = values.get("definition"), values.get("pos")
            concept.domain, concept.note = values.get("domain"), values.get("note")
            concept.variants = split_terms(values["variants"]) if "variants" in values else None
            for key in ("broader", "related"):
                setattr(concept, key, split_terms(values[key]) if key in values else None)
            if "hidden" in values:
                concept.hidden = {SWEDISH: split_terms(values["hidden"])}
        if "translator_comments" in column_of and cells[column_of["translator_comments"]].strip():
            concept.translator_comments[code] = cells[column_of["translator_comments"]].strip()
        result.concepts.append(concept)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _own(node: ET.Element):
    """The descendants of ``node`` that do not belong to a language or a term inside it."""
    for child in node:
        if _local(child.tag) in _LANG_TAGS + _TERM_TAGS:
            continue
        yield child
        yield from _own(child)


def _text(node: ET.Element) -> str:
    return "".join(node.itertext()).strip()


def _typed(node: ET.Element, tag: str, kind: str) -> list[str]:
    return [_text(child) for child in _own(node) if _local(child.tag) == tag and child.get("type") == kind]


def _parse_xml(data: bytes, result: GlossaryImport) -> tuple[ET.Element | None, dict]:
    """The root element and the line each element starts on; a problem when the XML is malformed."""
    lines: dict[ET.Element, int] = {}
    root = None
    parser = ET.XMLPullParser(events=("start",))
    try:
        for number, chunk in enumerate(data.splitlines(keepends=True) or [b""], start=1):
            parser.feed(chunk)
            if hasattr(parser, "flush"):
                parser.flush()
            for _event, element in parser.read_events():
                lines[element] = number
                root = root if root is not None else element
        parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        message = re.sub(r": line \d+, column \d+$", "", str(exc))
        result.problem(line, _("felaktig XML: {reason} (kolumn {column})").format(reason=message, column=column + 1))
        return None, {}
    return root, lines


def read_tbx(content: str | bytes, name: str) -> GlossaryImport:
    """A TBX file (TBX-Basic ``martif``; TBX v3 ``conceptEntry``/``langSec``/``termSec`` too)."""
    result = GlossaryImport(name)
    data = content.encode("utf-8") if isinstance(content, str) else content
    root, lines = _parse_xml(data, result)
    if root is None:
        return result
    if _local(root.tag) not in ("martif", "tbx"):
        result.problem(lines.get(root, 1), _("ingen TBX-fil: rotelementet är <{tag}>, väntade <martif>").format(
            tag=_local(root.tag)))
        return result
    for entry in root.iter():
        if _local(entry.tag) in _ENTRY_TAGS:
            result.concepts.append(_read_entry(entry, lines, result))
    return result


def _read_entry(entry: ET.Element, lines: dict, result: GlossaryImport) -> ImportedConcept:
    line = lines.get(entry)
    concept = ImportedConcept((entry.get("id") or "").strip(), None, line)
    domains = _typed(entry, "descrip", "subjectField")
    definitions = _typed(entry, "descrip", "definition")
    notes = [_text(child) for child in _own(entry) if _local(child.tag) == "note"]
    concept.broader, concept.related, concept.hidden = [], [], {}
    for child in _own(entry):
        kind = _TBX_TO_RELATION.get(child.get("type", "")) if _local(child.tag) in ("descrip", "ref") else None
        if kind is not None:
            target = (child.get("target") or "").strip()
            if target:
                getattr(concept, kind).append(target)
            else:
                result.problem(lines.get(child, line), _("en {type} utan målbegreppets id (target)").format(
                    type=child.get("type")))
    seen: set[str] = set()
    for lang_set in entry:
        if _local(lang_set.tag) not in _LANG_TAGS:
            continue
        where = lines.get(lang_set, line)
        raw = lang_set.get(_XML_LANG) or lang_set.get("lang") or ""
        if not raw.strip():
            result.problem(where, _("en langSet utan xml:lang"))
            continue
        code = normalise(raw, region=True)
        if normalise(code) == SWEDISH:
            code = SWEDISH
        elif _language_problem(code):
            result.problem(where, _language_problem(code))
            continue
        if code in seen:
            result.problem(where, _("en andra langSet för {lang} i begreppet").format(lang=repr(raw)))
            continue
        seen.add(code)
        terms, part_of_speech, hidden = _read_terms(lang_set, lines, result)
        if hidden:
            concept.hidden[code] = hidden
        if code == SWEDISH:
            concept.headword = terms[0] if terms else ""
            # Tools that know no variants write the headword alone: that changes no variants.
            concept.variants = terms[1:] or None
            concept.pos = part_of_speech or None
            definitions += _typed(lang_set, "descrip", "definition")
        else:
            result.languages.setdefault(code, where)
            concept.terms[code] = terms
            if len(terms) == 1:
                concept.single_term.add(code)
    # A field the entry does not carry (as TBX written by other tools) stays as it is.
    concept.broader = concept.broader or None
    concept.related = concept.related or None
    concept.hidden = concept.hidden or None
    concept.definition = " ".join(definitions) if definitions else None
    concept.domain = " ".join(domains) if domains else None
    concept.note = " ".join(notes) if notes else None
    return concept


def _read_terms(lang_set: ET.Element, lines: dict, result: GlossaryImport) -> tuple[list[str], str, list[str]]:
    """The terms of a langSet, preferred first, the part of speech of the first one, and the
    hidden labels (deprecated terms)."""
    found = []
    hidden: list[str] = []
    for holder in lang_set:
        if _local(holder.tag) not in _TERM_TAGS:
            continue
        term = next((node for node in holder.iter() if _local(node.tag) == "term"), None)
        text = _text(term) if term is not None else ""
        where = lines.get(holder)
        if not text:
            result.problem(where, _("en <{tag}> utan term").format(tag=_local(holder.tag)))
            continue
        notes = {child.get("type"): _text(child) for child in holder.iter() if _local(child.tag) == "termNote"}
        status = notes.get("administrativeStatus", "")
        if status in _REJECTED:
            result.problem(where, _("termen {term} är märkt {status}; ordlistan har bara termer som används").format(
                term=repr(text), status=status))
            continue
        if status == _HIDDEN:
            hidden.append(text)
            continue
        part_of_speech = _TERM_TYPE_TO_POS.get(notes.get("termType", ""))
        if part_of_speech is None:
            raw = notes.get("partOfSpeech", "")
            part_of_speech = "" if raw in _UNSAID_POS else _TBX_TO_POS.get(raw, raw)
        found.append((status != _PREFERRED, text, part_of_speech))
    found.sort(key=lambda item: item[0])  # stable: the preferred term first, the rest in file order
    return [text for _rest, text, _pos in found], (found[0][2] if found else ""), hidden


_JSON_KEYS = {"id", "headword", "pos", "domain", "definition", "note", "terms", "hidden", "broader", "related",
              "narrower", "line"}


def read_json(content: str | bytes, name: str) -> GlossaryImport:
    """The JSON that :func:`export_json` writes (a bare list of concepts too)."""
    result = GlossaryImport(name)
    text = _decode(content, result)
    if result.problems:
        return result
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        result.problem(exc.lineno, _("felaktig JSON: {reason} (kolumn {column})").format(reason=exc.msg, column=exc.colno))
        return result
    concepts = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(concepts, list):
        result.problem(1, _("väntade ett objekt med en lista 'concepts' (som 'glossary export --format json' skriver)"))
        return result
    declared = data.get("languages") if isinstance(data, dict) else None
    position = 0
    for number, item in enumerate(concepts, start=1):
        line = None
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found = re.compile(r'"id"\s*:\s*' + re.escape(json.dumps(item["id"], ensure_ascii=False))).search(
                text, position)
            if found:
                position = found.end()
                line = text.count("\n", 0, found.start()) + 1
        concept = _json_concept(item, number, line, result)
        if concept is not None:
            result.concepts.append(concept)
    languages = declared if isinstance(declared, list) else \
        sorted({code for c in result.concepts for code in c.terms})
    for code in languages:
        code = normalise(str(code), region=True)
        if code != SWEDISH:
            if _language_problem(code):
                result.problem(1, _language_problem(code))
            else:
                result.languages.setdefault(code, 1)
    return result


def _json_concept(item, number: int, line: int | None, result: GlossaryImport) -> ImportedConcept | None:
    what = f"concept {number}"
    if not isinstance(item, dict):
        result.problem(line, _("{what} är inget objekt").format(what=what))
        return None
    for key in item:
        if key not in _JSON_KEYS:
            result.problem(line, _("{what}: okänd nyckel {key} (väntade {keys})").format(
                what=what, key=repr(key), keys=", ".join(sorted(_JSON_KEYS - {"line"}))))
    strings = {}
    for key in ("id", "headword", "pos", "domain", "definition", "note"):
        value = item.get(key, "")
        if not isinstance(value, str):
            result.problem(line, _("{what}: {key} måste vara en sträng").format(what=what, key=repr(key)))
            value = ""
        strings[key] = value.strip()
    terms = item.get("terms", {})
    if not isinstance(terms, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in terms.values()):
        result.problem(line, _("{what}: 'terms' måste koppla språkkoder till listor av strängar").format(what=what))
        terms = {}
    terms = {normalise(code, region=True): [t.strip() for t in values if t.strip()] for code, values in terms.items()}
    lists = {}
    for key in ("broader", "related"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            result.problem(line, _("{what}: {key} måste vara en lista av begrepps-id:n").format(what=what, key=repr(key)))
            value = []
        lists[key] = [v.strip() for v in value if v.strip()] if key in item else None
    hidden = item.get("hidden", {})
    if not isinstance(hidden, dict) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in hidden.values()):
        result.problem(line, _("{what}: 'hidden' måste koppla språkkoder till listor av strängar").format(what=what))
        hidden = {}
    hidden = {normalise(code, region=True): [t.strip() for t in values if t.strip()] for code, values in hidden.items()} \
        if "hidden" in item else None
    if hidden is not None:
        for code in terms:
            hidden.setdefault(code, [])
    swedish = terms.pop(SWEDISH, [strings["headword"]] if strings["headword"] else [])
    if swedish and strings["headword"] and swedish[0] != strings["headword"]:
        result.problem(line, _("{what}: terms.sv måste börja med uppslagsordet {headword}").format(
            what=what, headword=repr(strings["headword"])))
    for code in terms:
        if _language_problem(code):
            result.problem(line, f"{what}: {_language_problem(code)}")
    return ImportedConcept(strings["id"], strings["headword"], line, strings["definition"], strings["pos"],
                           strings["domain"], strings["note"], swedish[1:],
                           {code: values for code, values in terms.items() if not _language_problem(code)},
                           hidden=hidden, broader=lists["broader"], related=lists["related"])


def read_import(content: str | bytes, name: str, fmt: str, lang: str | None = None) -> GlossaryImport:
    """Read an import file of format ``fmt`` (csv, tbx or json)."""
    if fmt == "csv":
        return read_csv(content, name, lang)
    if fmt == "tbx":
        return read_tbx(content, name)
    if fmt == "json":
        return read_json(content, name)
    raise GlossaryError(f"unknown import format {fmt!r} (expected {', '.join(IMPORT_FORMATS)})")


# Checking and applying an import --------------------------------------------------------


def _known_language(code: str, glossary: Glossary) -> str | None:
    from ..l10n.plurals import plural_forms_for  # noqa: PLC0415

    if code in glossary.languages or plural_forms_for(code):
        return None
    return _("okänt språk {code}: det finns ingen katalog för det och inga kända pluralformer; påbörja det med "
             "'amif-search catalog init {lang} --domain glossary --plural-forms ...'").format(code=repr(code), lang=code)


def check_import(imported: GlossaryImport, glossary: Glossary) -> list[Problem]:
    """Every problem of ``imported`` against the current ``glossary`` (the reader's problems too).

    A concept without an ID is matched to the current concept with the same Swedish headword.
    """
    problems = list(imported.problems)

    def problem(line: int | None, message: str) -> None:
        problems.append(Problem(imported.file, line, message))

    for code, line in imported.languages.items():
        reason = _known_language(code, glossary)
        if reason:
            problem(line, reason)
    by_headword: dict[str, list[str]] = {}
    for concept in glossary:
        by_headword.setdefault(concept.headword, []).append(concept.id)
    seen: dict[str, int | None] = {}
    for concept in imported.concepts:
        line = concept.line
        known = glossary.get(concept.id) if concept.id else None
        if concept.headword is None and known is not None:
            concept.headword = known.headword  # no Swedish terms in the file: the headword stays
        if not concept.headword:
            problem(line, _("ett begrepp utan svenskt uppslagsord"))
        if not concept.id:
            found = by_headword.get(concept.headword, [])
            if len(found) == 1:
                concept.id = found[0]
            else:
                message = (_("begreppet {headword} har inget begrepps-id och dess uppslagsord hör inte till något "
                             "begrepp i ordlistan") if not found else
                           _("begreppet {headword} har inget begrepps-id och dess uppslagsord hör till flera begrepp "
                             "i ordlistan"))
                problem(line, message.format(headword=repr(concept.headword)))
                continue
        if concept.id in seen:
            first = seen[concept.id]
            problem(line, _("begreppet {id} förekommer två gånger (först på rad {first})").format(
                id=repr(concept.id), first=first) if first else
                _("begreppet {id} förekommer två gånger").format(id=repr(concept.id)))
            continue
        seen[concept.id] = line
        current = glossary.get(concept.id)
        if current is None and concept_id_problem(concept.id):
            problem(line, concept_id_problem(concept.id))
        for key in ("definition", "pos", "domain", "note"):
            value = getattr(concept, key)
            if value and ("\n" in value or "\r" in value):
                problem(line, _("fältet {key} innehåller en radbrytning").format(key=key))
        for term in [concept.headword] + (concept.variants or []) + \
                [t for terms in concept.terms.values() for t in terms] + \
                [t for terms in (concept.hidden or {}).values() for t in terms]:
            if term and term_problem(term):
                problem(line, term_problem(term))
        values = concept.swedish(current)
        old = _swedish_values(current) if current is not None else {}
        if values["pos"] and values["pos"] != old.get("pos") and values["pos"] not in PARTS_OF_SPEECH:
            problem(line, _("okänd ordklass {pos} (väntade {allowed})").format(
                pos=repr(values["pos"]), allowed=", ".join(PARTS_OF_SPEECH)))
        if values["domain"] and values["domain"] != old.get("domain") and values["domain"] not in DOMAINS:
            problem(line, _("okänd domän {domain} (väntade {allowed})").format(
                domain=repr(values["domain"]), allowed=", ".join(DOMAINS)))
    return sorted(problems, key=lambda p: (p.line or 0))


@dataclass
class FieldChange:
    """One value an import changes: a Swedish field of a concept, or its terms in a language."""

    concept: str
    field: str  # headword, definition, pos, domain, variants, note, a language code, or "LANG comment"
    old: str
    new: str

    @property
    def swedish(self) -> bool:
        return self.field == "headword" or self.field in COMMENT_KEYS


@dataclass
class ImportResult:
    """What an import changed (or, with ``dry_run``, would change)."""

    changes: list[FieldChange] = field(default_factory=list)  # concept by concept, in file order
    dry_run: bool = False
    added: list[str] = field(default_factory=list)    # new concept IDs
    changed: list[str] = field(default_factory=list)  # concepts whose Swedish fields changed
    terms: dict[str, int] = field(default_factory=dict)  # language -> concepts whose terms changed
    created: list[str] = field(default_factory=list)  # languages whose catalog was created
    written: list[Path] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not self.changes and not self.written


def _merged_comment(old: str, values: dict[str, str]) -> str:
    # Lines that are no field stay, before the fields (after them they would read as a
    # continuation of the last one).
    stray = read_comment_fields(old)[1]
    return "\n".join(stray + ([format_comments(values)] if format_comments(values) else []))


def _glossary_header(lang: str) -> str:
    name = language(lang).english_name
    return (f"amif-search glossary: {name} equivalents of the Swedish source terms.\n"
            "Translators edit only msgstr. See GLOSSARY.md.\n"
            "This file is distributed under the same license as the amif-search package.\n")


def _swedish_changes(concept: ImportedConcept, current: Concept | None, values: dict[str, str]) -> list[FieldChange]:
    old = {"headword": current.headword, **_swedish_values(current)} if current is not None else {}
    new = {"headword": concept.headword, **values}
    return [FieldChange(concept.id, key, old.get(key, ""), new[key]) for key in ("headword",) + COMMENT_KEYS
            if new[key] != old.get(key, "")]


def _master_problems(imported: GlossaryImport, changes: list[FieldChange], lang: str) -> list[Problem]:
    lines = {c.id: c.line for c in imported.concepts}
    return [Problem(imported.file, lines.get(change.concept),
                    _("{concept}: importen skulle ändra det svenska fältet {field} ({old} -> {new}); en import av "
                      "{lang} ändrar bara dess termer om inte ändringar i den svenska förlagan tillåts "
                      "(--allow-master-changes)").format(concept=change.concept, field=change.field,
                                                         old=repr(change.old), new=repr(change.new), lang=lang))
            for change in changes if change.swedish]


def apply_import(imported: GlossaryImport, locales: Path, lang: str | None = None,
                 now: datetime | None = None, *, dry_run: bool = False,
                 allow_master_changes: bool = False) -> ImportResult:
    """Check ``imported`` and write it into the catalogs under ``locales``.

    ``lang`` limits the import to the terms of one language; it then refuses to change
    the Swedish master (headword, definition, pos, domain, variants, note, new concepts)
    unless ``allow_master_changes``. A field the file does not carry stays as it is.
    With ``dry_run`` nothing is written and the result lists what would change. Raises
    :class:`GlossaryError` with every problem before writing anything.
    """
    import polib  # noqa: PLC0415

    from ..errors import CatalogError  # noqa: PLC0415
    from ..l10n.create import init_catalog  # noqa: PLC0415
    from ..l10n.pofile import read_po_path, write_po_path  # noqa: PLC0415

    locales = Path(locales)
    glossary = load_glossary(locales)
    if lang is not None:
        code = normalise(lang, region=True)
        if code not in imported.languages and not imported.problems:
            imported.problem(None, f"the file has no terms in {lang!r} (it has "
                                   f"{', '.join(imported.languages) or 'Swedish only'})")
        imported.languages = {key: line for key, line in imported.languages.items() if key == code}
    problems = check_import(imported, glossary)
    if problems:
        raise GlossaryError(ngettext("{file}: {count} problem; ingenting importerades",
                                     "{file}: {count} problem; ingenting importerades", len(problems))
                            .format(file=imported.file, count=len(problems)), problems)

    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    template_path, catalog_paths = glossary_paths(locales)
    catalog_paths = {code: path for code, path in catalog_paths.items() if code != SWEDISH}
    try:
        template = read_po_path(template_path, template=True)
        catalogs = {code: read_po_path(path) for code, path in catalog_paths.items()}
    except CatalogError as exc:
        raise GlossaryError(exc.message, exc.problems) from None

    def by_context(catalog: polib.POFile) -> dict[str, polib.POEntry]:
        return {e.msgctxt: e for e in catalog if e.msgctxt and not e.obsolete}

    template_entries = by_context(template)
    catalog_entries = {code: by_context(catalog) for code, catalog in catalogs.items()}
    result = ImportResult()
    changed: set[str] = set()  # "" is the template

    def entry_in(code: str, template_entry: polib.POEntry) -> polib.POEntry:
        entry = catalog_entries[code].get(template_entry.msgctxt)
        if entry is None:
            entry = polib.POEntry(msgctxt=template_entry.msgctxt, msgid=template_entry.msgid, msgstr="",
                                  comment=template_entry.comment)
            catalogs[code].append(entry)
            catalog_entries[code][template_entry.msgctxt] = entry
            changed.add(code)
        return entry

    # The Swedish side first, so that a new language's catalog starts from the new template.
    for concept in imported.concepts:
        current = glossary.get(concept.id)
        values = concept.swedish(current)
        result.changes += _swedish_changes(concept, current, values)
        if current is None:
            template_entry = polib.POEntry(msgctxt=concept.id, msgid=concept.headword, msgstr="",
                                   comment=format_comments(values))
            template.append(template_entry)
            template_entries[concept.id] = template_entry
            result.added.append(concept.id)
        elif (concept.headword, values) != (current.headword, _swedish_values(current)):
            template_entry = template_entries[concept.id]
            template_entry.msgid, template_entry.comment = (concept.headword,
                                                            _merged_comment(template_entry.comment, values))
            result.changed.append(concept.id)
        else:
            continue
        changed.add("")
        for code in catalogs:
            entry = entry_in(code, template_entry)
            if (entry.msgid, entry.comment) != (template_entry.msgid, template_entry.comment):
                entry.msgid, entry.comment = template_entry.msgid, template_entry.comment
                changed.add(code)

    if lang is not None and not allow_master_changes:
        problems = _master_problems(imported, result.changes, normalise(lang, region=True))
        if problems:
            raise GlossaryError(_("{file}: importen skulle ändra den svenska förlagan; ingenting importerades")
                                .format(file=imported.file), problems)

    for code in imported.languages:
        if code not in catalogs and any(c.terms.get(code) for c in imported.concepts):
            catalog = init_catalog(template, code, now=moment, domain="glossary")
            catalog.header = _glossary_header(code)
            catalogs[code], catalog_entries[code] = catalog, by_context(catalog)
            catalog_paths[code] = locales / code / "LC_MESSAGES" / "glossary.po"
            result.created.append(code)
            changed.add(code)

    for concept in imported.concepts:
        current = glossary.get(concept.id)
        for code in imported.languages:
            if code not in catalogs:
                continue
            wanted = concept.terms.get(code, [])
            have = current.terms.get(code, []) if current is not None else []
            if code in concept.single_term and wanted == have[:1]:
                wanted = have
            entry = entry_in(code, template_entries[concept.id])
            if wanted != have:
                result.changes.append(FieldChange(concept.id, code, join_terms(have), join_terms(wanted)))
                entry.msgstr = join_terms(wanted)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
                result.terms[code] = result.terms.get(code, 0) + 1
                changed.add(code)
            comment = concept.translator_comments.get(code)
            if comment and comment != entry.tcomment:
                result.changes.append(FieldChange(concept.id, f"{code} comment", entry.tcomment or "", comment))
                entry.tcomment = comment
                changed.add(code)
            if concept.hidden is not None and code in concept.hidden:
                comment = with_hidden_labels(entry.tcomment, concept.hidden.get(code, []))
                if comment != (entry.tcomment or ""):
                    entry.tcomment = comment
                    result.terms[code] = result.terms.get(code, 0) + 1
                    changed.add(code)

    # Concept by concept, Swedish fields before the terms of each language.
    order = {c.id: n for n, c in enumerate(imported.concepts)}
    result.changes.sort(key=lambda change: (order.get(change.concept, 0), not change.swedish))
    if dry_run:
        result.dry_run = True
        return result
    if "" in changed and write_po_path(template, template_path):
        result.written.append(template_path)
    for code in sorted(changed - {""}):
        if code not in result.created:
            catalogs[code].metadata["PO-Revision-Date"] = moment.strftime("%Y-%m-%d %H:%M+0000")
        if write_po_path(catalogs[code], catalog_paths[code]):
            result.written.append(catalog_paths[code])
    return result


def import_glossary(path: Path | str, fmt: str, locales: Path, lang: str | None = None,
                    now: datetime | None = None, *, dry_run: bool = False,
                    allow_master_changes: bool = False) -> ImportResult:
    """Import the file at ``path`` (csv, tbx or json) into the catalogs under ``locales``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise GlossaryError(f"cannot read {path}: {reason}", [Problem(str(path), None, f"cannot read: {reason}")]) \
            from None
    return apply_import(read_import(data, str(path), fmt, lang), locales, lang, now, dry_run=dry_run,
                        allow_master_changes=allow_master_changes)
