"""Checking catalogs: counts per language, problems with file:line, and the real catalogs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from amif_search.l10n.check import check_catalog, check_entry, check_locales
from amif_search.l10n.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
from tests.l10n_fixtures import BAD, BAD_CATALOGS

# The problems are read in English (their msgids are Swedish).
pytestmark = pytest.mark.usefixtures("english")

HEADER = ('msgid ""\nmsgstr ""\n"Language: fi\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
TEMPLATE = '#, fuzzy\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def entry(msgid, msgstr, flags=(), plural=None, forms=None):
    return polib.POEntry(msgid=msgid, msgstr=msgstr, flags=list(flags), msgid_plural=plural or "",
                         msgstr_plural=forms or {})


@pytest.mark.parametrize(("po_entry", "words"), [
    pytest.param(entry("Inga träffar för {query}", "Ei osumia"), "the translation lacks {query}", id="brace-missing"),
    pytest.param(entry("Källa", "Lähde {path}"), "the translation has {path}", id="brace-extra"),
    pytest.param(entry("{n} projekt", "{count} hanketta"), "has {count}", id="brace-renamed"),
    pytest.param(entry("{seconds:.1f} s", "{seconds} s"), "has {seconds}", id="brace-spec"),
    pytest.param(entry("{n} projekt", "{n hanketta"), "not a valid brace format", id="brace-invalid"),
    pytest.param(entry("%s projekt", "%d hanketta"), "printf placeholders differ", id="printf"),
    pytest.param(entry("%(n)s projekt", "hankkeita", flags=["python-format"]), "printf placeholders differ",
                 id="printf-flag"),
    pytest.param(entry(" (saknas)", "(puuttuu)"), "leading whitespace differs", id="leading-space"),
    pytest.param(entry("Källa: ", "Lähde:"), "trailing whitespace differs", id="trailing-space"),
    pytest.param(entry("Sökningen avbröts.", "Haku keskeytettiin"),
                 "end punctuation differs from the msgid ('.' in the msgid, none in",
                 id="full-stop-lost"),
    pytest.param(entry("Menade du", "Tarkoititko?"), "(none in the msgid, '?' in the translation)",
                 id="question-mark-added"),
    pytest.param(entry("Källa", ""), "untranslated", id="untranslated"),
    pytest.param(entry("Källa", "Lähde", flags=["fuzzy"]), "fuzzy: check the translation", id="fuzzy"),
    pytest.param(entry("{n} projekt", "", plural="{n} projekt", forms={0: "{n} hanke", 1: ""}),
                 "a plural form is untranslated", id="plural-form-missing"),
    pytest.param(entry("{n} projekt", "", plural="{n} projekt", forms={0: "hanke", 1: "hankkeita"}),
                 "the translation lacks {n}", id="plural-placeholder-lost"),
])
def test_entry_problem_is_found(po_entry, words):
    assert any(words in problem for problem in check_entry(po_entry)), check_entry(po_entry)


@pytest.mark.parametrize("po_entry", [
    pytest.param(entry("Inga träffar för {query}", "Ei osumia haulle {query}"), id="same-placeholders"),
    pytest.param(entry("{a} och {b}", "{b} ja {a}"), id="reordered"),
    pytest.param(entry("{count} projekt", "{count} hanketta", flags=["python-brace-format"]), id="flagged"),
    pytest.param(entry("100 % av stödet", "100 % tuesta"), id="percent-sign-is-text"),
    pytest.param(entry(" (saknas)", " (puuttuu)"), id="same-edges"),
    pytest.param(entry("Index:      {path}", "Indeksi:    {path}"), id="inner-spaces"),
    pytest.param(entry("{n} projekt", "", plural="{n} projekt", forms={0: "yksi hanke", 1: "{n} hanketta"}),
                 id="singular-may-drop-count"),
])
def test_good_entry_has_no_problem(po_entry):
    assert check_entry(po_entry) == []


def test_catalog_counts_and_lines():
    text = HEADER + ('msgid "A"\nmsgstr "a"\n\n#, fuzzy\nmsgid "B"\nmsgstr "b"\n\nmsgid "C"\nmsgstr ""\n\n'
                     '#~ msgid "D"\n#~ msgstr "d"\n')
    stats, problems = check_catalog(read_po(text, "fi.po"), "fi.po", "amif_search", "fi")
    assert (stats.translated, stats.fuzzy, stats.untranslated, stats.obsolete) == (1, 1, 1, 1)
    assert stats.percent == pytest.approx(100 / 3)
    assert [(p.file, p.line) for p in problems] == [("fi.po", 11), ("fi.po", 14)]


def test_catalog_behind_its_template_needs_an_update():
    catalog = read_po(HEADER + 'msgid "A"\nmsgstr "a"\n\nmsgid "Old"\nmsgstr "o"\n', "fi.po")
    template = read_po(TEMPLATE + 'msgid "A"\nmsgstr ""\n\nmsgid "New"\nmsgstr ""\n', "x.pot")
    _stats, problems = check_catalog(catalog, "fi.po", "amif_search", "fi", template)
    assert "(missing: 1, no longer in the template: 1)" in problems[0].message
    assert "catalog update" in problems[0].message


def test_fuzzy_header_is_a_problem():
    _stats, problems = check_catalog(read_po("#, fuzzy\n" + HEADER + 'msgid "A"\nmsgstr "a"\n', "fi.po"),
                                     "fi.po", "amif_search", "fi")
    assert (problems[0].line, "header is marked fuzzy" in problems[0].message) == (2, True)


@pytest.mark.parametrize(("filename", "line"), BAD_CATALOGS)
def test_unreadable_catalog_is_reported_with_file_and_line(tmp_path, filename, line):
    target = tmp_path / "fi" / "LC_MESSAGES" / "amif_search.po"
    target.parent.mkdir(parents=True)
    shutil.copy(BAD / filename, target)
    (tmp_path / "amif_search.pot").write_text(TEMPLATE + 'msgid "Källa"\nmsgstr ""\n', encoding="utf-8")
    report = check_locales(tmp_path)
    assert report.unreadable == [str(target)]
    assert report.stats == []
    assert (report.problems[0].file, report.problems[0].line) == (str(target), line)


def test_missing_language_is_reported(tmp_path):
    (tmp_path / "amif_search.pot").write_text(TEMPLATE + 'msgid "Källa"\nmsgstr ""\n', encoding="utf-8")
    report = check_locales(tmp_path, languages=["sv"])
    assert "catalog init sv" in report.problems[0].message


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_shipped_ui_catalog_is_complete_and_clean(lang):
    report = check_locales(LOCALES, ["amif_search"], [lang])
    assert report.problems == []
    (stats,) = report.stats
    assert (stats.translated, stats.fuzzy, stats.untranslated) == (stats.total, 0, 0)
    assert stats.percent == 100.0
    assert stats.total >= 40


CATALOGS = sorted(LOCALES.glob("*.pot")) + sorted(LOCALES.glob("*/LC_MESSAGES/*.po"))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("path", CATALOGS, ids=[str(p.relative_to(LOCALES)) for p in CATALOGS])
def test_msgfmt_check_accepts_every_shipped_catalog(path):
    done = subprocess.run(["msgfmt", "--check", "--output-file", "/dev/null", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower()
