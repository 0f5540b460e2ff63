import pytest

from amif_search.text.analysis import Lexicon
from amif_search.text.spelling import SpellingCorrector


@pytest.fixture(scope="module")
def speller():
    return SpellingCorrector(Lexicon({"arbetsgivarna": 3, "integration": 5, "barn": 9, "hälsa": 4}))


@pytest.mark.parametrize(("typed", "limit", "expected"), [
    ("integratoin", None, "integration"),
    ("arbtesgivare", None, "arbetsgivarna"),
    ("halsa", None, "hälsa"),       # typed without ä: no edit at all once folded
    ("halsq", 1, "hälsa"),
    ("barn", None, None),           # a word of the collection
    ("bra", None, None),            # too short to correct
    ("xyzzyx", None, None),
], ids=["swap", "through-stems", "folded", "one-edit", "known", "short", "nothing-near"])
def test_correct(speller, typed, limit, expected):
    assert speller.correct(typed, limit) == expected
