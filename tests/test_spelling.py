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


def test_a_correction_never_starts_from_nor_lands_on_a_function_word():
    from amif_search.text.analysis import Lexicon
    from amif_search.text.spelling import SpellingCorrector

    lexicon = Lexicon({"genom": 5, "gnome": 1, "kommunerna": 3, "kommun": 2})
    function_words = {"genom", "kring"}.__contains__
    speller = SpellingCorrector(lexicon, is_function_word=function_words)
    assert speller.correct("gemom") is None            # genom is no content word to land on
    assert speller.correct("kring") is None            # a function word is not corrected
    assert SpellingCorrector(lexicon).correct("gemom") == "genom"


def test_a_glossary_term_is_corrected_only_to_an_inflection_of_its_stem():
    from amif_search.text.analysis import Lexicon
    from amif_search.text.spelling import SpellingCorrector

    speller = SpellingCorrector(Lexicon({"lärare": 4, "vuxna": 3}))
    assert speller.correct("läkare") == "lärare"             # a typed word: one edit away
    assert speller.correct("läkare", loose=True) is None     # a term: lärare is no form of läkare
    assert speller.correct("vuxen", loose=True) == "vuxna"
