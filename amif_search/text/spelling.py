"""Typo correction: a query word that matched nothing, replaced by the closest word of the
collection."""

from __future__ import annotations

from typing import Callable, Iterator

from ..memo import BoundedCache
from .analysis import Lexicon, stem
from .distance import edit_distance
from .folding import fold

__all__ = ["SpellingCorrector"]


class SpellingCorrector:
    """Corrects typed words to the words of a :class:`~amif_search.text.analysis.Lexicon`."""

    def __init__(self, lexicon: Lexicon, is_function_word: Callable[[str], bool] = lambda word: False) -> None:
        self.lexicon = lexicon
        self.is_function_word = is_function_word
        self._corrections: BoundedCache[tuple[str, int | None, bool], str | None] = BoundedCache(50_000)
        self._by_length: dict[str, dict[int, list[tuple[str, int, str]]]] = {}

    def correct(self, word: str, limit: int | None = None, loose: bool = False) -> str | None:
        """The closest word of the collection within 1 or 2 edits (by length), if any.

        Words and their stems are both compared, so 'arbtesgivare' reaches 'arbetsgivarna'
        through the stems arbtesgivar ~ arbetsgivar; for a word shorter than seven letters only
        when ``loose`` (a glossary term's inflection, vuxen for vuxna), since a short typo's stem
        is near too many unrelated words. ``loose`` also keeps to words that begin with the
        word's stem. A function word is never corrected, and a correction never lands on one.
        """
        if len(word) < 4 or word.isdigit() or self.is_function_word(word):
            return None
        key = (word, limit, loose)
        if key in self._corrections:
            return self._corrections[key]
        corrected = self._corrections[key] = self._correct(word, limit, loose)
        return corrected

    def _candidates(self, first: str, low: int, high: int) -> Iterator[tuple[str, int, str]]:
        """The collection's words that begin (typed without å/ä/ö) with ``first`` and are
        ``low`` to ``high`` letters long, each with its count and its spelling without
        å/ä/ö: a typo seldom hits the first letter, and scanning one letter's words of about
        the typed length, not all words, keeps a correction fast in a large collection.
        Function words and words under four letters are never offered (a correction lands
        on a content word, never on a function word or a fragment). A letter's words are
        sorted by length the first time a word beginning with it is corrected."""
        lengths = self._by_length.get(first)
        if lengths is None:
            lengths = {}
            for candidate, count in self.lexicon.beginning_with(first):
                if len(candidate) < 4 or self.is_function_word(candidate):
                    continue
                folded = fold(candidate)
                lengths.setdefault(len(candidate), []).append(
                    (candidate, count, candidate if folded == candidate else folded))
            self._by_length[first] = lengths
        for length in range(max(low, 4), high + 1):
            yield from lengths.get(length, ())

    def _correct(self, word: str, limit: int | None, loose: bool = False) -> str | None:
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
        for candidate, count, folded in self._candidates(typed[0], len(typed) - limit - 3, len(typed) + limit + 3):
            if candidate == word:
                continue
            # A glossary term the texts lack is only looked for in another inflection of its
            # stem (vuxen: vuxna), never in a word that merely shares letters (läkare: lärare).
            if loose and not folded.startswith(typed_stem):
                continue
            letters = frozenset(folded)
            distance = None
            if abs(len(folded) - len(typed)) <= limit and len(letters ^ typed_letters) <= 2 * limit:
                distance = edit_distance(typed, folded, limit)
            if distance is None:
                # Stems alone are too loose a likeness for a short typed word.
                if len(typed) < 7 and not loose or len(folded) < len(typed_stem) - limit \
                        or len(stem_letters - letters) > limit:
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
