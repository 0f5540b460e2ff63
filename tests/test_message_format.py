"""Translations that cannot be used never stop the program (issue 14, item 9): a wrong or
malicious placeholder, a huge width, a plural rule that divides by zero."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reliability_helpers import cli_env

from amif_search import i18n
from amif_search.i18n.message_format import UnsafeMessage, message_problem, safe_format

ROOT = Path(__file__).resolve().parent.parent
HITS_MSGID = "{total} träffar för {query} (visar {first}–{last})"
HITS_FI = "{total} osumaa haulle {query} (näytetään {first}–{last})"

# Runs the command line with the catalogs of argv[1].
WITH_LOCALES = ("import sys; from pathlib import Path; from amif_search import resources; "
                "resources.locales_dir = lambda: Path(sys.argv[1]); "
                "from amif_search.cli import main; sys.exit(main(sys.argv[2:]))")


@pytest.mark.parametrize("translation, reason", [
    ("{path.exists.__globals__[os].environ[SECRET]} {total}", "not a plain name"),
    ("{total:>999999999} {query}", "wider than"),
    ("{count} osumaa", "not one of the msgid's"),
    ("{0} osumaa", "not a plain name"),
    ("{total osumaa", "not a valid brace format"),
], ids=["attribute-access", "huge-width", "unknown-field", "positional", "unmatched-brace"])
def test_an_unsafe_translation_is_named_with_its_reason(translation, reason):
    assert reason in message_problem(HITS_MSGID, translation)
    with pytest.raises((UnsafeMessage, KeyError)):
        safe_format(translation, [HITS_MSGID], {"total": 1, "query": "q", "first": 1, "last": 1, "path": Path()})


def test_a_safe_translation_formats_as_str_format_does():
    values = {"total": 3, "query": "trauma", "first": 1, "last": 3}
    assert message_problem(HITS_MSGID, HITS_FI) is None
    assert safe_format(HITS_FI, [HITS_MSGID], values) == HITS_FI.format(**values)
    assert safe_format("{total:>5}", ["{total}"], values) == "    3"


def _bad_locales(tmp_path: Path, *, placeholder: bool = True, plural: bool = True) -> Path:
    """The catalogs with a Finnish translation that reads an environment variable and pads
    to a gigabyte, and/or a plural rule that divides by zero."""
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales, ignore=shutil.ignore_patterns("*.mo"))
    po = locales / "fi" / "LC_MESSAGES" / "amif_search.po"
    text = po.read_text(encoding="utf-8")
    assert f'msgstr[1] "{HITS_FI}"' in text
    if placeholder:
        text = text.replace(f'msgstr[1] "{HITS_FI}"',
                            'msgstr[1] "{query.__class__.__init__.__globals__} {total:>999999999} osumaa"')
    if plural:
        text = text.replace("plural=(n != 1);", "plural=(n / 0);", 1)
    po.write_text(text, encoding="utf-8")
    return locales


@pytest.fixture
def bad_locales(tmp_path) -> Path:
    return _bad_locales(tmp_path)


@pytest.mark.parametrize("fault", ["placeholder", "plural"])
def test_a_broken_finnish_catalog_still_answers_the_search_and_warns_once(tmp_path, built_index, fault):
    locales = _bad_locales(tmp_path, placeholder=fault == "placeholder", plural=fault == "plural")
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"), SECRET_TOKEN="do-not-print-me")
    done = subprocess.run([sys.executable, "-c", WITH_LOCALES, locales, "--lang", "fi", "search", "trauma barn",
                           "--index", built_index], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "lanu-2022" in done.stdout
    if fault == "placeholder":
        assert "träffar för trauma barn" in done.stdout        # the Swedish msgid stands in
    else:
        assert "osumaa haulle trauma barn" in done.stdout      # the translations stay
    assert "do-not-print-me" not in done.stdout + done.stderr and "__globals__" not in done.stdout
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1, done.stderr
    assert len(done.stdout) < 100_000


def test_a_plural_rule_that_divides_by_zero_falls_back_to_the_source_rule(bad_locales, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    i18n.forget_translations()
    try:
        translations = i18n.translations("fi", locales_dir=bad_locales)
        assert [translations.plural(n) for n in (0, 1, 2)] == [1, 0, 1]
    finally:
        i18n.forget_translations()
        i18n.pop_warnings()
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache2"))
    done = subprocess.run([sys.executable, "-c", WITH_LOCALES, bad_locales, "--lang", "fi", "--help"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Plural-Forms") <= 1


@pytest.mark.parametrize("fault", ["placeholder", "plural"])
def test_catalog_check_fails_and_compile_refuses_an_unusable_catalog(tmp_path, fault):
    locales = _bad_locales(tmp_path, placeholder=fault == "placeholder", plural=fault == "plural")
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "amif_search", "catalog"]
    where = ["--locales", str(locales), "--domain", "amif_search", "--lang", "fi"]
    check = subprocess.run([*command, "check", *where], capture_output=True, text=True, env=env, timeout=60)
    assert check.returncode == 1   # without --strict
    assert ("not a plain name" if fault == "placeholder" else "ZeroDivisionError") in check.stdout
    compiled = subprocess.run([*command, "compile", *where], capture_output=True, text=True, env=env, timeout=60)
    assert compiled.returncode == 2
    assert not (locales / "fi" / "LC_MESSAGES" / "amif_search.mo").exists()
    assert "amif_search.po:" in compiled.stderr
