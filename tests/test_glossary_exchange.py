"""Glossary export (TBX, CSV, JSON) and import (CSV, TBX, JSON) into the gettext catalogs.

Set AMIF_SEARCH_REGENERATE=1 to rewrite the golden files in fixtures/glossary/golden/.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from amif_search.errors import GlossaryError
from amif_search.glossary.concepts import load_glossary
from amif_search.glossary.exchange import (
    apply_import,
    check_import,
    export_glossary,
    import_glossary,
    read_csv,
    read_json,
    read_tbx,
    translator_comments,
)

# The problems are read in English (their msgids are Swedish).
pytestmark = pytest.mark.usefixtures("english")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "glossary"
SMALL = FIXTURES / "locales"
GOLDEN = FIXTURES / "golden"
BAD = FIXTURES / "bad_imports"
REGENERATE = os.environ.get("AMIF_SEARCH_REGENERATE") == "1"
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
SUFFIX = {"tbx": "tbx", "csv": "csv", "json": "json"}


def copy_locales(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "locales"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def snapshot(locales: Path) -> dict[str, bytes]:
    return {str(p.relative_to(locales)): p.read_bytes() for p in sorted(locales.rglob("*")) if p.is_file()}


def export_file(locales: Path, fmt: str, lang: str | None, folder: Path) -> Path:
    glossary = load_glossary(locales)
    comments = translator_comments(locales, lang) if fmt == "csv" and lang else None
    path = folder / f"export-{lang or 'all'}.{SUFFIX[fmt]}"
    path.write_text(export_glossary(glossary, fmt, lang, comments), encoding="utf-8")
    return path


def check_golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if REGENERATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shipped():
    return load_glossary(ROOT / "locales")


@pytest.fixture(scope="module")
def small():
    return load_glossary(SMALL)


# Export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,lang,golden", [
    ("tbx", None, "small.tbx"),
    ("tbx", "fi", "small-fi.tbx"),
    ("csv", None, "small.csv"),
    ("csv", "fi", "small-weblate-fi.csv"),
    ("json", None, "small.json"),
], ids=["tbx", "tbx-fi", "csv-wide", "csv-weblate-fi", "json"])
def test_export_matches_the_golden_file(small, fmt, lang, golden):
    comments = translator_comments(SMALL, lang) if fmt == "csv" and lang else None
    check_golden(golden, export_glossary(small, fmt, lang, comments))


def test_tbx_export_is_read_by_lxml(shipped):
    etree = pytest.importorskip("lxml.etree")
    root = etree.fromstring(export_glossary(shipped, "tbx").encode("utf-8"))
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert (root.tag, root.get("type"), root.get(xml_lang)) == ("martif", "TBX-Basic", "sv")
    entries = root.findall("text/body/termEntry")
    assert len(entries) == len(shipped) >= 150
    assert [e.get("id") for e in entries] == [c.id for c in shipped]
    for entry in entries:
        assert {ls.get(xml_lang) for ls in entry.findall("langSet")} == {"sv", "fi", "en"}
    quota = root.find("text/body/termEntry[@id='kvotflykting']")
    assert quota.findtext("descrip[@type='subjectField']") == "mottagande"
    assert quota.find("langSet[@xml:lang='sv']/descrip[@type='definition']",
                      namespaces={"xml": "http://www.w3.org/XML/1998/namespace"}) is not None
    terms = {ls.get(xml_lang): [t.text for t in ls.iter("term")] for ls in quota.findall("langSet")}
    assert terms == {"sv": ["kvotflykting", "kvotflyktning"], "fi": ["kiintiöpakolainen", "kiintiopakolainen"],
                     "en": ["quota refugee", "resettled refugee", "resettlement refugee"]}
    statuses = {ls.get(xml_lang): [n.text for n in ls.iterfind("tig/termNote[@type='administrativeStatus']")]
                for ls in quota.findall("langSet")}
    # Hidden labels (misspellings that find the concept) travel as deprecated terms.
    assert statuses == {"sv": ["preferredTerm-admn-sts", "deprecatedTerm-admn-sts"],
                        "fi": ["preferredTerm-admn-sts", "deprecatedTerm-admn-sts"],
                        "en": ["preferredTerm-admn-sts", "admittedTerm-admn-sts", "admittedTerm-admn-sts"]}
    related = {d.get("target") for d in quota.findall("descrip[@type='relatedConcept']")}
    assert related == {"vidarebosattning", "flyktingkvot"}
    assert quota.find("descrip[@type='broaderConceptGeneric']").get("target") == "flykting"
    thl = root.find("text/body/termEntry[@id='thl']")
    assert thl.findtext("langSet/tig/termNote[@type='partOfSpeech']") == "properNoun"


def test_tbx_export_escapes_markup_in_text(small):
    etree = pytest.importorskip("lxml.etree")
    root = etree.fromstring(export_glossary(small, "tbx").encode("utf-8"))
    note = root.findtext("text/body/termEntry[@id='kvotflykting']/note")
    assert note == small.get("kvotflykting").note
    assert '"resettled refugee", jfr <vidarebosättning> & <omplacering>' in note


def test_translate_toolkit_reads_the_tbx_export(shipped):
    tbx = pytest.importorskip("translate.storage.tbx")
    store = tbx.tbxfile.parsestring(export_glossary(shipped, "tbx").encode("utf-8"))
    assert len(store.units) == len(shipped)
    unit = next(u for u in store.units if u.getid() == "kvotflykting")
    assert unit.source == "kvotflykting"
    assert [t.text for t in unit.get_target_terms("fi")] == ["kiintiöpakolainen", "kiintiopakolainen"]
    assert [t.text for t in unit.get_target_terms("en")] == ["quota refugee", "resettled refugee",
                                                             "resettlement refugee"]
    assert [t.administrative_status for t in unit.get_target_terms("en")] == ["preferredTerm-admn-sts",
                                                                             "admittedTerm-admn-sts",
                                                                             "admittedTerm-admn-sts"]


def test_translate_toolkit_reads_the_weblate_csv(small):
    csvl10n = pytest.importorskip("translate.storage.csvl10n")
    import io

    text = export_glossary(small, "csv", "fi", translator_comments(SMALL, "fi"))
    store = csvl10n.csvfile(io.BytesIO(text.encode("utf-8")))
    assert len(store.units) == len(small)
    unit = next(u for u in store.units if u.getcontext() == "thl")
    assert unit.source == "Institutet för hälsa och välfärd"
    assert unit.target == "Terveyden ja hyvinvoinnin laitos; THL"
    assert "pos: organisation" in unit.getnotes("developer")
    assert unit.getnotes("translator") == "Tarkistettu THL:n sivuilta."


def test_export_of_an_unknown_language_raises(small):
    with pytest.raises(GlossaryError, match="no language 'so'"):
        export_glossary(small, "tbx", "so")
    with pytest.raises(GlossaryError, match="Swedish is the source"):
        export_glossary(small, "csv", "sv")


# Round trips ----------------------------------------------------------------------------

ROUND_TRIPS = [("tbx", None), ("tbx", "fi"), ("csv", None), ("csv", "fi"), ("csv", "en"), ("json", None)]
ROUND_TRIP_IDS = ["tbx", "tbx-fi", "csv-wide", "csv-weblate-fi", "csv-weblate-en", "json"]


@pytest.mark.parametrize("fmt,lang", [("tbx", None), ("csv", None), ("csv", "fi"), ("json", None)],
                         ids=["tbx", "csv-wide", "csv-weblate-fi", "json"])
def test_import_of_an_unchanged_export_leaves_the_shipped_catalogs_byte_identical(tmp_path, fmt, lang):
    locales = copy_locales(ROOT / "locales", tmp_path)
    before = snapshot(locales)
    path = export_file(locales, fmt, lang, tmp_path)
    result = import_glossary(path, fmt, locales, lang, now=NOW)
    assert result.unchanged and not result.terms and not result.changed and not result.added
    assert snapshot(locales) == before


@pytest.mark.parametrize("fmt,lang", ROUND_TRIPS, ids=ROUND_TRIP_IDS)
def test_round_trip_keeps_fuzzy_entries_and_translator_comments(tmp_path, fmt, lang):
    locales = copy_locales(SMALL, tmp_path)
    before = snapshot(locales)
    path = export_file(locales, fmt, lang, tmp_path)
    assert import_glossary(path, fmt, locales, lang, now=NOW).unchanged
    assert snapshot(locales) == before


def _rename_lapsi(fmt: str, lang: str | None, text: str) -> str:
    """The export with "alaikäinen" as the new preferred Finnish term of barn, "lapsi" its variant."""
    if fmt == "tbx":
        assert text.count("<term>lapsi</term>") == 1
        text = text.replace("<term>lapsi</term>", "<term>alaikäinen</term>")
        end = text.index("</langSet>", text.index("<term>alaikäinen</term>"))
        return text[:end] + "  <tig><term>lapsi</term></tig>\n        " + text[end:]
    old, new = {
        ("csv", None): (",child,lapsi\n", ",child,alaikäinen; lapsi\n"),
        ("csv", "fi"): ("barn,lapsi,barn,", "barn,alaikäinen; lapsi,barn,"),
        ("json", None): ('"lapsi"', '"alaikäinen",\n        "lapsi"'),
    }[(fmt, lang)]
    assert text.count(old) == 1
    return text.replace(old, new)


@pytest.mark.parametrize("fmt,lang", [("csv", None), ("csv", "fi"), ("tbx", None), ("json", None)],
                         ids=["csv-wide", "csv-weblate-fi", "tbx", "json"])
def test_a_changed_term_lands_in_its_own_catalog_only(tmp_path, fmt, lang):
    locales = copy_locales(SMALL, tmp_path)
    before = snapshot(locales)
    path = export_file(locales, fmt, lang, tmp_path)
    path.write_text(_rename_lapsi(fmt, lang, path.read_text(encoding="utf-8")), encoding="utf-8")
    result = import_glossary(path, fmt, locales, lang, now=NOW)
    assert (result.terms, result.changed, result.added) == ({"fi": 1}, [], [])
    assert result.written == [locales / "fi" / "LC_MESSAGES" / "glossary.po"]
    after = snapshot(locales)
    assert {name for name in after if after[name] != before[name]} == {"fi/LC_MESSAGES/glossary.po"}
    check_golden("after-import-fi.po", after["fi/LC_MESSAGES/glossary.po"].decode("utf-8"))
    assert load_glossary(locales).get("barn").terms["fi"] == ["alaikäinen", "lapsi"]


def test_a_changed_term_in_the_shipped_catalogs_changes_only_that_concept(tmp_path):
    locales = copy_locales(ROOT / "locales", tmp_path)
    old = load_glossary(locales)
    path = export_file(locales, "csv", None, tmp_path)
    text = path.read_text(encoding="utf-8")
    line = ",quota refugee; resettled refugee; resettlement refugee,kiintiöpakolainen\n"
    assert text.count(line) == 1
    path.write_text(text.replace(line, line[:-1] + "; kiintiöpakolaishenkilö\n"),
                    encoding="utf-8")
    result = import_glossary(path, "csv", locales, now=NOW)
    assert result.terms == {"fi": 1}
    new = load_glossary(locales)
    assert new.get("kvotflykting").terms["fi"] == ["kiintiöpakolainen", "kiintiöpakolaishenkilö"]
    assert [c.to_json() for c in new if c.id != "kvotflykting"] == [c.to_json() for c in old if c.id != "kvotflykting"]
    assert (locales / "en" / "LC_MESSAGES" / "glossary.po").read_bytes() == \
        (ROOT / "locales" / "en" / "LC_MESSAGES" / "glossary.po").read_bytes()


# What an import changes -----------------------------------------------------------------

HEADER = "id,headword,pos,domain,definition,variants,note,en,fi\n"


def run_csv(tmp_path: Path, text: str, lang: str | None = None, locales: Path | None = None):
    locales = locales or copy_locales(SMALL, tmp_path)
    path = tmp_path / "import.csv"
    path.write_text(text, encoding="utf-8")
    return locales, import_glossary(path, "csv", locales, lang, now=NOW)


def test_a_new_concept_is_added_at_the_end_of_every_catalog(tmp_path):
    locales, result = run_csv(tmp_path, HEADER + "tolk,tolk,substantiv,tolkning,Person som tolkar.,,,"
                                                 "interpreter,tulkki; asioimistulkki\n")
    assert result.added == ["tolk"]
    expected_tail = ('#. definition: Person som tolkar.\n#. pos: substantiv\n#. domain: tolkning\n'
                     'msgctxt "tolk"\nmsgid "tolk"\nmsgstr "{}"\n')
    assert (locales / "glossary.pot").read_text(encoding="utf-8").endswith(expected_tail.format(""))
    assert (locales / "fi" / "LC_MESSAGES" / "glossary.po").read_text(encoding="utf-8").endswith(
        expected_tail.format("tulkki; asioimistulkki"))
    assert (locales / "en" / "LC_MESSAGES" / "glossary.po").read_text(encoding="utf-8").endswith(
        expected_tail.format("interpreter"))
    glossary = load_glossary(locales)
    assert [m.concept.id for m in glossary.lookup("asioimistulkeille")] == ["tolk"]


def test_changed_swedish_fields_go_to_the_template_and_every_catalog(tmp_path):
    locales, result = run_csv(tmp_path, "id,headword,definition,variants\n"
                                        "barn,barn,Person under 18 år.,minderårig; underårig\n")
    assert (result.changed, result.terms) == (["barn"], {})
    for path in (locales / "glossary.pot", *locales.glob("*/LC_MESSAGES/glossary.po")):
        text = path.read_text(encoding="utf-8")
        assert ("#. definition: Person under 18 år.\n#. pos: substantiv\n#. domain: barn-familj\n"
                "#. variants: minderårig; underårig\nmsgctxt \"barn\"\n") in text, path
    barn = load_glossary(locales).get("barn")
    assert barn.variants == ["minderårig", "underårig"] and barn.terms["fi"] == ["lapsi"]


def test_a_changed_headword_keeps_the_translations(tmp_path):
    locales, result = run_csv(tmp_path, "id,headword\nbarn,barnet\n")
    assert result.changed == ["barn"]
    barn = load_glossary(locales).get("barn")
    assert (barn.headword, barn.terms["fi"], barn.terms["en"]) == ("barnet", ["lapsi"], ["child"])


def test_an_empty_cell_removes_a_translation(tmp_path):
    locales, result = run_csv(tmp_path, "id,headword,fi\nbarn,barn,\n")
    assert result.terms == {"fi": 1}
    assert "fi" not in load_glossary(locales).get("barn").terms
    assert 'msgctxt "barn"\nmsgid "barn"\nmsgstr ""\n' in \
        (locales / "fi" / "LC_MESSAGES" / "glossary.po").read_text(encoding="utf-8")


def test_setting_a_fuzzy_translation_clears_the_flag(tmp_path):
    locales, result = run_csv(tmp_path, "id,headword,en\npsykisk-halsa,psykisk hälsa,mental health\n")
    assert result.terms == {"en": 1}
    text = (locales / "en" / "LC_MESSAGES" / "glossary.po").read_text(encoding="utf-8")
    assert "fuzzy" not in text
    assert load_glossary(locales).get("psykisk-halsa").terms["en"] == ["mental health"]


def test_lang_limits_the_import_to_one_language(tmp_path):
    locales, result = run_csv(tmp_path, "id,headword,en,fi\nbarn,barn,kid,lapsukainen\n", lang="fi")
    assert result.terms == {"fi": 1}
    barn = load_glossary(locales).get("barn")
    assert (barn.terms["fi"], barn.terms["en"]) == (["lapsukainen"], ["child"])


def test_import_creates_the_catalog_of_a_new_language(tmp_path):
    locales, result = run_csv(tmp_path, "id,headword,so\nbarn,barn,ilmo; carruur\n"
                                        "thl,Institutet för hälsa och välfärd,\n")
    assert result.created == ["so"] and result.terms == {"so": 1}
    po = locales / "so" / "LC_MESSAGES" / "glossary.po"
    text = po.read_text(encoding="utf-8")
    assert text.startswith("# amif-search glossary: Somali equivalents of the Swedish source terms.\n")
    assert '"Language: so\\n"' in text and '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
    assert '"PO-Revision-Date: 2026-12-01 09:30+0000\\n"' in text
    glossary = load_glossary(locales)
    assert glossary.coverage()["so"] == (1, 5)
    assert [(m.concept.id, m.lang) for m in glossary.lookup("ilmo")] == [("barn", "so")]
    if shutil.which("msgfmt"):
        done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert (done.returncode, done.stderr) == (0, "")


def test_weblate_translator_comments_go_to_the_catalog(tmp_path):
    locales = copy_locales(SMALL, tmp_path)
    text = export_glossary(load_glossary(locales), "csv", "fi", translator_comments(locales, "fi"))
    assert text.count("Tarkistettu THL:n sivuilta.") == 1
    _, result = run_csv(tmp_path, text.replace("Tarkistettu THL:n sivuilta.", "Tarkistettu 2026."), "fi", locales)
    assert result.written == [locales / "fi" / "LC_MESSAGES" / "glossary.po"]
    assert translator_comments(locales, "fi") == {"thl": "Tarkistettu 2026.",
                                                  "kvotflykting": "hidden: kiintiopakolainen"}


def test_a_row_without_concept_id_is_matched_by_its_headword(tmp_path):
    locales, result = run_csv(tmp_path, "source,target,context\nbarn,lapsukainen,\n", "fi")
    assert result.terms == {"fi": 1}
    assert load_glossary(locales).get("barn").terms["fi"] == ["lapsukainen"]


# Bad input: every problem, with its line, and nothing written ---------------------------

BAD_CASES = [
    ("no_headword.csv", None, [(3, "a concept without a Swedish headword")]),
    ("duplicate.csv", None, [(4, "duplicate concept 'barn' (first at line 2)")]),
    ("unknown_column.csv", None, [(1, "unknown column 'finnish'")]),
    ("wrong_fields.csv", None, [(3, "10 fields, but the header has 9"), (4, "3 fields, but the header has 9")]),
    ("bad_language.csv", None, [(1, "unknown column 'english'"), (1, "unknown language 'xx'")]),
    ("malformed.csv", None, [(3, "malformed CSV")]),
    ("weblate_without_lang.csv", None, [(1, "does not say its language; give it with --lang")]),
    ("many_problems.csv", None, [(2, "the definition contains a line break"),
                                 (5, "a concept without a Swedish headword"),
                                 (6, "duplicate concept 'vidarebosattning' (first at line 2)"),
                                 (7, "2 fields, but the header has 4"),
                                 (9, "the concept ID 'Ny Term' must be lowercase ASCII")]),
    ("malformed.tbx", None, [(11, "malformed XML: mismatched tag")]),
    ("no_headword.tbx", None, [(9, "a concept without a Swedish headword")]),
    ("duplicate.tbx", None, [(12, "duplicate concept 'barn' (first at line 5)")]),
    ("bad_language.tbx", None, [(8, "'finnish' is not a language code"), (9, "unknown language 'xx'")]),
    ("not_tbx.tbx", None, [(2, "not a TBX file: the root element is <html>")]),
    ("malformed.json", None, [(5, "malformed JSON: Expecting ',' delimiter")]),
]


@pytest.mark.parametrize("name,lang,expected", BAD_CASES, ids=[case[0] for case in BAD_CASES])
def test_a_bad_import_file_reports_every_problem_and_writes_nothing(tmp_path, name, lang, expected):
    locales = copy_locales(SMALL, tmp_path)
    before = snapshot(locales)
    path = BAD / name
    with pytest.raises(GlossaryError) as caught:
        import_glossary(path, path.suffix[1:], locales, lang, now=NOW)
    problems = caught.value.problems
    assert [p.line for p in problems] == [line for line, _ in expected]
    for problem, (_line, message) in zip(problems, expected):
        assert problem.file == str(path)
        assert message in problem.message
    assert snapshot(locales) == before


def test_an_unreadable_import_file_raises(tmp_path):
    with pytest.raises(GlossaryError, match="cannot read"):
        import_glossary(tmp_path / "missing.csv", "csv", copy_locales(SMALL, tmp_path))


def test_a_new_language_without_known_plural_forms_is_refused(tmp_path):
    with pytest.raises(GlossaryError) as caught:
        run_csv(tmp_path, "id,headword,prs\nbarn,barn,kodak\n")
    assert "catalog init prs --domain glossary --plural-forms" in caught.value.problems[0].message


@pytest.mark.parametrize("row,message", [
    ("barn,barn,verbal,barn-familj", "unknown part of speech 'verbal'"),
    ("barn,barn,substantiv,hemma", "unknown domain 'hemma'"),
    ("barn,barn,substantiv,barn-familj", None),
], ids=["bad-pos", "bad-domain", "documented-values"])
def test_a_new_part_of_speech_or_domain_must_be_a_documented_one(tmp_path, row, message):
    text = "id,headword,pos,domain\n" + row + "\n"
    if message is None:
        _, result = run_csv(tmp_path, text)
        assert result.unchanged
        return
    with pytest.raises(GlossaryError) as caught:
        run_csv(tmp_path, text)
    assert [p.line for p in caught.value.problems] == [2]
    assert caught.value.problems[0].message.startswith(message)


def test_a_term_with_a_semicolon_in_tbx_is_refused(small):
    text = export_glossary(small, "tbx").replace("<term>lapsi</term>", "<term>lapsi; lapset</term>")
    problems = check_import(read_tbx(text, "x.tbx"), small)
    assert [p.message for p in problems] == [
        "the term 'lapsi; lapset' contains ';', which separates terms in the catalogs"]


# Readers on literal text ----------------------------------------------------------------


def test_csv_reader_accepts_a_bom_crlf_and_multiline_cells_and_counts_lines_from_the_row_start():
    text = ('\ufeffid,headword,note,fi\r\n'
            'barn,barn,"två\r\nrader",lapsi\r\n'
            '\r\n'
            'thl,THL,,"Terveyden ja hyvinvoinnin laitos; THL"\r\n')
    read = read_csv(text.encode("utf-8"), "x.csv")
    assert read.problems == []
    assert [(c.id, c.line) for c in read.concepts] == [("barn", 2), ("thl", 5)]
    assert read.concepts[1].terms == {"fi": ["Terveyden ja hyvinvoinnin laitos", "THL"]}
    assert read.concepts[0].variants is None and read.concepts[0].note == "två\r\nrader"


def test_csv_reader_reports_invalid_utf8_with_its_line():
    read = read_csv(b"id,headword,fi\nbarn,barn,lapsi\nthl,THL,\xff\n", "x.csv")
    assert [(p.line, p.message[:11]) for p in read.problems] == [(3, "invalid UTF")]


def test_tbx_reader_puts_the_preferred_term_first_and_reads_term_types():
    text = """<?xml version="1.0"?>
<martif type="TBX" xml:lang="sv"><text><body>
<termEntry id="psykisk-halsa">
  <descrip type="subjectField">psykisk-hälsa</descrip>
  <langSet xml:lang="sv">
    <tig><term>mental hälsa</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
    <tig><term>psykisk hälsa</term><termNote type="partOfSpeech">other</termNote>
      <termNote type="termType">phrase</termNote>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
  </langSet>
  <langSet xml:lang="en-GB"><tig><term> mental health </term></tig></langSet>
</termEntry>
</body></text></martif>"""
    read = read_tbx(text, "x.tbx")
    assert read.problems == []
    concept = read.concepts[0]
    assert (concept.headword, concept.variants, concept.pos, concept.domain) == \
        ("psykisk hälsa", ["mental hälsa"], "fras", "psykisk-hälsa")
    assert concept.terms == {"en_GB": ["mental health"]} and concept.line == 3


def test_tbx_reader_refuses_a_superseded_term():
    text = ('<martif type="TBX"><text><body><termEntry id="a"><langSet xml:lang="sv">'
            '<tig><term>a</term></tig><tig><term>b</term>'
            '<termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>'
            '</langSet></termEntry></body></text></martif>')
    assert ["marked supersededTerm-admn-sts" in p.message for p in read_tbx(text, "x.tbx").problems] == [True]


def test_tbx_reader_reads_a_deprecated_term_as_a_hidden_label_and_relations_as_cross_references():
    text = ('<martif type="TBX"><text><body><termEntry id="a">'
            '<descrip type="broaderConceptGeneric" target="b">B</descrip>'
            '<descrip type="relatedConcept" target="c">C</descrip><langSet xml:lang="sv">'
            '<tig><term>a</term></tig><tig><term>aa</term>'
            '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>'
            '</langSet></termEntry></body></text></martif>')
    read = read_tbx(text, "x.tbx")
    (concept,) = read.concepts
    # The headword alone changes no variants (tools that know no variants write it so).
    assert (read.problems, concept.headword, concept.variants) == ([], "a", None)
    assert (concept.hidden, concept.broader, concept.related) == ({"sv": ["aa"]}, ["b"], ["c"])


def test_thesaurus_of_the_shipped_glossary_survives_a_tbx_and_json_round_trip(tmp_path):
    locales = copy_locales(ROOT / "locales", tmp_path)
    before = snapshot(locales)
    for fmt in ("tbx", "json"):
        result = import_glossary(export_file(locales, fmt, None, tmp_path), fmt, locales, now=NOW)
        assert result.unchanged, fmt
    assert snapshot(locales) == before


def test_json_reader_requires_the_swedish_terms_to_begin_with_the_headword():
    text = '{"concepts": [{"id": "barn", "headword": "barn", "terms": {"sv": ["barnet"], "fi": ["lapsi"]}}]}'
    read = read_json(text, "x.json")
    assert [p.message for p in read.problems] == ["concept 1: terms.sv must begin with the headword 'barn'"]


def test_apply_import_checks_before_reading_the_catalogs(tmp_path):
    locales = copy_locales(SMALL, tmp_path)
    (locales / "fi" / "LC_MESSAGES" / "glossary.po").write_text("msgid \"x\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as caught:
        apply_import(read_csv("id,headword\nbarn,barn\n", "x.csv"), locales)
    assert caught.value.problems[0].file.endswith("fi/LC_MESSAGES/glossary.po")


# What an import must not erase ----------------------------------------------------------


def _rewritten_by_translate_toolkit(path: Path, target: str, change: dict[str, str] | None = None) -> Path:
    """The TBX a tool built on translate-toolkit (Weblate's glossary export) writes from ours:
    one term per language, no definition, part of speech, domain or note."""
    tbx = pytest.importorskip("translate.storage.tbx")
    ours = tbx.tbxfile(path.read_bytes())
    theirs = tbx.tbxfile(sourcelanguage="sv", targetlanguage=target)
    for unit in ours.units:
        new = theirs.addsourceunit(unit.source)
        new.target = (change or {}).get(unit.getid(), unit.target)
        new.setid(unit.getid())
    out = path.with_name("translate-toolkit.tbx")
    out.write_bytes(bytes(theirs))
    return out


@pytest.mark.parametrize("lang", [None, "fi"], ids=["all", "lang-fi"])
def test_a_tbx_from_translate_toolkit_changes_no_swedish_field(tmp_path, lang):
    locales = copy_locales(SMALL, tmp_path)
    before = snapshot(locales)
    exported = export_file(locales, "tbx", "fi", tmp_path)
    theirs = _rewritten_by_translate_toolkit(exported, "fi", {"kvotflykting": "kiintiöpakolainen (uusi)"})
    result = import_glossary(theirs, "tbx", locales, lang, now=NOW)
    after = snapshot(locales)
    assert [c.field for c in result.changes] == ["fi"]
    assert after["glossary.pot"] == before["glossary.pot"]
    assert after["en/LC_MESSAGES/glossary.po"] == before["en/LC_MESSAGES/glossary.po"]
    assert load_glossary(locales).get("kvotflykting").terms["fi"][0] == "kiintiöpakolainen (uusi)"


def test_a_weblate_csv_with_blank_comment_cells_changes_no_swedish_field(tmp_path):
    locales = copy_locales(SMALL, tmp_path)
    before = snapshot(locales)
    exported = export_file(locales, "csv", "fi", tmp_path).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(exported)))
    column = rows[0].index("developer_comments")
    for row in rows[1:]:
        row[column] = ""
    path = tmp_path / "weblate.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    assert "definition:" not in path.read_text(encoding="utf-8")
    result = import_glossary(path, "csv", locales, "fi", now=NOW)
    assert result.unchanged and snapshot(locales) == before


def _changed_definition(locales: Path, folder: Path) -> Path:
    path = export_file(locales, "csv", None, folder)
    text = path.read_text(encoding="utf-8")
    old = load_glossary(locales).get("kvotflykting").definition
    path.write_text(text.replace(old, "En ny definition."), encoding="utf-8")
    return path


def test_a_language_import_that_changes_the_swedish_master_is_refused(tmp_path):
    locales = copy_locales(SMALL, tmp_path)
    before = snapshot(locales)
    path = _changed_definition(locales, tmp_path)
    with pytest.raises(GlossaryError) as caught:
        import_glossary(path, "csv", locales, "fi", now=NOW)
    assert "kvotflykting: the import would change the Swedish definition" in str(caught.value.problems[0])
    assert snapshot(locales) == before
    import_glossary(path, "csv", locales, "fi", now=NOW, allow_master_changes=True)
    assert load_glossary(locales).get("kvotflykting").definition == "En ny definition."


def test_a_dry_run_lists_the_changes_and_writes_nothing(tmp_path):
    locales = copy_locales(SMALL, tmp_path)
    before = snapshot(locales)
    result = import_glossary(_changed_definition(locales, tmp_path), "csv", locales, None, now=NOW, dry_run=True)
    assert [(c.concept, c.field, c.new) for c in result.changes] == [("kvotflykting", "definition",
                                                                       "En ny definition.")]
    assert result.written == [] and snapshot(locales) == before


def test_tbx_export_marks_only_terms_of_several_words_as_phrases(shipped):
    etree = pytest.importorskip("lxml.etree")
    root = etree.fromstring(export_glossary(shipped, "tbx").encode("utf-8"))
    phrases = [tig.findtext("term") for tig in root.iter("tig")
               if any(note.get("type") == "termType" and note.text == "phrase" for note in tig.iter("termNote"))]
    assert phrases and all(len(term.split()) > 1 for term in phrases)
    assert root.get("type") == "TBX-Basic"
