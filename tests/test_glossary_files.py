"""The glossary catalogs survive polib and Babel, and a field that cannot be read is an error."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import polib
import pytest

from amif_search.cli import main
from amif_search.glossary.concepts import format_comments, load_glossary, read_comment_fields

LOCALES = Path(__file__).resolve().parent.parent / "locales"
GLOSSARY_FILES = [LOCALES / "glossary.pot"] + sorted(LOCALES.glob("*/LC_MESSAGES/glossary.po"))
IDS = [str(p.relative_to(LOCALES)) for p in GLOSSARY_FILES]


def _fields(glossary):
    return {c.id: (c.definition, c.pos, c.domain, c.note, c.terms) for c in glossary}


@pytest.fixture
def locales(tmp_path) -> Path:
    return Path(shutil.copytree(LOCALES, tmp_path / "locales"))


@pytest.mark.parametrize("path", GLOSSARY_FILES, ids=IDS)
def test_polib_saves_the_glossary_catalogs_as_they_are(path, tmp_path):
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    polib.pofile(str(copy), wrapwidth=79).save()
    # polib breaks a msgstr longer than a line before the space where GNU gettext breaks
    # after it (a long list of alternative labels); every other line is saved as it is.
    def unwrapped(data: bytes) -> bytes:
        return data.replace(b'"\n"', b"")
    assert unwrapped(copy.read_bytes()) == unwrapped(path.read_bytes())
    saved, original = polib.pofile(str(copy)), polib.pofile(str(path))
    assert [(e.msgctxt, e.msgstr, e.comment, e.tcomment) for e in saved] == \
        [(e.msgctxt, e.msgstr, e.comment, e.tcomment) for e in original]


def test_babel_save_keeps_every_definition_and_note_whole(locales):
    pofile = pytest.importorskip("babel.messages.pofile")
    for path in [locales / "glossary.pot"] + sorted(locales.glob("*/LC_MESSAGES/glossary.po")):
        catalog = pofile.read_po(io.BytesIO(path.read_bytes()))
        out = io.BytesIO()
        pofile.write_po(out, catalog)
        path.write_bytes(out.getvalue())
    assert _fields(load_glossary(locales)) == _fields(load_glossary(LOCALES))


def test_a_field_continued_on_later_lines_is_read_whole():
    # How polib and Babel wrap a long '#.' line: plain continuation lines.
    comment = ("definition: Plats som en kommun erbjuder för att ta emot\n"
               "en person som har fått internationellt skydd.\npos: substantiv\ndomain: placering\n"
               "note: Verifierat i referenslistan\n(KOTO).")
    values, stray = read_comment_fields(comment)
    assert values["definition"] == ("Plats som en kommun erbjuder för att ta emot en person som har fått "
                                    "internationellt skydd.")
    assert values["note"] == "Verifierat i referenslistan (KOTO)."
    assert values["pos"] == "substantiv" and stray == []


def test_long_fields_are_written_in_lines_polib_and_babel_keep():
    definition = "Ett ord " * 30
    text = format_comments({"definition": definition, "pos": "substantiv"})
    assert all(len(line) <= 76 for line in text.split("\n"))
    assert read_comment_fields(text)[0]["definition"] == definition.strip()


@pytest.mark.parametrize("bad, message", [
    pytest.param("#. definiton: en felstavad nyckel\n", "is not a glossary field", id="unknown-key-first"),
    pytest.param("#. pos: substantiv\n", "is not one of", id="key-again"),
])
def test_catalog_check_fails_on_a_comment_it_cannot_read_as_a_field(locales, bad, message, capsys):
    pot = locales / "glossary.pot"
    text = pot.read_text(encoding="utf-8")
    if bad.startswith("#. pos"):
        # A second pos: after domain: reads as the domain's text, which is then no domain.
        text = text.replace("#. domain: mottagande\n", "#. domain: mottagande\n" + bad, 1)
    else:
        text = text.replace("#. definition:", bad + "#. definition:", 1)
    pot.write_text(text, encoding="utf-8")
    code = main(["--lang", "en", "catalog", "check", "--locales", str(locales), "--domain", "glossary"])
    out, _err = capsys.readouterr()
    assert code == 1  # without --strict: a definition cut short is data lost
    assert "glossary.pot:" in out and message in out
