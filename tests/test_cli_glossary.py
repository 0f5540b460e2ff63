"""``amif-search glossary``: lookup, list, stats, export and import as a user meets them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from amif_search import i18n
from amif_search.cli import main
from amif_search.cli.glossary import glossary as glossary_group
from amif_search.glossary.concepts import load_glossary
from amif_search.glossary.exchange import export_glossary

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "glossary"
SMALL = FIXTURES / "locales"
BAD = FIXTURES / "bad_imports"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def small(*args):
    return (*args, "--locales", str(SMALL))


@pytest.fixture
def locales(tmp_path) -> Path:
    """A copy of the small glossary that a test may change."""
    target = tmp_path / "locales"
    shutil.copytree(SMALL, target)
    return target


def snapshot(locales: Path) -> dict[str, bytes]:
    return {str(p.relative_to(locales)): p.read_bytes() for p in sorted(locales.rglob("*.po*"))}


THL = """\
Institutet för hälsa och välfärd (thl)
  Träff: THL (sv), THL (en), THL (fi)
  svenska (sv): Institutet för hälsa och välfärd
    Varianter: THL
  suomi (fi): Terveyden ja hyvinvoinnin laitos
    Varianter: THL
  English (en): Finnish Institute for Health and Welfare
    Varianter: THL
  Ordklass: organisation
  Område: myndighet
  Definition: Statlig forsknings- och expertinrättning för hälsa och välfärd, som lyder under \
social- och hälsovårdsministeriet.
  Anmärkning: Verifierat i referenslistan (EUSA-PRESS).
"""


def test_lookup_prints_the_headword_every_equivalent_and_the_definition(capsys):
    code, out, err = run(capsys, "--lang", "sv", "glossary", "lookup", *small("thl"))
    assert (code, err) == (0, "")
    assert out == THL


@pytest.mark.parametrize("word,concept,lang", [
    ("kvotflyktingarna", "kvotflykting", "sv"),
    ("kiintiöpakolaisille", "kvotflykting", "fi"),
    ("refugees", "flykting", "en"),
    ("lapset", "barn", "fi"),
    ("children", "barn", "en"),
], ids=["sv", "fi", "en", "fi-plural", "en-irregular"])
def test_lookup_finds_inflected_terms_in_the_shipped_glossary(capsys, word, concept, lang):
    code, out, _err = run(capsys, "glossary", "lookup", word, "--json")
    assert code == 0
    data = json.loads(out)
    first = data["matches"][0]
    assert (first["id"], first["matched"][0]["lang"]) == (concept, lang)
    assert set(first["terms"]) == {"sv", "fi", "en"}
    assert first["definition"] and first["pos"] and first["domain"]


def test_lookup_text_shows_the_match_and_all_languages(capsys):
    code, out, _err = run(capsys, "--lang", "sv", "glossary", "lookup", *small("kiintiöpakolaisille"))
    assert code == 0
    assert out.splitlines()[:5] == [
        "kvotflykting (kvotflykting)",
        "  Träff: kiintiöpakolainen (fi, böjd form)",
        "  svenska (sv): kvotflykting",
        "  suomi (fi): kiintiöpakolainen",
        "  English (en): quota refugee",
    ]
    assert "    Varianter: resettled refugee" in out.splitlines()


def test_lookup_of_an_unknown_word_exits_1_with_one_line(capsys):
    code, out, err = run(capsys, "--lang", "sv", "glossary", "lookup", *small("xyzzy"))
    assert (code, out, err) == (1, "Inget begrepp i ordlistan för xyzzy\n", "")
    code, out, _err = run(capsys, "glossary", "lookup", *small("xyzzy", "--json"))
    assert code == 1 and json.loads(out) == {"word": "xyzzy", "lang": None, "matches": []}


def test_lookup_in_one_language(capsys):
    code, out, _err = run(capsys, "glossary", "lookup", *small("lapset", "--lang", "fi", "--json"))
    assert code == 0 and [m["id"] for m in json.loads(out)["matches"]] == ["barn"]
    code, _out, _err = run(capsys, "glossary", "lookup", *small("lapset", "--lang", "en"))
    assert code == 1


def test_lookup_in_a_language_the_glossary_lacks_exits_2(capsys):
    code, out, err = run(capsys, "--lang", "sv", "glossary", "lookup", *small("barn", "--lang", "so"))
    assert (code, out) == (2, "")
    assert err.startswith("amif-search: fel: ") and "so" in err and len(err.splitlines()) == 1


@pytest.fixture
def finnish_ui(tmp_path, monkeypatch):
    """The UI in Finnish, from a catalog that translates the lookup headings."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    po = tmp_path / "ui" / "fi" / "LC_MESSAGES" / "amif_search.po"
    po.parent.mkdir(parents=True)
    pairs = {"Träff": "Osuma", "Varianter": "Muunnelmat", "Ordklass": "Sanaluokka", "Område": "Ala",
             "Definition": "Määritelmä (ruotsiksi)", "Anmärkning": "Huomautus"}
    po.write_text('msgid ""\nmsgstr ""\n"Language: fi\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
                  + "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in pairs.items()), encoding="utf-8")
    i18n.forget_translations()
    i18n.set_language("fi", po.parent.parent.parent)
    yield
    i18n.forget_translations()
    i18n.set_language("sv")


def test_lookup_headings_are_in_the_ui_language(finnish_ui):
    result = CliRunner().invoke(glossary_group, ["lookup", "THL", "--locales", str(SMALL)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  Osuma: THL (sv), THL (en), THL (fi)" in lines
    assert "    Muunnelmat: THL" in lines
    assert "  Sanaluokka: organisation" in lines and "  Ala: myndighet" in lines
    assert any(line.startswith("  Määritelmä (ruotsiksi): Statlig") for line in lines)


@pytest.mark.parametrize("args,code,ids", [
    ((), 0, ["kvotflykting", "vidarebosattning", "barn", "thl", "psykisk-halsa"]),
    (("--lang", "en"), 0, ["kvotflykting", "vidarebosattning", "barn", "thl"]),
    (("--lang", "en", "--missing"), 0, ["psykisk-halsa"]),
    (("--lang", "fi", "--missing"), 1, []),
    (("--domain", "mottagande"), 0, ["kvotflykting", "vidarebosattning"]),
    (("--domain", "nowhere"), 1, []),
], ids=["all", "with-en", "missing-en", "missing-fi", "domain", "empty-domain"])
def test_list_filters(capsys, args, code, ids):
    got, out, _err = run(capsys, "glossary", "list", *small(*args, "--json"))
    assert got == code
    data = json.loads(out)
    assert [c["id"] for c in data["concepts"]] == ids and data["total"] == len(ids)


def test_list_text_shows_the_term_of_the_language(capsys):
    code, out, _err = run(capsys, "glossary", "list", *small("--lang", "fi", "--domain", "mottagande"))
    assert code == 0
    assert out == ("kvotflykting      kvotflykting  → kiintiöpakolainen\n"
                   "vidarebosattning  vidarebosättning  → uudelleensijoittaminen; uudelleensijoitus\n")


def test_list_missing_needs_a_language(capsys):
    code, out, err = run(capsys, "--lang", "sv", "glossary", "list", *small("--missing"))
    assert (code, out) == (2, "")
    assert "--missing" in err and "Traceback" not in err


def test_stats_text_and_json(capsys):
    code, out, _err = run(capsys, "glossary", "stats", *small())
    assert code == 0
    assert out == ("sv    svenska     5/5     100.0 %\n"
                   "fi    suomi       5/5     100.0 %\n"
                   "en    English     4/5      80.0 %\n")
    code, out, _err = run(capsys, "glossary", "stats", *small("--json"))
    data = json.loads(out)
    assert data["total"] == 5
    assert [(r["lang"], r["concepts"], r["total"], r["percent"]) for r in data["languages"]] == [
        ("sv", 5, 5, 100.0), ("fi", 5, 5, 100.0), ("en", 4, 5, 80.0)]


@pytest.mark.parametrize("fmt,lang", [("tbx", None), ("csv", None), ("json", None), ("tbx", "en")],
                         ids=["tbx", "csv", "json", "tbx-en"])
def test_export_to_stdout_is_the_library_export(capsys, fmt, lang):
    extra = ("--lang", lang) if lang else ()
    code, out, err = run(capsys, "glossary", "export", *small("--format", fmt, *extra))
    assert (code, err) == (0, "")
    assert out == export_glossary(load_glossary(SMALL), fmt, lang)


def test_export_to_a_file(capsys, tmp_path):
    target = tmp_path / "fi.csv"
    code, out, _err = run(capsys, "--lang", "sv", "glossary", "export",
                          *small("--format", "csv", "--lang", "fi", "-o", str(target)))
    assert code == 0 and out == f"5 begrepp exporterade till {target}\n"
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header == "source,target,context,developer_comments,translator_comments"


def test_import_reports_what_it_changed_then_nothing(capsys, locales, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("id,headword,fi\nbarn,barn,alaikäinen; lapsi\n", encoding="utf-8")
    po = locales / "fi" / "LC_MESSAGES" / "glossary.po"
    code, out, err = run(capsys, "--lang", "sv", "glossary", "import", str(source), "--format", "csv",
                         "--locales", str(locales))
    assert (code, err) == (0, "")
    assert out == f"fi: 1 begrepp med ändrade termer\nSkrev {po}\n"
    code, out, _err = run(capsys, "--lang", "sv", "glossary", "lookup", "alaikäiselle", "--locales", str(locales))
    assert code == 0 and out.startswith("barn (barn)\n")
    code, out, _err = run(capsys, "--lang", "sv", "glossary", "import", str(source), "--format", "csv",
                          "--locales", str(locales))
    assert (code, out) == (0, f"Inga ändringar: katalogerna är redan som {source}\n")


@pytest.mark.parametrize("name,lines", [
    ("no_headword.csv", [":3: ett begrepp utan svenskt uppslagsord"]),
    ("duplicate.tbx", [":12: begreppet 'barn' förekommer två gånger (först på rad 5)"]),
    ("malformed.tbx", [":11: felaktig XML: mismatched tag"]),
    ("wrong_fields.csv", [":3: 10 fält, men rubrikraden har 9", ":4: 3 fält, men rubrikraden har 9"]),
], ids=["no-headword", "duplicate", "malformed-xml", "wrong-fields"])
def test_a_bad_import_is_one_line_per_problem_exit_2_and_nothing_written(capsys, locales, name, lines):
    before = snapshot(locales)
    path = BAD / name
    code, out, err = run(capsys, "glossary", "import", str(path), "--format", path.suffix[1:],
                         "--locales", str(locales))
    assert (code, out) == (2, "")
    assert "Traceback" not in err
    got = err.splitlines()
    assert len(got) == len(lines)
    for line, expected in zip(got, lines):
        assert line.startswith(f"amif-search: fel: {path}{expected}")
    assert snapshot(locales) == before


def test_a_new_language_from_catalog_init_shows_up_once_translated(capsys, locales):
    from amif_search.l10n.pofile import read_po_path, write_po_path

    code, _out, err = run(capsys, "catalog", "init", "so", "--domain", "glossary", "--locales", str(locales))
    assert code == 0, err
    code, out, _err = run(capsys, "glossary", "stats", "--json", "--locales", str(locales))
    assert {r["lang"]: r["concepts"] for r in json.loads(out)["languages"]}["so"] == 0
    po = locales / "so" / "LC_MESSAGES" / "glossary.po"
    catalog = read_po_path(po)
    next(e for e in catalog if e.msgctxt == "barn").msgstr = "ilmo; carruur"
    write_po_path(catalog, po)
    code, out, _err = run(capsys, "--lang", "sv", "glossary", "lookup", "ilmo", "--locales", str(locales))
    assert code == 0
    assert out.splitlines()[:3] == ["barn (barn)", "  Träff: ilmo (so)", "  svenska (sv): barn"]
    assert "  Soomaali (so): ilmo" in out.splitlines() and "    Varianter: carruur" in out.splitlines()
    code, out, _err = run(capsys, "glossary", "list", "--lang", "so", "--missing", "--json", "--locales", str(locales))
    assert json.loads(out)["total"] == 4


def test_the_command_line_starts_without_loading_the_glossary():
    code = ("import sys, amif_search.cli; "
            "print([m for m in ('amif_search.glossary.concepts', 'amif_search.glossary.exchange', 'polib', "
            "'snowballstemmer', 'xml.etree.ElementTree') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_lookup_shows_how_the_word_was_read_and_the_concepts_relations(capsys):
    code, out, _err = run(capsys, "--lang", "sv", "glossary", "lookup", "flyktingfamilj")
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["familj (familj)", "  Träff: familj (sv, efterled i ett sammansatt ord)"]
    assert "  Underordnade begrepp: barnfamilj (barnfamilj)" in lines
    assert any(line.startswith("  Relaterade begrepp: ") and "förälder (foralder)" in line for line in lines)
    code, out, _err = run(capsys, "glossary", "lookup", "läkare", "--json")
    first = json.loads(out)["matches"][0]
    assert (first["id"], first["broader"], first["matched"][0]["how"]) == ("lakare", ["yrkesperson"], "exact")
    assert "psykiater" in first["narrower"]


def test_import_dry_run_prints_each_change_by_concept_and_writes_nothing(capsys, locales, tmp_path):
    code, _out, _err = run(capsys, "--lang", "en", "glossary", "export", "--format", "csv", "-o",
                           str(tmp_path / "all.csv"), "--locales", str(locales))
    text = (tmp_path / "all.csv").read_text(encoding="utf-8").replace("kiintiöpakolainen", "kiintiöpakolainen X")
    (tmp_path / "all.csv").write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in locales.rglob("*.po*")}
    code, out, err = run(capsys, "--lang", "en", "glossary", "import", str(tmp_path / "all.csv"), "--format", "csv",
                         "--dry-run", "--locales", str(locales))
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == ["kvotflykting", "  terms (fi): 'kiintiöpakolainen' → 'kiintiöpakolainen X'"]
    assert out.splitlines()[-1] == "1 concept would change; nothing was written (--dry-run)"
    assert {p: p.read_bytes() for p in locales.rglob("*.po*")} == before


def test_a_language_import_changing_the_swedish_master_exits_2_unless_allowed(capsys, locales, tmp_path):
    run(capsys, "glossary", "export", "--format", "csv", "-o", str(tmp_path / "all.csv"), "--locales", str(locales))
    text = (tmp_path / "all.csv").read_text(encoding="utf-8").replace(",substantiv,", ",verb,", 1)
    (tmp_path / "all.csv").write_text(text, encoding="utf-8")
    args = ("glossary", "import", str(tmp_path / "all.csv"), "--format", "csv", "--lang", "fi", "--locales",
            str(locales))
    code, _out, err = run(capsys, "--lang", "en", *args)
    assert code == 2 and "would change the Swedish pos ('substantiv' -> 'verb')" in err
    code, _out, _err = run(capsys, "--lang", "en", *args, "--allow-master-changes")
    assert code == 0
