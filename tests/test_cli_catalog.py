"""``amif-search catalog ...``: the translator's commands, their output and exit codes."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from amif_search.cli import main
from amif_search.l10n.extract import build_template
from amif_search.l10n.pofile import read_po_path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
PACKAGE = ROOT / "amif_search"
BAD = Path(__file__).parent / "fixtures" / "l10n" / "bad"
MERGE = Path(__file__).parent / "fixtures" / "l10n" / "merge"
HAS_MSGFMT = shutil.which("msgfmt") is not None


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["--lang", "en", "catalog", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def locales(tmp_path) -> Path:
    """A copy of the shipped catalogs that a test may change."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALES, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_catalog_commands_are_listed_in_workflow_order(capsys):
    code, out, _err = run(capsys, "--help")
    assert code == 0
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()]
    assert listed == ["extract", "update", "init", "compile", "check"]


def test_strict_check_of_the_shipped_ui_catalogs_passes(capsys):
    code, out, err = run(capsys, "check", "--strict", "--domain", "amif_search")
    assert code == 0, out + err
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["amif_search en", "amif_search fi"]
    assert all(", 0 fuzzy, 0 untranslated, 0 obsolete (100%)" in line for line in lines)
    assert err == ""


@pytest.mark.parametrize(("filename", "line", "words"), [
    pytest.param("syntax_error.po", 10, "syntax error", id="syntax-error"),
    pytest.param("unterminated_string.po", 8, "unterminated string", id="unterminated-string"),
    pytest.param("invalid_utf8.po", 11, "invalid UTF-8", id="invalid-utf8"),
    pytest.param("duplicate_msgid.po", 11, "duplicate msgid", id="duplicate-msgid"),
    pytest.param("wrong_plural_forms.po", 6, "wrong Plural-Forms", id="wrong-plural-forms"),
])
def test_check_prints_file_line_message_and_fails_for_a_bad_catalog(capsys, locales, filename, line, words):
    target = locales / "fi" / "LC_MESSAGES" / "amif_search.po"
    shutil.copy(BAD / filename, target)
    code, out, err = run(capsys, "check", "--locales", locales, "--domain", "amif_search")
    assert code == 1
    assert f"{target}:{line}: {words}" in out
    assert "amif_search en: " in out  # the other catalogs are still checked
    assert "Traceback" not in out + err


def test_fuzzy_entry_fails_only_a_strict_check(capsys, locales):
    po = locales / "en" / "LC_MESSAGES" / "amif_search.po"
    text = po.read_text(encoding="utf-8").replace('msgid "Källa"\n', '#, fuzzy\nmsgid "Källa"\n', 1)
    po.write_text(text, encoding="utf-8")
    line = text.splitlines().index('msgid "Källa"') + 1
    assert run(capsys, "check", "--locales", locales, "--domain", "amif_search")[0] == 0
    code, out, _err = run(capsys, "check", "--strict", "--locales", locales, "--domain", "amif_search")
    assert code == 1
    assert f"{po}:{line}: fuzzy: check the translation" in out
    assert "amif_search en: " in out and "1 fuzzy" in out


INIT_PLURAL_FORMS = [
    ("sv", "nplurals=2; plural=(n != 1);"),
    ("fi", "nplurals=2; plural=(n != 1);"),
    ("en", "nplurals=2; plural=(n != 1);"),
    ("de", "nplurals=2; plural=(n != 1);"),
    ("et", "nplurals=2; plural=(n != 1);"),
    ("so", "nplurals=2; plural=(n != 1);"),
    ("fa", "nplurals=2; plural=(n > 1);"),
    ("ti", "nplurals=2; plural=(n > 1);"),
    ("ru", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    ("uk", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    ("ar", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"),
]


@pytest.mark.parametrize(("lang", "plural_forms"), [pytest.param(*case, id=case[0]) for case in INIT_PLURAL_FORMS])
def test_init_writes_headers_and_plural_forms(capsys, tmp_path, lang, plural_forms):
    shutil.copy(LOCALES / "amif_search.pot", tmp_path / "amif_search.pot")
    code, out, _err = run(capsys, "init", lang, "--locales", tmp_path)
    assert code == 0
    po = tmp_path / lang / "LC_MESSAGES" / "amif_search.po"
    catalog = read_po_path(po)
    assert catalog.metadata["Plural-Forms"] == plural_forms
    assert catalog.metadata["Language"] == lang
    assert catalog.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert catalog.metadata["X-Source-Language"] == "sv"
    assert len(catalog) == len(read_po_path(tmp_path / "amif_search.pot")) and not catalog.translated_entries()
    assert f"{len(catalog)} messages to translate" in out
    if HAS_MSGFMT:
        done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_init_refuses_to_overwrite_a_catalog(capsys, locales):
    before = (locales / "fi" / "LC_MESSAGES" / "amif_search.po").read_bytes()
    code, _out, err = run(capsys, "init", "fi", "--locales", locales, "--domain", "amif_search")
    assert code == 2
    assert "already exists; use 'amif-search catalog update'" in err
    assert (locales / "fi" / "LC_MESSAGES" / "amif_search.po").read_bytes() == before


def test_init_of_an_unknown_language_needs_plural_forms(capsys, tmp_path):
    shutil.copy(LOCALES / "amif_search.pot", tmp_path / "amif_search.pot")
    code, _out, err = run(capsys, "init", "xh", "--locales", tmp_path)
    assert (code, "no plural forms are known for 'xh'" in err) == (2, True)
    code, _out, _err = run(capsys, "init", "xh", "--locales", tmp_path, "--plural-forms",
                           "nplurals=2; plural=(n != 1);")
    assert code == 0
    assert (tmp_path / "xh" / "LC_MESSAGES" / "amif_search.po").is_file()


def test_update_makes_a_changed_msgid_fuzzy_in_the_file(capsys, tmp_path):
    po = tmp_path / "fi" / "LC_MESSAGES" / "amif_search.po"
    po.parent.mkdir(parents=True)
    shutil.copy(MERGE / "old.po", po)
    shutil.copy(MERGE / "new.pot", tmp_path / "amif_search.pot")
    code, out, _err = run(capsys, "update", "--locales", tmp_path)
    assert code == 0
    assert out == f"{po}: 3 kept, 5 fuzzy, 1 new, 2 obsolete (updated)\n"
    assert '#, fuzzy, python-brace-format\n#| msgid "Inga träffar för {query}"\nmsgid "Inga träffar för {query}."' \
        in po.read_text(encoding="utf-8")
    assert run(capsys, "update", "--locales", tmp_path)[1].endswith("(unchanged)\n")


def test_compile_leaves_fuzzy_entries_out(capsys, tmp_path):
    po = tmp_path / "fi" / "LC_MESSAGES" / "amif_search.po"
    po.parent.mkdir(parents=True)
    shutil.copy(MERGE / "expected.po", po)
    shutil.copy(MERGE / "new.pot", tmp_path / "amif_search.pot")
    code, out, _err = run(capsys, "compile", "--locales", tmp_path)
    assert (code, out) == (0, f"{po.with_suffix('.mo')}: 3 messages (written)\n")
    with open(po.with_suffix(".mo"), "rb") as handle:
        trans = gettext.GNUTranslations(handle)
    assert trans.gettext("Projektbeskrivning") == "Hankkeen kuvaus"
    assert trans.gettext("Inga träffar för {query}.") == "Inga träffar för {query}."  # fuzzy: not compiled
    assert run(capsys, "compile", "--locales", tmp_path)[1].endswith("(unchanged)\n")


def test_extract_does_not_touch_the_glossary(capsys, locales):
    before = snapshot(locales)
    code, _out, err = run(capsys, "extract", "--locales", locales, "--domain", "glossary")
    assert code == 2
    assert "glossary.pot is maintained by hand" in err
    assert snapshot(locales) == before


def test_extract_then_update_twice_leaves_the_catalogs_byte_identical(capsys, locales):
    for _round in range(2):
        assert run(capsys, "extract", "--locales", locales, "--package", PACKAGE)[0] == 0
        assert run(capsys, "update", "--locales", locales)[0] == 0
    first = snapshot(locales)
    assert run(capsys, "extract", "--locales", locales, "--package", PACKAGE)[1].endswith("(unchanged)\n")
    out = run(capsys, "update", "--locales", locales)[1]
    assert out.count("(unchanged)") == len(out.splitlines())
    assert snapshot(locales) == first


def test_extract_still_takes_the_old_option_name_with_a_warning(capsys, locales):
    code, out, err = run(capsys, "extract", "--locales", locales, "--source", PACKAGE)
    assert code == 0 and out.startswith(f"{locales / 'amif_search.pot'}: ") and " messages (" in out
    assert err == "warning: --source is now --package; the old name goes in the next release\n"


def test_shipped_ui_catalogs_have_the_messages_of_the_code():
    # Fails when a marked string was added, changed or removed without 'catalog extract' and
    # 'catalog update' (moved lines alone do not count: references change with every edit).
    template, _warnings = build_template(PACKAGE, ROOT)
    wanted = [(e.msgctxt, e.msgid, e.msgid_plural) for e in template]
    advice = "run 'amif-search catalog extract', 'amif-search catalog update' and translate"
    for name in ("amif_search.pot", "fi/LC_MESSAGES/amif_search.po", "en/LC_MESSAGES/amif_search.po"):
        shipped = [(e.msgctxt, e.msgid, e.msgid_plural) for e in read_po_path(LOCALES / name) if not e.obsolete]
        assert shipped == wanted, f"locales/{name} does not have the code's messages: {advice}"


def test_folder_without_templates_is_an_error(capsys, tmp_path):
    code, _out, err = run(capsys, "check", "--locales", tmp_path)
    assert code == 2
    assert err.startswith("amif-search: error: no templates (*.pot) in")


def test_init_starts_every_domain_of_a_new_language(capsys, locales):
    code, out, _err = run(capsys, "init", "so", "--locales", locales)
    assert code == 0
    assert len(out.splitlines()) == 2
    glossary = read_po_path(locales / "so" / "LC_MESSAGES" / "glossary.po")
    template = read_po_path(locales / "glossary.pot")
    assert [(e.msgctxt, e.msgid, e.comment) for e in glossary] == [(e.msgctxt, e.msgid, e.comment) for e in template]
    assert "GLOSSARY.md" in glossary.header
    assert glossary.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


@pytest.mark.parametrize(("field", "value", "words"), [
    pytest.param("broader", "ingen-sadan-term", "broader: 'ingen-sadan-term' of 'kvotflykting' is no concept",
                 id="unknown-concept"),
    pytest.param("related", "kvotflykting", "the concept 'kvotflykting' is related to itself", id="self-related"),
    pytest.param("broader", "kvotflykting", "the concept 'kvotflykting' is broader than itself", id="self-broader"),
])
def test_strict_check_fails_on_a_broken_thesaurus_relation_with_file_and_line(capsys, locales, field, value, words):
    pot = locales / "glossary.pot"
    text = pot.read_text(encoding="utf-8")
    text = text.replace(f"#. {field}: ", f"#. {field}: {value}; ", 1) if f"\n#. {field}: " in text.split(
        'msgctxt "kvotflykting"')[0] else text
    pot.write_text(text, encoding="utf-8")
    line = text.splitlines().index('msgid "kvotflykting"') + 1
    assert run(capsys, "check", "--locales", locales, "--domain", "glossary")[0] == 0
    code, out, _err = run(capsys, "check", "--strict", "--locales", locales, "--domain", "glossary")
    assert code == 1
    assert f"{pot}:{line}: {words}" in out


def test_strict_check_fails_on_a_cycle_of_broader_links(capsys, locales):
    pot = locales / "glossary.pot"
    text = pot.read_text(encoding="utf-8")
    # flykting is broader than kvotflykting; make kvotflykting broader than flykting too.
    old = "#. hidden: flyktning\n#. related: flyktingskap"
    assert text.count(old) == 1
    pot.write_text(text.replace(old, "#. hidden: flyktning\n#. broader: kvotflykting\n#. related: flyktingskap"),
                   encoding="utf-8")
    code, out, _err = run(capsys, "check", "--strict", "--locales", locales, "--domain", "glossary")
    assert code == 1
    assert "a cycle of broader links: " in out and "kvotflykting" in out


def _installed_copy(site: Path) -> None:
    """The package as 'pip install .' lays it out: code, data and catalogs under _resources."""
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    shutil.copytree(PACKAGE, site / "amif_search", ignore=ignore)
    shutil.copytree(LOCALES, site / "amif_search" / "_resources" / "locales", ignore=ignore)
    (site / "amif_search" / "_resources" / "data").mkdir()


def _checkout_copy(checkout: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    shutil.copytree(PACKAGE, checkout / "amif_search", ignore=ignore)
    shutil.copytree(LOCALES, checkout / "locales", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", checkout / "pyproject.toml")
    (checkout / "data").mkdir()


def test_an_installed_package_edits_the_checkout_and_refuses_without_one(tmp_path):
    site, checkout, elsewhere = tmp_path / "site", tmp_path / "checkout", tmp_path / "elsewhere"
    _installed_copy(site)
    _checkout_copy(checkout)
    elsewhere.mkdir()
    installed = snapshot(site)
    # The package is imported from 'site', never from the folder the command runs in.
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}

    def amif_search(*args, cwd):
        return subprocess.run([sys.executable, "-m", "amif_search", "--lang", "en", "catalog", *args], cwd=cwd,
                              env=env, capture_output=True, text=True)

    for command in (["extract"], ["update"], ["check"], ["compile"]):
        refused = amif_search(*command, cwd=elsewhere)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.splitlines() == [f"amif-search: error: {elsewhere} is not inside an amif-search "
                                               "checkout, and the catalogs of an installed package are not "
                                               "edited; run the command in the checkout or give --locales DIR"]
    (checkout / "locales" / "amif_search.pot").unlink()
    extracted = amif_search("extract", cwd=checkout / "locales" / "fi")
    assert extracted.returncode == 0, extracted.stderr
    assert (checkout / "locales" / "amif_search.pot").is_file()
    assert amif_search("update", cwd=checkout / "locales" / "fi").returncode == 0
    assert snapshot(site) == installed


@pytest.mark.parametrize("path", sorted(LOCALES.rglob("*.po")) + sorted(LOCALES.glob("*.pot")),
                         ids=lambda p: str(p.relative_to(LOCALES)))
def test_every_catalog_says_where_to_report_a_wrong_msgid(path):
    from amif_search.l10n.layout import bug_address

    # The project's 'Issues' address, or nothing while it has none: never a made-up one.
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = re.search(r'^Issues = "([^"]*)"', project.split("[project.urls]")[1].split("\n[")[0], re.M)
    assert bug_address() == (listed.group(1) if listed else "")
    assert read_po_path(path).metadata["Report-Msgid-Bugs-To"] == bug_address()
    assert "example." not in bug_address()


def test_an_issues_address_added_to_pyproject_reaches_the_catalogs(tmp_path, monkeypatch, capsys):
    pytest.importorskip("tomllib", reason="Python 3.10 reads the address from the installed metadata")
    checkout = tmp_path / "checkout"
    _checkout_copy(checkout)
    address = "https://issues.invalid/amif-search"
    project = checkout / "pyproject.toml"
    project.write_text(project.read_text(encoding="utf-8").replace(
        "[project.urls]\n", f'[project.urls]\nIssues = "{address}"\n'), encoding="utf-8")
    glossary = checkout / "locales" / "glossary.pot"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        '"Report-Msgid-Bugs-To: \\n"', f'"Report-Msgid-Bugs-To: {address}\\n"'), encoding="utf-8")
    monkeypatch.chdir(checkout / "locales")
    assert run(capsys, "extract")[0] == 0 and run(capsys, "update")[0] == 0
    for path in [*(checkout / "locales").glob("*.pot"), *(checkout / "locales").rglob("*.po")]:
        assert read_po_path(path).metadata["Report-Msgid-Bugs-To"] == address, path


def _poedit_finds_the_sources(po: Path) -> None:
    catalog = read_po_path(po)
    base = (po.parent / catalog.metadata["X-Poedit-Basepath"]).resolve()
    assert (base / catalog.metadata["X-Poedit-SearchPath-0"]).is_dir()
    for entry in catalog:
        for path, line in entry.occurrences:
            assert len((base / path).read_text(encoding="utf-8").splitlines()) >= int(line)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_poedit_finds_the_source_of_every_message(lang):
    _poedit_finds_the_sources(LOCALES / lang / "LC_MESSAGES" / "amif_search.po")


def test_a_new_language_gets_poedits_headers(capsys, locales):
    code, _out, err = run(capsys, "init", "de", "--locales", locales, "--domain", "amif_search")
    assert code == 0, err
    catalog = read_po_path(locales / "de" / "LC_MESSAGES" / "amif_search.po")
    assert catalog.metadata["X-Poedit-Basepath"] == "../../.."
    assert catalog.metadata["X-Poedit-SearchPath-0"] == "amif_search"


@pytest.mark.parametrize("lang, stats, problem", [
    ("fi", "amif_search fi: käännettyjä ", ": kääntämättä"),
    ("sv", "amif_search fi: översatta ", ": oöversatt"),
    ("en", "amif_search fi: ", ": untranslated"),
])
def test_catalog_check_speaks_the_interface_language(capsys, locales, lang, stats, problem):
    po = locales / "fi" / "LC_MESSAGES" / "amif_search.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Lähde"', 'msgstr ""', 1), encoding="utf-8")
    code = main(["--lang", lang, "catalog", "check", "--locales", str(locales), "--domain", "amif_search",
                 "--lang", "fi"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith(stats) and problem in out
