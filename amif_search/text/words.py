"""Swedish words one at a time: function words, Snowball stems and derivational roots."""

from __future__ import annotations

from functools import lru_cache

from .folding import fold

__all__ = ["STOPWORDS", "is_stopword", "stem", "derivation_root"]

# Swedish function words: dropped from free-text queries (kept in the index for phrases).
STOPWORDS = frozenset("""
alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din
dina ditt du där då efter ej eller en er era ert ett från för ha hade han hans har henne
hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig
min mina mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin
sina sitta själv skulle som så sådan sådana sådant till under upp ut utan vad var vara
varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt
över
""".split())

_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS)


def is_stopword(word: str) -> bool:
    """A Swedish function word, also when typed without å/ä/ö ('for' for 'för')."""
    word = word.lower()
    return word in STOPWORDS or word in _FOLDED_STOPWORDS


# Derivational endings, longest first, stripped from a Snowball stem to reach a root
# shared by related words: traumatiser/traum, integrer/integration, psykoedukativ/-ation.
_DERIVATIONAL = sorted("""
atisering isering atiserat iserat atiser iser ation ativt ativ itet ering erat ning
isk ism ist lig het skap else er
""".split(), key=len, reverse=True)
# The same endings grouped by length, longest first: at most one ending of a length can match.
_DERIVATIONAL_BY_LENGTH = tuple((n, frozenset(s for s in _DERIVATIONAL if len(s) == n))
                                for n in sorted({len(s) for s in _DERIVATIONAL}, reverse=True))
# Neuter adjectives: kommunalt, psykiskt, kultursensitivt -> kommunal, psykisk, kultursensitiv.
_NEUTER_T = ("alt", "ivt", "skt", "igt", "ellt", "ärt")
_MIN_ROOT = 4


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # noqa: PLC0415  (PyStemmer's C stemmer when installed)

    stemmer = snowballstemmer.stemmer("swedish")
    if hasattr(stemmer, "maxCacheSize"):
        # PyStemmer's own memory makes each new word cost several times its stemming;
        # stem() below remembers words already.
        stemmer.maxCacheSize = 0
    return stemmer


# The words stem() and derivation_root() remember, at most (see forget_words). Their memories
# are unbounded lru_caches, each a plain dictionary of strings: the garbage collector does
# not go through such a dictionary, where it went through a bounded cache's 200 000 links
# on every full collection (a tenth of a second at 100 000 projects).
WORDS_REMEMBERED = 200_000


@lru_cache(maxsize=None)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word."""
    if word.isdigit():
        return word
    return _stemmer().stemWord(word)


@lru_cache(maxsize=None)
def derivation_root(stemmed: str) -> str:
    """Strip one derivational ending from a stem, keeping at least four letters."""
    if stemmed.endswith(_NEUTER_T) and len(stemmed) > _MIN_ROOT + 2:
        stemmed = stemmed[:-1]
    size = len(stemmed)
    for n, suffixes in _DERIVATIONAL_BY_LENGTH:
        if size - n >= _MIN_ROOT and stemmed[-n:] in suffixes:
            stemmed = stemmed[:-n]
            break
    # sysselsätt (sysselsättning) and sysselsät (sysselsätta) are the same root.
    if len(stemmed) > _MIN_ROOT and stemmed[-1] == stemmed[-2] and stemmed[-1] not in "aeiouyåäö":
        stemmed = stemmed[:-1]
    # psykiatri and psykiatr(isk), terminologi and terminolog(isk): a final vowel goes.
    if len(stemmed) > _MIN_ROOT + 1 and stemmed[-1] in "aeiouy":
        stemmed = stemmed[:-1]
    return stemmed


def forget_words(limit: int = WORDS_REMEMBERED) -> None:
    """Empty the memories of stems, roots and folded spellings that hold more than ``limit``
    words: called between searches and between a build's batches, it keeps them bounded."""
    from .folding import fold  # noqa: PLC0415

    for remembered in (stem, derivation_root, fold):
        if remembered.cache_info().currsize > limit:
            remembered.cache_clear()
