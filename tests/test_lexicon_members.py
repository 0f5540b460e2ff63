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
