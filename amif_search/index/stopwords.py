"""Function words of the query languages: not searched, not corrected, unless in a phrase.

The Snowball stop lists of Swedish, Finnish and English that Whoosh ships, completed with the
prepositions and question words they lack, and with the words that name what the collection
is made of (projekt, hanke, project): every document is one, so they carry no topic.
Comparison words (över, under, yli, over) are among them: a number after one is read as an
amount before the words are searched (see :mod:`amif_search.understanding`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..i18n.languages import SWEDISH, query_languages

__all__ = ["ADDED_STOPWORDS", "COLLECTION_WORDS", "stopword_languages", "is_query_stopword"]

# The words of each query language of the language registry (a test keeps the two the same).
ADDED_STOPWORDS = {
    "sv": """genom kring trots enligt bland hos inför angående beträffande utanför inuti ovanför nedanför via per
             medan sedan vilka vilken vilket vilkas finns fanns ska skall vill kunna får fick behöver gör görs
             gjorde också även bara redan någon något några inga ingen andra annan annat sådana dessa hur var
             när varför vem vad""",
    "fi": """kautta aikana vuoksi takia varten ilman jälkeen ennen kohti luona lähellä välillä mitä mikä mitkä
             millainen millaiset millaisia miten kuinka missä milloin miksi onko ovatko kuka ketkä myös vain jo
             voi voivat voiko tulee sekä eli alle""",
    "en": """which what who whom whose how where when why through around despite according among via per within
             without about across into onto upon towards toward regarding concerning there any some also only can
             could would should will shall may might get gets got does do did are is was were""",
}
# What the collection is made of: in a query about projects the word 'project' adds nothing.
COLLECTION_WORDS = {
    "sv": "projekt projektet projekten projektets projektens",
    "fi": "hanke hankkeet hankkeen hankkeita hankkeiden hankkeista hankkeisiin hankkeessa projekti projektit",
    "en": "project projects",
}


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _lists() -> dict[str, frozenset[str]]:
    from whoosh.lang.stopwords import stoplists  # noqa: PLC0415

    lists = {}
    for lang in query_languages():
        words = set(stoplists[lang]) | set(ADDED_STOPWORDS[lang].split()) | set(COLLECTION_WORDS[lang].split())
        if lang == SWEDISH:
            words |= {_fold(w) for w in words}   # 'for' typed for 'för'
        lists[lang] = frozenset(words)
    return lists


def stopword_languages(word: str) -> list[str]:
    """The query languages in which ``word`` is a function word."""
    word = word.lower()
    return [lang for lang, words in _lists().items() if word in words]


def is_query_stopword(word: str) -> bool:
    """True when ``word`` is a function word of a query language (Swedish, Finnish, English)."""
    word = word.lower()
    return any(word in words for words in _lists().values())
