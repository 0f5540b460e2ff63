"""``catalog update``'s merge: msgmerge --previous, with GNU msgmerge as the referee.

Set AMIF_SEARCH_REGENERATE=1 to rewrite the golden file fixtures/l10n/merge/expected.po.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from amif_search.l10n.merge import merge_catalog, similarity, update_catalog
from amif_search.l10n.pofile import format_po, read_po, read_po_path

MERGE = Path(__file__).parent / "fixtures" / "l10n" / "merge"
REGENERATE = os.environ.get("AMIF_SEARCH_REGENERATE") == "1"

PO_HEADER = ('msgid ""\nmsgstr ""\n"POT-Creation-Date: 2021-01-01 00:00+0000\\n"\n"Language: fi\\n"\n'
             '"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')
POT_HEADER = ('#, fuzzy\nmsgid ""\nmsgstr ""\n"POT-Creation-Date: 2021-02-02 00:00+0000\\n"\n'
              '"Content-Type: text/plain; charset=UTF-8\\n"\n\n')


def merged(po_body: str, pot_body: str):
    catalog = read_po(PO_HEADER + po_body, "fi.po")
    template = read_po(POT_HEADER + pot_body, "x.pot")
    return merge_catalog(catalog, template)


def entries(catalog) -> dict:
    return {e.msgid: e for e in catalog}


def test_changed_msgid_becomes_fuzzy_with_the_old_msgid_in_previous_lines():
    result = merged('# note\nmsgid "Inga träffar för {query}"\nmsgstr "Ei osumia haulle {query}"\n',
                    'msgid "Inga träffar för {query}."\nmsgstr ""\n')
    entry = entries(result.catalog)["Inga träffar för {query}."]
    assert entry.fuzzy
    assert entry.msgstr == "Ei osumia haulle {query}"
    assert entry.previous_msgid == "Inga träffar för {query}"
    assert entry.tcomment == "note"
    text = format_po(result.catalog)
    assert '#, fuzzy\n#| msgid "Inga träffar för {query}"\nmsgid "Inga träffar för {query}."\n' in text
    assert (result.kept, result.fuzzy, result.new, result.obsolete) == (0, 1, 0, 0)


def test_unchanged_entry_keeps_translation_comments_and_fuzzy_flag():
    result = merged('# keep me\n#: old.py:1\n#, fuzzy\n#| msgid "Gammal"\nmsgid "Källa"\nmsgstr "Lähde"\n',
                    '#. from the code\n#: new.py:2\nmsgid "Källa"\nmsgstr ""\n')
    entry = entries(result.catalog)["Källa"]
    assert (entry.msgstr, entry.tcomment, entry.comment) == ("Lähde", "keep me", "from the code")
    assert entry.occurrences == [("new.py", "2")]
    assert entry.fuzzy and entry.previous_msgid == "Gammal"


def test_format_flags_come_from_the_template():
    result = merged('#, python-format\nmsgid "{n} projekt"\nmsgstr "{n} hanketta"\n',
                    '#, python-brace-format\nmsgid "{n} projekt"\nmsgstr ""\n')
    assert entries(result.catalog)["{n} projekt"].flags == ["python-brace-format"]


def test_order_follows_the_template_and_removed_entries_become_obsolete():
    result = merged('msgid "Borttagen text här"\nmsgstr "Poistettu"\n\nmsgid "B"\nmsgstr "b"\n\n'
                    'msgid "Oöversatt borttagen"\nmsgstr ""\n\nmsgid "A"\nmsgstr "a"\n',
                    'msgid "A"\nmsgstr ""\n\nmsgid "B"\nmsgstr ""\n\nmsgid "Ny"\nmsgstr ""\n')
    assert [(e.msgid, e.obsolete) for e in result.catalog] == [
        ("A", False), ("B", False), ("Ny", False), ("Borttagen text här", True)]  # untranslated: dropped
    assert format_po(result.catalog).endswith('#~ msgid "Borttagen text här"\n#~ msgstr "Poistettu"\n')


def test_obsolete_entry_comes_back_when_its_msgid_returns():
    result = merged('#~ msgid "Sökningen avbröts"\n#~ msgstr "Haku keskeytettiin"\n',
                    'msgid "Sökningen avbröts"\nmsgstr ""\n')
    entry = entries(result.catalog)["Sökningen avbröts"]
    assert (entry.obsolete, entry.fuzzy, entry.msgstr) == (False, False, "Haku keskeytettiin")


def test_refuzzed_entry_keeps_its_first_previous_msgid():
    result = merged('#, fuzzy\n#| msgid "Projektet saknas i indexet"\nmsgid "Projektet saknas i det nya indexet"\n'
                    'msgstr "Hanke puuttuu indeksistä"\n',
                    'msgid "Projektet saknas i det nyaste indexet"\nmsgstr ""\n')
    assert entries(result.catalog)["Projektet saknas i det nyaste indexet"].previous_msgid == \
        "Projektet saknas i indexet"


def test_entry_that_gains_a_plural_is_fuzzy():
    result = merged('msgid "{n} projekt"\nmsgstr "{n} hanketta"\n',
                    'msgid "{n} projekt"\nmsgid_plural "{n} projekt"\nmsgstr[0] ""\nmsgstr[1] ""\n')
    entry = entries(result.catalog)["{n} projekt"]
    assert entry.fuzzy and entry.msgstr_plural == {0: "{n} hanketta", 1: "{n} hanketta"}


def test_header_takes_the_templates_creation_date():
    result = merged('msgid "A"\nmsgstr "a"\n', 'msgid "A"\nmsgstr ""\n')
    assert result.catalog.metadata["POT-Creation-Date"] == "2021-02-02 00:00+0000"
    assert result.catalog.metadata["Language"] == "fi"


# msgmerge's own choices (gettext 0.21): a msgid of 4+ characters is only compared with old
# msgids sharing a 4-letter sequence; shorter ones with old msgids of a fitting length.
@pytest.mark.parametrize(("old", "new", "fuzzy"), [
    pytest.param("Kortis", "Kortit", True, id="one-letter-changed"),
    pytest.param("Nationellt mål", "Nationella mål", True, id="inflection"),
    pytest.param("Källa", "Källor", True, id="shared-4-gram"),
    pytest.param("ID", "ID:", True, id="short-msgid"),
    pytest.param("Kor", "Kort", False, id="no-shared-4-gram"),
    pytest.param("abcd", "abce", False, id="4-letters-differ"),
    pytest.param("abcdefgh", "abcdxxxx", False, id="half-different"),
])
def test_fuzzy_matching_follows_msgmerge(old, new, fuzzy):
    result = merged(f'msgid "{old}"\nmsgstr "T"\n', f'msgid "{new}"\nmsgstr ""\n')
    assert entries(result.catalog)[new].fuzzy is fuzzy


def test_untranslated_entries_are_no_fuzzy_candidates():
    result = merged('msgid "Oöversatt borttagen"\nmsgstr ""\n', 'msgid "Oöversatt borttagen!"\nmsgstr ""\n')
    assert not entries(result.catalog)["Oöversatt borttagen!"].fuzzy


@pytest.mark.parametrize(("a", "b", "expected"), [
    pytest.param("", "", 1.0, id="empty"),
    pytest.param("abc", "abc", 1.0, id="equal"),
    pytest.param("abc", "xyz", 0.0, id="disjoint"),
    pytest.param("Kor", "Kort", 6 / 7, id="prefix"),
    pytest.param("Källa", "Kalla", 8 / 11, id="utf8-bytes"),  # ä is two bytes, as for msgmerge
])
def test_similarity_is_msgmerges_fstrcmp(a, b, expected):
    assert similarity(a, b) == pytest.approx(expected)


def test_merge_of_the_fixture_matches_the_golden_file():
    result = merged_fixture()
    golden = MERGE / "expected.po"
    if REGENERATE:
        golden.write_text(format_po(result.catalog), encoding="utf-8")
    assert format_po(result.catalog) == golden.read_text(encoding="utf-8")
    assert (result.kept, result.fuzzy, result.new, result.obsolete) == (3, 5, 1, 2)


def merged_fixture():
    return merge_catalog(read_po_path(MERGE / "old.po"), read_po_path(MERGE / "new.pot"))


def summary(catalog) -> dict:
    return {(e.msgctxt, e.msgid, e.obsolete): (e.msgstr or dict(e.msgstr_plural), e.fuzzy, e.previous_msgid)
            for e in catalog}


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext's msgmerge is not installed")
def test_update_agrees_with_msgmerge_previous(tmp_path):
    theirs = tmp_path / "msgmerge.po"
    subprocess.run(["msgmerge", "--quiet", "--previous", "--output-file", str(theirs),
                    str(MERGE / "old.po"), str(MERGE / "new.pot")], check=True)
    ours = merged_fixture().catalog
    reference = read_po_path(theirs)
    assert summary(ours) == summary(reference)  # same translations kept, same entries fuzzy
    assert [e.msgid for e in ours] == [e.msgid for e in reference]
    assert sum(e.fuzzy for e in ours) == 5


def test_update_writes_once_then_leaves_the_file_alone(tmp_path):
    po, pot = tmp_path / "fi.po", tmp_path / "x.pot"
    shutil.copy(MERGE / "old.po", po)
    shutil.copy(MERGE / "new.pot", pot)
    assert update_catalog(po, pot).changed is True
    first = po.read_bytes()
    assert update_catalog(po, pot).changed is False
    assert po.read_bytes() == first


PLURAL_PO = 'msgid "{n} träff"\nmsgid_plural "{n} träffar"\nmsgstr[0] "{n} osuma"\nmsgstr[1] "{n} osumaa"\n'
PLURAL_POT = 'msgid "{n} träff"\nmsgid_plural "{n} träffar totalt"\nmsgstr[0] ""\nmsgstr[1] ""\n'


def test_a_changed_msgid_plural_alone_makes_the_entry_fuzzy():
    result = merged(PLURAL_PO, PLURAL_POT)
    entry = entries(result.catalog)["{n} träff"]
    assert entry.fuzzy and entry.msgstr_plural == {0: "{n} osuma", 1: "{n} osumaa"}
    assert (entry.previous_msgid, entry.previous_msgid_plural) == ("{n} träff", "{n} träffar")
    assert '#, fuzzy\n#| msgid "{n} träff"\n#| msgid_plural "{n} träffar"\n' in format_po(result.catalog)


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext's msgmerge is not installed")
def test_a_changed_msgid_plural_is_merged_as_msgmerge_merges_it(tmp_path):
    (tmp_path / "fi.po").write_text(PO_HEADER + PLURAL_PO, encoding="utf-8")
    (tmp_path / "x.pot").write_text(POT_HEADER + PLURAL_POT, encoding="utf-8")
    theirs = subprocess.run(["msgmerge", "--quiet", "--previous", str(tmp_path / "fi.po"), str(tmp_path / "x.pot"),
                             "-o", "-"], capture_output=True, check=True).stdout.decode("utf-8")
    assert format_po(merged(PLURAL_PO, PLURAL_POT).catalog) == theirs
