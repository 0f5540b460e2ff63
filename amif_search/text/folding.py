"""Spellings without diacritics, for matching words typed without å/ä/ö and for ASCII ids."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["fold"]


@lru_cache(maxsize=None)   # bounded by words.forget_words
def fold(word: str) -> str:
    """The word as typed without diacritics: å ä ö -> a a o, é -> e."""
    if word.isascii():   # nothing to fold (NFKD leaves ASCII as it is)
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
