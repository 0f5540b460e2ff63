"""Typo correction: a query word that matched nothing, replaced by the closest word of the
collection."""

from __future__ import annotations

from ..memo import BoundedCache
from .analysis import Lexicon, stem
from .distance import edit_distance
from .folding import fold

__all__ = ["SpellingCorrector"]


class SpellingCorrector:
    """Corrects typed words to the words of a :class:`~amif_search.text.analysis.Lexicon`."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._corrections: BoundedCache[tuple[str, int | None], str | None] = BoundedCache(50_000)
        self._buckets: dict[str, list[tuple[str, int, str]]] | None = None

    def correct(self, word: str, limit: int | None = None) -> str | None:
        """The closest word of the collection within 1 or 2 edits (by length), if any.

        Words and their stems are both compared, so 'arbtesgivare' reaches 'arbetsgivarna'
        through the stems arbtesgivar ~ arbetsgivar.
        """
        if len(word) < 4 or word.isdigit():
            return None
        key = (word, limit)
        if key in self._corrections:
            return self._corrections[key]
        corrected = self._corrections[key] = self._correct(word, limit)
        return corrected

    def _candidates(self, first: str) -> list[tuple[str, int]]:
        """The collection's words that begin (typed without å/ä/ö) with ``first``: a typo
        seldom hits the first letter, and scanning one letter's words, not all of them,
        keeps a correction fast in a large collection."""
        buckets = self._buckets
        if buckets is None:
            buckets = {}
            initials: dict[str, str] = {}
            for word, count in self.lexicon.counts.items():
                initial = initials.get(word[0])
                if initial is None:
                    initial = initials[word[0]] = fold(word[0])[:1]
                buckets.setdefault(initial, []).append((word, count))
            self._buckets = buckets
        return buckets.get(first, [])

    def _correct(self, word: str, limit: int | None) -> str | None:
        if limit is None:
            limit = 1 if len(word) <= 7 else 2
        typed = fold(word)
        typed_stem = fold(stem(word))
        typed_letters, stem_letters = frozenset(typed), frozenset(typed_stem)
        best = None
        # Cheap bounds before the edit distance: one edit adds at most one letter to a
        # word's set of letters and removes at most one, so words within ``limit`` edits
        # differ in at most 2 × limit letters; a stem is its word less a suffix, so a stem
        # within reach needs all but ``limit`` of the typed stem's letters in the word.
        # (Folding keeps a Swedish word's length: å, ä, ö become one letter each.)
        for candidate, count in self._candidates(typed[0]):
            if candidate == word or abs(len(candidate) - len(typed)) > limit + 3:
                continue
            folded = fold(candidate)
            letters = frozenset(folded)
            distance = None
            if abs(len(folded) - len(typed)) <= limit and len(letters ^ typed_letters) <= 2 * limit:
                distance = edit_distance(typed, folded, limit)
            if distance is None:
                if len(folded) < len(typed_stem) - limit or len(stem_letters - letters) > limit:
                    continue
                distance = edit_distance(typed_stem, fold(stem(candidate)), limit)
                if distance is None:
                    continue
                distance += 0.5  # a match of stems only is a little less sure
            key = (distance, -count, candidate)
            if best is None or key < best[0]:
                best = (key, candidate)
        return best[1] if best else None

    # -- searching ---------------------------------------------------------------------
