"""The catalogs survive the tools translators use: GNU msgcat and msgmerge, translate-toolkit."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from amif_search.l10n.pofile import format_po, read_po, read_po_path
from amif_search.l10n.wrapping import escape, string_lines

LOCALES = Path(__file__).resolve().parent.parent / "locales"
CATALOGS = sorted(LOCALES.rglob("*.po")) + sorted(LOCALES.glob("*.pot"))
IDS = [str(p.relative_to(LOCALES)) for p in CATALOGS]
HAS_GETTEXT = shutil.which("msgcat") is not None and shutil.which("msgmerge") is not None
needs_gettext = pytest.mark.skipif(not HAS_GETTEXT, reason="GNU gettext is not installed (.ci/run installs it)")


def _template_of(path: Path) -> Path:
    return LOCALES / f"{path.stem}.pot"


@needs_gettext
@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_msgcat_leaves_every_catalog_as_it_is(path):
    written = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout
    assert written.decode("utf-8") == path.read_text(encoding="utf-8")


@needs_gettext
@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_msgmerge_previous_leaves_every_catalog_as_it_is(path):
    written = subprocess.run(["msgmerge", "--quiet", "--previous", str(path), str(_template_of(path)), "-o", "-"],
                             capture_output=True, check=True).stdout
    assert written.decode("utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_translate_toolkit_saves_every_catalog_as_it_is(path):
    # Weblate reads and writes .po files through translate-toolkit.
    pypo = pytest.importorskip("translate.storage.pypo")
    assert bytes(pypo.pofile(path.read_bytes())) == path.read_bytes()


@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_format_po_writes_every_catalog_as_it_is(path):
    assert format_po(read_po_path(path)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("value, lines", [
    pytest.param("kort", ['msgid "kort"'], id="fits"),
    pytest.param("rad ett\nrad två", ['msgid ""', '"rad ett\\n"', '"rad två"'], id="pieces-after-newline"),
    pytest.param("en rad\n", ['msgid "en rad\\n"'], id="one-piece-ending-in-newline"),
    pytest.param("ord " * 25, ['msgid ""', '"' + "ord " * 19 + '"', '"' + "ord " * 6 + '"'], id="break-after-space"),
    pytest.param("x" * 74 + "-yyyyyyyyyy z", ['msgid ""', '"' + "x" * 74 + '-"', '"yyyyyyyyyy z"'],
                 id="break-after-hyphen"),
])
def test_strings_are_wrapped_as_gnu_gettext_wraps_them(value, lines):
    assert string_lines("", "msgid", value) == lines


@needs_gettext
def test_wrapping_matches_msgcat_on_random_strings(tmp_path):
    # Characters whose line breaking differs: letters, digits, spaces, punctuation, quotes,
    # escapes, dashes, currency, ellipsis, and newlines inside the string.
    alphabet = list("aZ0 .,:;!?-/|()[]{}<>'\"\\\t%€$+=*&#@_~`^…–—→«»“”’ä§°\n") + ["ord", " ", " ", "ab"]
    rng = random.Random(15)
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120))) for _ in range(1500)]
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
    source = header + "".join(f'\nmsgctxt "{i}"\nmsgid "{escape(v)}"\nmsgstr ""\n' for i, v in enumerate(values))
    path = tmp_path / "random.po"
    path.write_text(source, encoding="utf-8")
    gnu = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout.decode("utf-8")
    ours = format_po(read_po(gnu, "random.pot"))
    assert ours == gnu
