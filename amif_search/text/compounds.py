"""Compound words: splitting them into members, and finding those a word is a member of.

Nothing here is a hand-made list of compounds: a member is recognised because the
collection's :class:`~amif_search.text.analysis.Lexicon` knows it as a word.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..memo import BoundedCache
from .words import _MIN_ROOT, STOPWORDS, stem

if TYPE_CHECKING:
    from .analysis import Lexicon

__all__ = ["CompoundSplitter", "MAX_COMPOUND_LENGTH"]

# Splitting tries every split point, so its cost grows with the square of a word's length.
MAX_COMPOUND_LENGTH = 64
# Bounds of the splitter's memories (each starts afresh when full).
_PIECE_CACHE = 400_000

# Words that begin Swedish words as prefixes or particles rather than as compound members.
_NOT_MODIFIERS = STOPWORDS | frozenset("""
an be bi er ge fram hem miss sam sär van bland genom från efter mellan under över
""".split()) - frozenset(["hem"])

# Endings that are never a compound's head on their own (kommun + erna is kommunerna).
_ENDING = re.compile(
    r"(?:ar|er|or|en|et|na|arna|erna|orna|arnas|ernas|ande|ende|are|ade|ad|at|ats|ts|het|heten|"
    r"skap|else|ning|ningen|ningar|ing|ingen|ingar|tion|ionen|isk|iska|lig|liga|ist|ism|itet|"
    r"era|erade|rade|sen|ner|ger|tar|nde|ren)"
)
# Beginnings of an unknown head that betray a broken word (place + ringen, kommun + ikation).
_BROKEN_HEAD = re.compile(r"^(?:ik|ering|ring|tning|gning|ning|ation|itet|iter|iser|ise|ti[sk]|ler|eri|ell|ati[sov])")

_VOWEL = re.compile(r"[aeiouyåäöé]")
_ONSET = re.compile(r"^(?:[aeiouyåäö]|[bcdfghjklmnpqrstvwxz][aeiouyåäöé]|"
                    r"(?:bl|br|dr|fl|fr|gl|gr|kl|kn|kr|kv|pl|pr|sk|sl|sm|sn|sp|st|sv|sj|tr|tv|tj|vr)[a-zåäö])")


def _links(spans) -> int:
    """How many linking letters lie between the members."""
    return sum(1 for (_, end), (start, _) in zip(spans, spans[1:]) if start > end)


def _plausible_head(head: str, min_length: int) -> bool:
    """Could ``head`` be a word of its own rather than an ending or a broken word?"""
    return (len(head) >= min_length and not _BROKEN_HEAD.match(head) and not _ENDING.fullmatch(head)
            and bool(_ONSET.match(head)) and len(stem(head)) >= 4)

class CompoundSplitter:
    """The members of compound words, recognised by the words of a :class:`Lexicon`.

    Splits a word into its members (krigstraumatiserade -> krig + traumatiserade) and finds
    the lexicon's compounds that a query word is a member of.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.counts = lexicon.counts
        self._roots = lexicon.roots
        self.known = lexicon.known
        self.known_root = lexicon.known_root
        self.frequency = lexicon.frequency
        self._cache: BoundedCache[str, tuple[tuple[int, int], ...]] = BoundedCache(500_000)
        self._split_memo: BoundedCache[tuple[str, int], object] = BoundedCache(500_000)
        self._member_cache: BoundedCache[str, list[str]] = BoundedCache(100_000)
        self._lexicon = lexicon
        # known() and known_root() of the pieces tried by the splitter: the same prefixes
        # and heads recur across thousands of words.
        self._known: BoundedCache[str, bool] = BoundedCache(_PIECE_CACHE)
        self._known_roots: BoundedCache[str, bool] = BoundedCache(_PIECE_CACHE)

    def _is_known(self, piece: str) -> bool:
        """known(), remembered."""
        found = self._known.get(piece)
        if found is None:
            found = self._known[piece] = self.known(piece)
        return found

    def _is_known_root(self, piece: str) -> bool:
        """known_root(), remembered."""
        found = self._known_roots.get(piece)
        if found is None:
            found = self._known_roots[piece] = self.known_root(piece)
        return found

    def compounds_with(self, word: str, limit: int = 40) -> list[str]:
        """Words of the lexicon in which ``word`` is a member that the splitter missed.

        With the query word itself as the known member, a compound can be recognised
        that no other word of the collection explains: sjukhus in universitetssjukhusen
        (as its head), video in videoinspelningarna (as its modifier).
        """
        word = word.lower()
        cached = self._member_cache.get(word)
        if cached is not None:
            return cached
        stemmed = stem(word)
        found: list[str] = []
        if len(stemmed) >= 4 and word not in STOPWORDS:
            minimum = len(stemmed) + 3
            for candidate in self._containing(stemmed, word):
                if len(candidate) < minimum or candidate == word:
                    continue
                if self._has_member(candidate, word, stemmed):
                    found.append(candidate)
                    if len(found) >= limit:
                        break
        found.sort(key=lambda w: -self.counts.get(w, 0))   # the most frequent first
        self._member_cache[word] = found
        return found

    def _containing(self, stemmed: str, word: str) -> Iterator[str]:
        """The lexicon's words (in lexicon order) that contain ``stemmed`` or begin with
        ``word``: a member is there as its stem (head or modifier) or as the word itself
        (modifier). Found with ``str.find`` in all the words joined by newlines, so a
        query word costs a scan in C, not a Python loop over the lexicon.

        A word that contains its stem (as nearly every one does) begins only words that
        contain the stem too: then the lexicon's own :meth:`Lexicon.containing` finds
        them all, as far as the caller reads (compounds_with stops at its limit)."""
        if stemmed in word:
            yield from self._lexicon.containing(stemmed)
            return
        text = self._lexicon.joined()
        found: dict[int, str] = {}
        for piece, at_start in ((stemmed, False), ("\n" + word, True)):
            position = text.find(piece)
            while position != -1:
                start = position + 1 if at_start else text.rfind("\n", 0, position) + 1
                if start not in found:
                    found[start] = text[start:text.find("\n", start)]
                position = text.find(piece, position + 1)
        yield from (found[start] for start in sorted(found))

    def _has_member(self, candidate: str, word: str, stemmed: str) -> bool:
        # As the head: <modifier>[s|e]<word, inflected>.
        position = candidate.find(stemmed, 3)
        while position != -1:
            modifier = candidate[:position]
            if (_VOWEL.search(modifier) and modifier not in _NOT_MODIFIERS
                    and stem(candidate[position:]) == stemmed):
                return True
            position = candidate.find(stemmed, position + 1)
        # As the modifier: <word>[s|e]<head>.
        for prefix in {word, stemmed}:
            if candidate.startswith(prefix):
                rest = candidate[len(prefix):]
                for link in ("", "s", "e"):
                    head = rest[len(link):] if rest.startswith(link) else None
                    if head and len(head) >= 4 and not _ENDING.fullmatch(head) \
                            and (self.known(head) or _plausible_head(head, 5)):
                        return True
        return False

    def split(self, word: str) -> tuple[tuple[int, int], ...]:
        """Spans of the members of ``word`` when it is a compound, else ``()``.

        krigstraumatiserade -> ((0, 4), (5, 19)): krig + [s] + traumatiserade.
        """
        if len(word) > MAX_COMPOUND_LENGTH:
            return ()  # no Swedish compound is this long: a pasted blob, an address
        cached = self._cache.get(word)
        if cached is None:
            best = self._best_split(word, 0)
            cached = tuple(best[0]) if best and len(best[0]) > 1 else ()
            if cached and stem(word) == stem(word[cached[0][0]:cached[0][1]]):
                cached = ()  # kommunernas is kommun inflected, not kommun + ernas
            self._cache[word] = cached
        return cached

    def _best_split(self, word: str, offset: int, depth: int = 0):
        """The best split of ``word`` with spans shifted by ``offset``; remembered per piece,
        since the same heads recur in thousands of compounds."""
        key = (word, depth)
        memo = self._split_memo
        if key in memo:
            found = memo[key]
        else:
            found = memo[key] = self._best_split_at(word, depth)
        if found is None or not offset:
            return found
        spans, unknown, score = found
        return [(s + offset, e + offset) for s, e in spans], unknown, score

    def _best_split_at(self, word: str, depth: int):
        """(spans, unknown members, score) of the best split of ``word``, or None.

        A member is 'known' when the lexicon has it (or an inflection of it). A split
        needs a known modifier and a known head; one member may be unknown only when
        the other is known and the unknown one is long and looks like a word of its own
        (kvot + flyktingar, flykting + bakgrund), never like an ending (place + ringen).
        """
        offset = 0  # spans relative to the word; _best_split shifts them
        n = len(word)
        if n < 6 or depth > 4:
            return None
        candidates = []
        counts = self.counts
        known, known_root = self._known, self._known_roots
        # A modifier's derivational root is a prefix of it, so no modifier shorter than the
        # shortest prefix of the word that is a root can be known_root().
        roots = self._roots
        first_root = next((k for k in range(_MIN_ROOT, n - 2) if word[:k] in roots), n)
        for i in range(3, n - 2):
            modifier = word[:i]
            if modifier in _NOT_MODIFIERS:
                continue
            modifier_known = known.get(modifier)
            if modifier_known is None:
                modifier_known = self._is_known(modifier)
            if modifier_known or i < first_root:
                modifier_root = False
            else:
                modifier_root = known_root.get(modifier)
                if modifier_root is None:
                    modifier_root = self._is_known_root(modifier)
            if not (modifier_known or modifier_root):
                # Only the last rule below can take an unknown modifier: no link, a head
                # that is a word of the lexicon. The cheap tests first.
                head = word[i:]
                if len(head) >= 5 and head in counts and len(modifier) >= 4 and head not in STOPWORDS \
                        and not _ENDING.fullmatch(head) and _VOWEL.search(modifier):
                    candidates.append(([(offset, offset + i), (offset + i, offset + n)], 1,
                                       self._score([modifier, head])))
                continue
            for link in ("", "s", "e"):
                if link and word[i:i + 1] != link:
                    continue
                j = i + len(link)
                head = word[j:]
                if len(head) < 4 or head in STOPWORDS or _ENDING.fullmatch(head):
                    continue
                head_known = known.get(head)
                if head_known is None:
                    head_known = self._is_known(head)
                spans = [(offset, offset + i)]
                whole = spans + [(offset + j, offset + n)]
                if (modifier_known or modifier_root) and head_known:
                    candidates.append((whole, 0, self._score([modifier, head])))
                if modifier_known:
                    sub = self._best_split(head, offset + j, depth + 1)
                    if sub is not None and sub[1] == 0:
                        members = [modifier] + [word[s - offset:e - offset] for s, e in sub[0]]
                        candidates.append((spans + list(sub[0]), 0, self._score(members)))
                if not head_known and (modifier_known and _plausible_head(head, 5 if link else 6)
                                       or modifier_root and _plausible_head(head, 7)):
                    candidates.append((whole, 1, self._score([modifier, head])))
                if not modifier_known and not link and head in self.counts and len(head) >= 5 \
                        and len(modifier) >= 4 and _VOWEL.search(modifier):
                    candidates.append((whole, 1, self._score([modifier, head])))
        if len(candidates) < 2:
            return candidates[0] if candidates else None
        # Fewest unknown members, then fewest members, then members that are words of
        # their own (kompetens+centret, not kompeten+s+centret), then a linking -s-/-e-
        # where the word has one (arbets+livet, not arbet+slivet), then the most frequent.
        def quality(candidate):
            spans, unknown, score = candidate
            words = sum(word[s - offset:e - offset] in self.counts for s, e in spans)
            # Last, the longer modifier: trauma + relaterade, not traum + arelaterade.
            return (unknown, len(spans), -words, -_links(spans), -score, -(spans[0][1] - spans[0][0]))

        return min(candidates, key=quality)

    def _score(self, members: list[str]) -> float:
        return sum(math.log(self.frequency(m)) for m in members) / len(members)
