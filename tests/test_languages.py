"""The language registry: the interface languages are found from the catalogs, so that a new
catalog is a new interface language with no change to the code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from amif_search import i18n
from amif_search.cli import main
from amif_search.i18n.languages import best_language, interface_languages, language, normalise

LOCALES = Path(__file__).resolve().parent.parent / "locales"
GERMAN_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+,\d{2} €")


@pytest.fixture(autouse=True)
def swedish_again():
    yield
    i18n.forget_translations()
    i18n.pop_warnings()
    i18n.set_language("sv")


@pytest.mark.parametrize(("code", "plain", "with_region"), [
    pytest.param("fi_FI.UTF-8@euro", "fi", "fi_FI@euro", id="locale-name"),
    pytest.param("en-GB", "en", "en_GB", id="language-tag"),
    pytest.param("pt-br", "pt", "pt_BR", id="lower-case-region"),
    pytest.param(" FI ", "fi", "fi", id="upper-case"),
    pytest.param("sr@latin", "sr", "sr@latin", id="modifier"),
    pytest.param("C.UTF-8", "", "", id="c-locale"),
    pytest.param("POSIX", "", "", id="posix"),
])
def test_one_reading_of_a_language_code(code, plain, with_region):
    assert normalise(code) == plain
    assert normalise(code, region=True) == with_region


def test_the_shipped_catalogs_are_the_interface_languages():
    assert interface_languages() == ("sv", "fi", "en")


def test_a_catalog_makes_an_interface_language(tmp_path):
    for lang in ("de", "pt_BR", "xx"):
        (tmp_path / lang / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / lang / "LC_MESSAGES" / "amif_search.po").write_text("", encoding="utf-8")
    (tmp_path / "fi" / "LC_MESSAGES").mkdir(parents=True)   # a glossary-only language is not one
    (tmp_path / "fi" / "LC_MESSAGES" / "glossary.po").write_text("", encoding="utf-8")
    assert interface_languages(tmp_path) == ("sv", "de", "pt_BR", "xx")
    assert best_language("pt_BR.UTF-8", interface_languages(tmp_path)) == "pt_BR"
    assert best_language("de-AT", interface_languages(tmp_path)) == "de"


@pytest.mark.parametrize(("code", "name", "english", "plural"), [
    pytest.param("de", "Deutsch", "German", "nplurals=2; plural=(n != 1);", id="known"),
    pytest.param("ar_EG", "العربية", "Arabic", "nplurals=6;", id="region-of-a-known-language"),
    pytest.param("xx", "xx", "xx", None, id="unknown"),
])
def test_what_is_known_of_a_language(code, name, english, plural):
    known = language(code)
    assert (known.name, known.english_name) == (name, english)
    assert (known.plural_forms or "").startswith(plural or "")
    assert (known.plural_forms is None) == (plural is None)


@pytest.fixture
def german(tmp_path, monkeypatch, capsys):
    """A copy of the checkout's catalogs with German begun by 'catalog init de' and one message
    translated, made the catalogs the tool reads."""
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo"))
    assert main(["catalog", "init", "de", "--locales", str(locales)]) == 0
    capsys.readouterr()
    po_path = locales / "de" / "LC_MESSAGES" / "amif_search.po"
    po = polib.pofile(str(po_path))
    po.find("Verksamhetsperiod").msgstr = "Laufzeit"
    po.save()
    monkeypatch.setenv("AMIF_SEARCH_LOCALES", str(locales))
    i18n.forget_translations()
    return locales


def _search(capsys, index: Path, *before: str) -> tuple[int, str, str]:
    code = main([*before, "search", "trauma barn", "--index", str(index), "--color", "never"])
    out, err = capsys.readouterr()
    return code, out, err


def test_catalog_init_makes_a_language_the_command_line_speaks(german, private_index, capsys):
    assert interface_languages() == ("sv", "fi", "en", "de")
    code, out, err = _search(capsys, private_index, "--lang", "de")
    assert code == 0, err
    assert "Laufzeit:" in out                      # translated
    assert "Projektgenomförare:" in out            # not yet translated: Swedish
    assert GERMAN_AMOUNT.search(out), out          # German numbers, from the table


@pytest.mark.parametrize(("variable", "value"), [
    pytest.param("LANGUAGE", "de", id="LANGUAGE"),
    pytest.param("LANG", "de_DE.UTF-8", id="LANG"),
    pytest.param("LC_ALL", "de_AT.UTF-8", id="LC_ALL-with-another-region"),
])
def test_the_environment_chooses_a_new_language(german, private_index, capsys, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    code, out, err = _search(capsys, private_index)
    assert code == 0, err
    assert "Laufzeit:" in out and GERMAN_AMOUNT.search(out)


def test_untranslated_messages_fall_back_along_the_language_list(german, private_index, capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "de:fi")
    code, out, err = _search(capsys, private_index)
    assert code == 0, err
    assert "Laufzeit:" in out                      # German has it
    assert "Hankkeen toteuttaja:" in out           # German lacks it, Finnish has it
    assert GERMAN_AMOUNT.search(out)               # the formats are the first language's


def test_an_unusable_language_in_the_list_is_passed_over(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES, locales, ignore=shutil.ignore_patterns("*.mo"))
    assert i18n.detect_languages(None, {"LANGUAGE": "xx:en:fi"}, locales) == ["en", "fi"]
    assert i18n.translations("en", locales_dir=locales, fallbacks=["fi"]).gettext("Källa") == "Source"


def test_the_search_page_offers_a_new_language(german, private_index):
    from amif_search.web import create_app
    from tests.test_web_api import call

    app = create_app(private_index)
    page = call(app, "/?ui=de").text
    assert '<html lang="de">' in page
    assert 'data-ui="de"' in page and ">Deutsch</a>" in page
    assert '"group": "."' in page              # the script formats numbers the German way
    assert '<html lang="de">' in call(app, "/", headers={"Accept-Language": "de-DE,de;q=0.9"}).text


def test_catalog_init_on_a_copy_of_the_checkout_needs_no_code_change(tmp_path, private_index):
    root = LOCALES.parent
    checkout = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "_resources")
    for folder in ("amif_search", "data", "locales"):
        shutil.copytree(root / folder, checkout / folder, ignore=ignore)
    shutil.copy(root / "pyproject.toml", checkout / "pyproject.toml")
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "AMIF_SEARCH_LOCALES")}

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "amif_search", *args], cwd=checkout, env={**env, **extra},
                              capture_output=True, text=True, timeout=300)

    located = subprocess.run([sys.executable, "-c", "import amif_search; print(amif_search.__file__)"],
                             cwd=checkout, capture_output=True, text=True, check=True)
    assert located.stdout.strip().startswith(str(checkout))   # the copy runs, not this checkout
    assert run("catalog", "init", "de").returncode == 0
    for args, extra in [(("--lang", "de"), {}), ((), {"LANG": "de_DE.UTF-8"}), ((), {"LANGUAGE": "de:fi"})]:
        done = run(*args, "search", "trauma barn", "--index", str(private_index), "--color", "never", **extra)
        assert done.returncode == 0, done.stderr
        assert GERMAN_AMOUNT.search(done.stdout), (args, extra, done.stdout)
    assert "Hankkeen toteuttaja:" in done.stdout   # LANGUAGE=de:fi: what German lacks, in Finnish
