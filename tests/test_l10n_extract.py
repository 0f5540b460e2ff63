"""Extracting marked messages from the source with ast, into a stable template."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from amif_search.errors import CatalogError
from amif_search.l10n.extract import build_template, extract, extract_messages
from amif_search.l10n.pofile import read_po_path

PACKAGE = Path(__file__).resolve().parent.parent / "amif_search"
ROOT = PACKAGE.parent


@pytest.mark.parametrize(("source", "found"), [
    pytest.param('_("Källa")', [(None, "Källa", None, "1")], id="underscore"),
    pytest.param('N_("Källa")', [(None, "Källa", None, "1")], id="mark-only"),
    pytest.param('gettext("Källa")', [(None, "Källa", None, "1")], id="gettext"),
    pytest.param('t.gettext("Källa")', [(None, "Källa", None, "1")], id="method"),
    pytest.param('ngettext("{n} projekt", "{n} projekt", n)', [(None, "{n} projekt", "{n} projekt", "1")],
                 id="plural"),
    pytest.param('N_plural("{n} träff", "{n} träffar")', [(None, "{n} träff", "{n} träffar", "1")],
                 id="plural-mark-only"),
    pytest.param('pgettext("etikett", "Källa")', [("etikett", "Källa", None, "1")], id="context"),
    pytest.param('x = 1\n_("Källa "\n  "och mer")', [(None, "Källa och mer", None, "2")], id="concatenated"),
    pytest.param('_(LABELS[key])', [], id="not-a-literal"),
    pytest.param('_("a" + b)', [], id="expression"),
    pytest.param('other("Källa")', [], id="other-function"),
    pytest.param('_()', [], id="no-argument"),
])
def test_marked_calls_are_found(source, found):
    messages, _warnings = extract_messages(source, "m.py")
    assert [(m.msgctxt, m.msgid, m.msgid_plural, m.occurrences[0][1]) for m in messages] == found


def test_translators_comment_above_a_call_is_kept():
    source = "# unrelated\n# Translators: the label of a field,\n# shown before a colon.\nx = _('Källa')\n"
    messages, _warnings = extract_messages(source, "m.py")
    assert messages[0].comments == ["Translators: the label of a field, shown before a colon."]


@pytest.mark.parametrize(("source", "words"), [
    pytest.param('_(f"Källa {x}")', "f-string cannot be translated", id="f-string"),
    pytest.param('_("")', "reserved for the catalog header", id="empty"),
])
def test_doubtful_calls_are_warned_about_and_skipped(source, words):
    messages, warnings = extract_messages(source, "m.py")
    assert messages == []
    assert (warnings[0].file, warnings[0].line, words in warnings[0].message) == ("m.py", 1, True)


def test_unparsable_source_is_a_catalog_error_with_its_line():
    with pytest.raises(CatalogError) as caught:
        extract_messages("x = 1\ndef (:\n", "broken.py")
    assert (caught.value.problems[0].file, caught.value.problems[0].line) == ("broken.py", 2)


@pytest.fixture
def package(tmp_path) -> Path:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "_resources").mkdir()
    (root / "__pycache__").mkdir()
    (root / "a.py").write_text('_("Källa")\n_("Inga träffar för {query}")\n', encoding="utf-8")
    (root / "sub" / "b.py").write_text('x = 1\n_("Källa")\n', encoding="utf-8")
    (root / "_resources" / "c.py").write_text('_("Packad kopia")\n', encoding="utf-8")
    (root / "__pycache__" / "d.py").write_text('_("Cache")\n', encoding="utf-8")
    return root


def test_template_merges_occurrences_and_flags_brace_formats(package):
    template, warnings = build_template(package, version="9.9")
    assert warnings == []
    assert [(e.msgid, e.occurrences, e.flags) for e in template] == [
        ("Källa", [("pkg/a.py", "1"), ("pkg/sub/b.py", "2")], []),
        ("Inga träffar för {query}", [("pkg/a.py", "2")], ["python-brace-format"]),
    ]
    assert template.metadata["Project-Id-Version"] == "amif-search 9.9"
    assert template.metadata["X-Source-Language"] == "sv"
    assert "Plural-Forms" not in template.metadata  # msgfmt -c refuses the usual placeholder


def test_unchanged_messages_leave_the_template_byte_identical(package, tmp_path):
    pot = tmp_path / "x.pot"
    first = extract(package, pot, version="1", now=datetime(2021, 10, 1, tzinfo=timezone.utc))
    written = pot.read_bytes()
    again = extract(package, pot, version="1", now=datetime(2022, 1, 1, tzinfo=timezone.utc))
    assert (first.changed, again.changed) == (True, False)
    assert pot.read_bytes() == written
    assert b"POT-Creation-Date: 2021-10-01 00:00+0000" in written


def test_changed_messages_move_the_creation_date(package, tmp_path):
    pot = tmp_path / "x.pot"
    extract(package, pot, version="1", now=datetime(2021, 10, 1, tzinfo=timezone.utc))
    (package / "a.py").write_text('_("Källa")\n_("Ny text")\n', encoding="utf-8")
    result = extract(package, pot, version="1", now=datetime(2022, 1, 1, tzinfo=timezone.utc))
    template = read_po_path(pot)
    assert result.changed
    assert template.metadata["POT-Creation-Date"] == "2022-01-01 00:00+0000"
    assert [e.msgid for e in template] == ["Källa", "Ny text"]


def test_broken_template_is_regenerated(package, tmp_path):
    pot = tmp_path / "x.pot"
    pot.write_text('msgid "broken\n', encoding="utf-8")
    assert extract(package, pot, version="1").changed
    assert [e.msgid for e in read_po_path(pot)] == ["Källa", "Inga träffar för {query}"]


def test_real_package_template_has_labels_and_objective_titles():
    template, warnings = build_template(PACKAGE, ROOT, version="0")
    msgids = {e.msgid: e for e in template}
    assert warnings == []
    for label in ("Projektbeskrivning", "Projektgenomförare", "Verksamhetsperiod", "EU-stöd", "Nationellt mål",
                  "Särskilt mål"):
        assert label in msgids
    title = msgids["Främjande av integreringen av kvotflyktingar"]
    assert title.occurrences[0][0] == "amif_search/l10n/source_strings.py"
    assert title.comment.startswith("Translators: national objective 6.2")
    assert "Effektivisering av placering i kommunerna och säkerställande av tillgången till placering i " \
           "kommunerna" in msgids
    assert "Säkerställande av att placeringen av kvotflyktingar i kommunerna fungerar" in msgids


def test_a_call_over_several_lines_refers_to_the_line_of_its_msgid():
    messages, _warnings = extract_messages('raise Error(_(\n    "{path}: trasig"\n    " fil"))\n', "m.py")
    assert messages[0].occurrences == [("m.py", "2")]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_references_are_the_lines_xgettext_gives(tmp_path):
    files = [str(p.relative_to(ROOT)) for p in sorted(PACKAGE.rglob("*.py")) if "_resources" not in p.parts]
    keywords = ["-k_", "-kN_", "-kN_plural:1,2", "-kngettext:1,2", "-kpgettext:1c,2", "-knpgettext:1c,2,3"]
    subprocess.run(["xgettext", "--language=Python", "--from-code=UTF-8", *keywords, "-o", str(tmp_path / "x.pot"),
                    *files], cwd=ROOT, check=True, capture_output=True)
    theirs = {(e.msgctxt, e.msgid): e.occurrences for e in read_po_path(tmp_path / "x.pot", template=True)}
    ours, _warnings = build_template(PACKAGE)
    # Poedit's "Update from Source Code" runs xgettext: it must find the same messages.
    assert set(theirs) == {(e.msgctxt, e.msgid) for e in ours}
    differ = [(e.msgid[:40], e.occurrences, theirs[(e.msgctxt, e.msgid)]) for e in ours
              if e.occurrences != theirs[(e.msgctxt, e.msgid)]]
    assert differ == []


def test_the_same_messages_keep_the_date_and_only_a_moved_reference_is_written(package, tmp_path):
    pot = tmp_path / "x.pot"
    extract(package, pot, version="1", now=datetime(2021, 10, 1, tzinfo=timezone.utc))
    (package / "a.py").write_text('\n_("Källa")\n_("Inga träffar för {query}")\n', encoding="utf-8")
    moved = extract(package, pot, version="1", now=datetime(2022, 1, 1, tzinfo=timezone.utc))
    assert moved.changed and "#: pkg/a.py:3\n" in pot.read_text(encoding="utf-8")
    assert read_po_path(pot).metadata["POT-Creation-Date"] == "2021-10-01 00:00+0000"
    # A template another tool saved in its own layout, with the same content, is left alone.
    text = pot.read_text(encoding="utf-8")
    assert "#: pkg/a.py:2 pkg/sub/b.py:2\n" in text
    pot.write_text(text.replace("#: pkg/a.py:2 pkg/sub/b.py:2", "#: pkg/a.py:2\n#: pkg/sub/b.py:2"), encoding="utf-8")
    saved = pot.read_bytes()
    assert not extract(package, pot, version="1", now=datetime(2022, 2, 1, tzinfo=timezone.utc)).changed
    assert pot.read_bytes() == saved
