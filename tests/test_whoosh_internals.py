"""The guard over Whoosh's private parts: the pinned version, the attributes the index reader
and writer rely on, and that what is read through them is what Whoosh's public interface says.

An upgrade of Whoosh fails here, by name, before it can answer a search wrongly; and the
code itself refuses another version with one clear message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import whoosh
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import length_to_byte

from amif_search.collection import Collection
from amif_search.errors import IndexStateError
from amif_search.index import internals
from amif_search.fields import text_fields

ROOT = Path(__file__).resolve().parent.parent


def test_the_installed_whoosh_is_the_version_pinned_and_relied_on():
    pinned = re.search(r'"whoosh==([0-9.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pinned, "pyproject.toml must pin Whoosh exactly"
    assert tuple(int(n) for n in pinned.group(1).split(".")) == internals.WHOOSH_VERSION
    assert tuple(whoosh.__version__) == internals.WHOOSH_VERSION


@pytest.mark.parametrize("part", ["reading", "writing"])
def test_every_private_attribute_relied_on_is_there(part):
    assert internals.problems(part) == []


def _fields(reader):
    return [field.index_name + form for field in text_fields() for form in ("", "_part", "_fold", "_root")
            if field.index_name + form in reader.schema]


def test_postings_positions_and_lengths_read_privately_are_whooshs(collection):
    reader = collection.engine._reader()
    leaf = next(iter(reader.leaf_readers()))[0]
    checked = 0
    for fieldname in _fields(leaf):
        lengths = internals.length_bytes(leaf, fieldname, leaf.doc_count_all())
        assert list(lengths) == [length_to_byte(leaf.doc_field_length(d, fieldname))
                                 if leaf.doc_field_length(d, fieldname) else 0 for d in range(leaf.doc_count_all())]
        for text in list(leaf.lexicon(fieldname))[:30]:
            matcher = leaf.postings(fieldname, text)
            assert type(matcher) is W3LeafMatcher
            ids, weights = internals.read_postings(leaf.postings(fieldname, text))
            has_positions = matcher.supports("positions")
            public = []
            while matcher.is_active():
                public.append((matcher.id(), matcher.weight(), has_positions and matcher.value_as("positions")))
                matcher.next()
            assert ids.tolist() == [p[0] for p in public]
            assert weights.tolist() == [p[1] for p in public]
            if has_positions:
                docs, offsets, positions = internals.read_positions(leaf.postings(fieldname, text),
                                                                    leaf.schema[fieldname].format)
                assert docs.tolist() == ids.tolist()
                assert [positions[offsets[i]:offsets[i + 1]].tolist() for i in range(len(docs))] == \
                    [p[2] for p in public]
            checked += 1
    assert checked > 100


@pytest.fixture
def fresh_check(monkeypatch):
    monkeypatch.setattr(internals, "_checked", {})


def test_another_whoosh_version_is_refused_with_one_clear_message(monkeypatch, fresh_check, built_index):
    monkeypatch.setattr(whoosh, "__version__", (2, 7, 5))
    with pytest.raises(IndexStateError) as raised:
        Collection(built_index)
    message = str(raised.value)
    assert "Whoosh 2.7.4 exactly" in message and "version 2.7.5" in message
    assert "\n" not in message


def test_a_missing_private_attribute_is_named(monkeypatch, fresh_check, built_index):
    monkeypatch.delattr(W3LeafMatcher, "_read_data")
    with pytest.raises(IndexStateError, match="W3LeafMatcher._read_data is missing"):
        Collection(built_index)


def test_a_private_attribute_no_longer_set_is_named(monkeypatch, fresh_check, built_index):
    def __init__(self, postfile, startoffset, length, format_, term=None, byteids=None, scorer=None):
        self.postfile = postfile   # renamed: the reader would read the wrong thing

    monkeypatch.setattr(W3LeafMatcher, "__init__", __init__)
    with pytest.raises(IndexStateError, match="W3LeafMatcher.__init__ no longer uses _byteids, _postfile"):
        Collection(built_index)
