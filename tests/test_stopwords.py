"""Function words of the query languages (amif_search.index.stopwords)."""

from __future__ import annotations

import pytest
import whoosh
from whoosh.lang import stopwords as whoosh_stopwords

from amif_search.i18n.languages import query_languages
from amif_search.index.stopwords import ADDED_STOPWORDS, COLLECTION_WORDS, is_query_stopword, stopword_languages
from amif_search.understanding import WORDS

QUERY_LANGUAGES = query_languages()


def test_whoosh_ships_the_snowball_lists_relied_on():
    # The lists are read from Whoosh's internals: an upgrade that moves them fails here.
    assert whoosh.__version__[:2] == (2, 7)
    assert all(lang in whoosh_stopwords.stoplists for lang in QUERY_LANGUAGES)
    assert {"och", "mitä", "which"} <= set().union(*(whoosh_stopwords.stoplists[lang] for lang in QUERY_LANGUAGES))


def test_every_query_language_of_the_registry_has_its_words_and_no_other_language_has():
    assert QUERY_LANGUAGES == ("sv", "fi", "en")
    assert set(ADDED_STOPWORDS) == set(COLLECTION_WORDS) == set(QUERY_LANGUAGES)
    assert all(set(words) == set(QUERY_LANGUAGES) for words in WORDS.values())


@pytest.mark.parametrize("word, languages", [
    ("genom", ["sv"]), ("kring", ["sv"]), ("trots", ["sv"]), ("enligt", ["sv"]), ("vilka", ["sv"]),
    ("mitä", ["fi"]), ("kautta", ["fi"]), ("which", ["en"]), ("through", ["en"]), ("for", ["sv", "en"]),
    ("projekt", ["sv"]), ("hankkeet", ["fi"]), ("projects", ["en"]),
], ids=lambda value: value if isinstance(value, str) else None)
def test_prepositions_question_words_and_collection_words_are_function_words(word, languages):
    assert stopword_languages(word) == languages


@pytest.mark.parametrize("word", ["barn", "trauma", "lapset", "children", "stöd", "kunnat", "hem"])
def test_content_words_are_not(word):
    assert not is_query_stopword(word)
