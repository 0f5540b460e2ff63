"""Finding the compounds a query word is a member of, by a scan of the joined lexicon."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from amif_search.text.analysis import Lexicon, stem

letters = st.text(alphabet="abdeiklnorstuvåäö", min_size=1, max_size=14)


def _brute_force(lexicon: Lexicon, stemmed: str, word: str) -> list[str]:
    return [w for w in lexicon.counts if stemmed in w or w.startswith(word)]


@settings(max_examples=200, deadline=None)
@given(words=st.lists(letters, min_size=1, max_size=60), query=letters)
def test_candidates_are_every_word_holding_the_stem_or_starting_with_the_word(words, query):
    lexicon = Lexicon.from_texts([" ".join(words)])
    stemmed = stem(query)
    assert list(lexicon.compounds._containing(stemmed, query)) == _brute_force(lexicon, stemmed, query)


def test_compounds_are_found_as_head_and_as_modifier():
    lexicon = Lexicon.from_texts(["universitetssjukhusen videoinspelningarna sjukhus video barnen"])
    assert lexicon.compounds_with("sjukhus") == ["universitetssjukhusen"]
    assert lexicon.compounds_with("video") == ["videoinspelningarna"]
    assert lexicon.compounds_with("barnen") == []


@settings(max_examples=100, deadline=None)
@given(words=st.lists(letters, min_size=1, max_size=60), query=letters)
def test_the_lexicon_kept_with_an_index_finds_the_same_candidates(words, query):
    import tempfile
    from pathlib import Path

    from amif_search.index.lexicon_file import StoredLexicon, write_lexicon_file

    lexicon = Lexicon.from_texts([" ".join(words)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lexicon.sqlite"
        write_lexicon_file(path, lexicon)
        stored = StoredLexicon(path)
        try:
            for piece in (query, stem(query), query[1:4]):
                assert list(stored.containing(piece)) == list(lexicon.containing(piece))
            assert stored.compounds_with(query) == lexicon.compounds_with(query)
        finally:
            stored.close()
