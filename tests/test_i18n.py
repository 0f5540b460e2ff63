"""Choosing the language, loading catalogs (compiled on first use), and falling back to Swedish."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from amif_search import i18n
from amif_search.l10n.compile import compile_path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
from tests.l10n_fixtures import BAD, BAD_CATALOGS

HEADER = ('msgid ""\nmsgstr ""\n"Language: fi\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


@pytest.fixture(autouse=True)
def fresh_state(tmp_path, monkeypatch):
    """Each test starts in Swedish, with no loaded catalogs or warnings and its own cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    i18n.forget_translations()
    i18n.pop_warnings()
    i18n.set_language("sv")
    yield
    i18n.forget_translations()
    i18n.pop_warnings()
    i18n.set_language("sv")


def catalog_dir(tmp_path: Path, lang: str, text: str | bytes, domain: str = "amif_search") -> Path:
    locales = tmp_path / "locales"
    target = locales / lang / "LC_MESSAGES" / f"{domain}.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return locales


@pytest.mark.parametrize(("explicit", "environ", "expected"), [
    pytest.param("en", {"LANGUAGE": "fi"}, "en", id="explicit-wins"),
    pytest.param(None, {"LANGUAGE": "fi:en", "LANG": "en_US.UTF-8"}, "fi", id="language-first"),
    pytest.param(None, {"LANGUAGE": "de:en", "LANG": "fi_FI.UTF-8"}, "en", id="language-list-falls-through"),
    pytest.param(None, {"LANGUAGE": "de", "LANG": "fi_FI.UTF-8"}, "fi", id="unsupported-language-then-lang"),
    pytest.param(None, {"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "fi_FI", "LANG": "sv_FI"}, "en", id="lc-all"),
    pytest.param(None, {"LC_MESSAGES": "fi_FI@euro", "LANG": "en_US"}, "fi", id="lc-messages"),
    pytest.param(None, {"LANG": "fi_FI.UTF-8"}, "fi", id="lang"),
    pytest.param(None, {"LANG": "de_DE.UTF-8", "LANGUAGE": ""}, "sv", id="unsupported-lang-decides"),
    pytest.param(None, {"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "sv", id="c-locale-means-untranslated"),
    pytest.param(None, {"LANG": "POSIX"}, "sv", id="posix"),
    pytest.param(None, {}, "sv", id="nothing-set"),
])
def test_detect_language_order(explicit, environ, expected):
    assert i18n.detect_language(explicit, environ) == expected


@pytest.mark.parametrize(("lang", "label", "objective"), [
    pytest.param("sv", "Projektbeskrivning", "Främjande av integreringen av kvotflyktingar", id="sv"),
    pytest.param("fi", "Hankkeen kuvaus", "Kiintiöpakolaisten kotoutumisen edistäminen", id="fi"),
    pytest.param("en", "Project description", "Promoting the integration of quota refugees", id="en"),
])
def test_set_language_translates_labels_and_objectives(lang, label, objective):
    i18n.set_language(lang)
    assert i18n.get_language() == lang
    assert i18n._("Projektbeskrivning") == label
    assert i18n._("Främjande av integreringen av kvotflyktingar") == objective
    assert i18n.warnings() == []


@pytest.mark.parametrize(("lang", "labels"), [
    pytest.param("fi", ["Hankkeen kuvaus", "Hankkeen toteuttaja", "Toteutusaika", "EU-tuen määrä",
                        "Kansallinen tavoite", "Erityistavoite"], id="fi-official"),
    pytest.param("en", ["Project description", "Implementer", "Project period", "EU support",
                        "National objective", "Specific objective"], id="en"),
])
def test_field_labels_use_the_agreed_equivalents(lang, labels):
    trans = i18n.translations(lang)
    swedish = ["Projektbeskrivning", "Projektgenomförare", "Verksamhetsperiod", "EU-stöd", "Nationellt mål",
               "Särskilt mål"]
    assert [trans.gettext(label) for label in swedish] == labels


def test_translations_leave_the_current_language_alone():
    i18n.set_language("fi")
    assert i18n.translations("en").gettext("Källa") == "Source"
    assert i18n._("Källa") == "Lähde"
    assert i18n.translations("sv").gettext("Källa") == "Källa"


@pytest.mark.parametrize(("filename", "line"), BAD_CATALOGS)
def test_broken_catalog_falls_back_to_swedish_with_one_warning(tmp_path, filename, line):
    locales = catalog_dir(tmp_path, "fi", (BAD / filename).read_bytes())
    i18n.set_language("fi", locales)
    assert i18n._("Källa") == "Källa"
    assert i18n.get_language() == "fi"
    (warning,) = i18n.warnings()
    assert f"amif_search.po:{line}: " in warning
    assert warning.startswith("varning: översättningen till fi (amif_search) kan inte användas")
    i18n.set_language("fi", locales)
    assert i18n.pop_warnings() == [warning]  # recorded once, however often the language is set
    assert i18n.warnings() == []


def test_missing_catalog_falls_back_with_a_warning(tmp_path):
    assert i18n.translations("fi", locales_dir=tmp_path).gettext("Källa") == "Källa"
    assert "no catalog" in i18n.pop_warnings()[0]


def test_damaged_compiled_catalog_falls_back_with_a_warning(tmp_path):
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "Källa"\nmsgstr "Lähde"\n')
    (locales / "fi" / "LC_MESSAGES" / "amif_search.mo").write_bytes(b"\x00" * 40)
    assert i18n.translations("fi", locales_dir=locales).gettext("Källa") == "Källa"
    assert "not a valid compiled catalog" in i18n.pop_warnings()[0]


def test_catalog_is_compiled_into_the_user_cache_on_first_use(tmp_path):
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "Källa"\nmsgstr "Lähde"\n')
    assert i18n.translations("fi", locales_dir=locales).gettext("Källa") == "Lähde"
    (cached,) = (tmp_path / "cache" / "amif-search" / "locales" / "fi").glob("amif_search-*.mo")
    assert not list(locales.rglob("*.mo"))  # the catalogs folder may be read-only
    # A later run reads the cache and needs no polib at all.
    code = ("import sys; from pathlib import Path; from amif_search import i18n; "
            f"print(i18n.translations('fi', locales_dir=Path({str(locales)!r})).gettext('Källa'), "
            "'polib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}, check=True)
    assert done.stdout.split() == ["Lähde", "False"]
    assert cached.is_file()


def test_edited_catalog_is_compiled_again(tmp_path):
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "Källa"\nmsgstr "Lähde"\n')
    assert i18n.translations("fi", locales_dir=locales).gettext("Källa") == "Lähde"
    catalog_dir(tmp_path, "fi", HEADER + 'msgid "Källa"\nmsgstr "Lähdeteksti"\n')
    i18n.forget_translations()
    assert i18n.translations("fi", locales_dir=locales).gettext("Källa") == "Lähdeteksti"
    assert len(list((tmp_path / "cache" / "amif-search" / "locales" / "fi").glob("*.mo"))) == 1


def test_unwritable_cache_still_translates(tmp_path, monkeypatch):
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "Källa"\nmsgstr "Lähde"\n')
    assert i18n.translations("fi", locales_dir=locales).gettext("Källa") == "Lähde"
    assert i18n.warnings() == []


@pytest.mark.parametrize(("newer", "expected"), [
    pytest.param("mo", "Från mo", id="up-to-date-mo-is-used"),
    pytest.param("po", "Från po", id="stale-mo-is-ignored"),
])
def test_compiled_catalog_is_used_only_when_up_to_date(tmp_path, newer, expected):
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "Källa"\nmsgstr "Från mo"\n')
    po = locales / "fi" / "LC_MESSAGES" / "amif_search.po"
    mo = po.with_suffix(".mo")
    compile_path(po, mo)
    po.write_text(HEADER + 'msgid "Källa"\nmsgstr "Från po"\n', encoding="utf-8")
    older, younger = (po, mo) if newer == "mo" else (mo, po)
    os.utime(older, (1_600_000_000, 1_600_000_000))
    os.utime(younger, (1_700_000_000, 1_700_000_000))
    assert i18n.translations("fi", locales_dir=locales).gettext("Källa") == expected


def test_plural_messages_follow_the_catalogs_plural_forms(tmp_path):
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "{n} projekt"\nmsgid_plural "{n} projekt"\n'
                                                   'msgstr[0] "{n} hanke"\nmsgstr[1] "{n} hanketta"\n')
    i18n.set_language("fi", locales)
    assert [i18n.ngettext("{n} projekt", "{n} projekt", n) for n in (1, 2)] == ["{n} hanke", "{n} hanketta"]


def test_glossary_domain_loads_separately(tmp_path):
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgctxt "kvotflykting"\nmsgid "kvotflykting"\n'
                                                   'msgstr "kiintiöpakolainen"\n', domain="glossary")
    trans = i18n.translations("fi", domain="glossary", locales_dir=locales)
    assert trans.pgettext("kvotflykting", "kvotflykting") == "kiintiöpakolainen"


def test_shipped_catalogs_work_without_a_checkout(tmp_path):
    # As installed: only the .po files, inside the package's _resources folder.
    installed = tmp_path / "amif_search" / "_resources" / "locales"
    for po in LOCALES.glob("*/LC_MESSAGES/amif_search.po"):
        target = installed / po.relative_to(LOCALES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(po, target)
    assert i18n.translations("fi", locales_dir=installed).gettext("EU-stöd") == "EU-tuen määrä"
    assert i18n.translations("en", locales_dir=installed).gettext("EU-stöd") == "EU support"


def test_importing_i18n_is_cheap():
    code = "import sys, amif_search.i18n; print(sorted(m for m in ('polib', 'amif_search.l10n', 'click') " \
           "if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_plural_pair_marked_for_later_translates_with_ngettext(tmp_path):
    pair = i18n.N_plural("{n} träff", "{n} träffar")
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "{n} träff"\nmsgid_plural "{n} träffar"\n'
                                                   'msgstr[0] "{n} osuma"\nmsgstr[1] "{n} osumaa"\n')
    trans = i18n.translations("fi", locales_dir=locales)
    assert [trans.ngettext(*pair, n) for n in (1, 5)] == ["{n} osuma", "{n} osumaa"]


def test_damaged_cache_entry_is_compiled_again(tmp_path):
    locales = catalog_dir(tmp_path, "fi", HEADER + 'msgid "Källa"\nmsgstr "Lähde"\n')
    i18n.translations("fi", locales_dir=locales)
    (cached,) = (tmp_path / "cache" / "amif-search" / "locales" / "fi").glob("amif_search-*.mo")
    cached.write_bytes(b"garbage")
    i18n.forget_translations()
    assert i18n.translations("fi", locales_dir=locales).gettext("Källa") == "Lähde"
    assert i18n.warnings() == []
    assert cached.read_bytes() != b"garbage"
