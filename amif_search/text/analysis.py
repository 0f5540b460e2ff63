"""Swedish text analysis: words, compounds, stems, derivational roots and folded spellings.

The pipeline, stage by stage (each stage a class at a stable import path)::

    WordTokenizer          words with their character offsets
    LowercaseFilter        case-folded form
    CompoundSplitFilter    krigstraumatiserade -> krig + traumatiserade (linking -s-, -e-)
    SnowballStemFilter     inflection: kommunernas -> kommun (Snowball, PyStemmer backend)
    DerivationFilter       derivation: traumatiserade, trauma -> traum
    DiacriticFoldFilter    å ä ö as typed without them: hälsa -> halsa

Every token keeps its offsets, and so does every compound part, so the same analysis
serves indexing, queries and highlighting. This module knows nothing of the search engine.
"""

from __future__ import annotations

import math
from bisect import bisect_right
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator

__all__ = [
    "is_stopword", "Part", "Token", "Lexicon", "SwedishAnalyzer", "WordTokenizer", "LowercaseFilter",
    "CompoundSplitFilter", "SnowballStemFilter", "DerivationFilter", "DiacriticFoldFilter",
    "stem", "derivation_root", "fold", "STOPWORDS", "ANALYSIS_VERSION",
]

# Bump when any stage changes what it produces: indexes record it and are rebuilt.
ANALYSIS_VERSION = 3
# Splitting tries every split point, so its cost grows with the square of a word's length.
MAX_COMPOUND_LENGTH = 64
# Bounds of the splitter's memories (each starts afresh when full).
_PIECE_CACHE = 400_000

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

_FOLDED_STOPWORDS = frozenset(
    "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c)) for w in STOPWORDS)


def is_stopword(word: str) -> bool:
    """A Swedish function word, also when typed without å/ä/ö ('for' for 'för')."""
    word = word.lower()
    return word in STOPWORDS or word in _FOLDED_STOPWORDS


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

_WORD = re.compile(r"[^\W_]+")
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


@dataclass(slots=True)
class Part:
    """One member of a compound, with offsets in the analysed text."""

    text: str
    start: int
    end: int
    stem: str = ""
    root: str = ""
    fold: str = ""


@dataclass(slots=True)
class Token:
    """One word of the analysed text and everything the analysis knows of it."""

    text: str
    start: int
    end: int
    pos: int
    norm: str = ""
    stem: str = ""
    root: str = ""
    fold: str = ""
    parts: list[Part] = field(default_factory=list)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # noqa: PLC0415  (PyStemmer's C stemmer when installed)

    stemmer = snowballstemmer.stemmer("swedish")
    if hasattr(stemmer, "maxCacheSize"):
        # PyStemmer's own memory makes each new word cost several times its stemming;
        # stem() below remembers words already.
        stemmer.maxCacheSize = 0
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word."""
    if word.isdigit():
        return word
    return _stemmer().stemWord(word)


@lru_cache(maxsize=200_000)
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


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """The word as typed without diacritics: å ä ö -> a a o, é -> e."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Lexicon:
    """The words a collection is made of, used to recognise the members of compounds.

    Built from the corpus (and any extra vocabulary such as a glossary), never from a
    hand-made list of compounds.
    """

    def __init__(self, counts: dict[str, int] | None = None, stems: Iterable[str] | None = None,
                 roots: Iterable[str] | None = None) -> None:
        self.counts: dict[str, int] = dict(counts or {})
        if stems is None:
            # Function words make poor compound members ('inte' would give int + egration).
            stems = {stem(w) for w in self.counts if len(w) >= 3 and w not in STOPWORDS}
            stems -= {stem(w) for w in STOPWORDS}
        self._stems = set(stems)
        self._roots = set(roots) if roots is not None else {derivation_root(s) for s in self._stems if len(s) >= 5}
        self._total = sum(self.counts.values()) or 1
        self._cache: dict[str, tuple[tuple[int, int], ...]] = {}
        self._split_memo: dict[tuple[str, int], object] = {}
        self._member_cache: dict[str, list[str]] = {}
        self._joined: tuple[str, list[int], list[str]] | None = None
        # known() and known_root() of the pieces tried by the splitter: the same prefixes
        # and heads recur across thousands of words.
        self._known: dict[str, bool] = {}
        self._known_roots: dict[str, bool] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], extra_words: Iterable[str] = ()) -> "Lexicon":
        """Count the words of ``texts`` (and ``extra_words`` once each)."""
        # The words as written first, then case-folded once per spelling: the same counts,
        # in the same order (of each word's first occurrence), for far fewer lower() calls.
        written: Counter[str] = Counter()
        for text in texts:
            written.update(_WORD.findall(unicodedata.normalize("NFC", text)))
        counts: Counter[str] = Counter()
        for word, count in written.items():
            counts[word.lower()] += count
        for word in extra_words:
            for m in _WORD.finditer(word.lower()):
                counts[m.group(0)] += 1
        return cls(counts)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    @property
    def roots(self) -> set[str]:
        """The derivational roots of the stems (saved with the lexicon too)."""
        return self._roots

    @property
    def stems(self) -> set[str]:
        """The stems of the lexicon's words (saved with it, so loading need not stem again)."""
        return self._stems

    def __len__(self) -> int:
        return len(self.counts)

    def known(self, piece: str) -> bool:
        """True when ``piece`` is a word of the lexicon or an inflected form of one."""
        if len(piece) < 3 or piece in STOPWORDS:
            return False
        return piece in self.counts or stem(piece) in self._stems

    def _is_known(self, piece: str) -> bool:
        """known(), remembered."""
        found = self._known.get(piece)
        if found is None:
            found = self.known(piece)
            if len(self._known) >= _PIECE_CACHE:
                self._known.clear()
            self._known[piece] = found
        return found

    def _is_known_root(self, piece: str) -> bool:
        """known_root(), remembered."""
        found = self._known_roots.get(piece)
        if found is None:
            found = self.known_root(piece)
            if len(self._known_roots) >= _PIECE_CACHE:
                self._known_roots.clear()
            self._known_roots[piece] = found
        return found

    def known_root(self, piece: str) -> bool:
        """True when ``piece`` is a bare form sharing a derivational root with the lexicon ('trauma')."""
        if len(piece) < 5:
            return False
        stemmed = stem(piece)
        # A modifier is a bare form: its stem is itself or itself less a final vowel.
        bare = stemmed == piece or (stemmed == piece[:-1] and piece[-1] in "aeiouy")
        return bare and derivation_root(stemmed) in self._roots

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
        if len(self._member_cache) < 100_000:
            self._member_cache[word] = found
        return found

    def _containing(self, stemmed: str, word: str) -> list[str]:
        """The lexicon's words (in lexicon order) that contain ``stemmed`` or begin with
        ``word``: a member is there as its stem (head or modifier) or as the word itself
        (modifier). Found with ``str.find`` in all the words joined by newlines, so a
        query word costs a scan in C, not a Python loop over the lexicon."""
        joined = self._joined
        if joined is None:
            words = list(self.counts)
            starts, position = [], 1
            for w in words:
                starts.append(position)
                position += len(w) + 1
            joined = self._joined = ("\n" + "\n".join(words) + "\n", starts, words)
        text, starts, words = joined
        found: set[int] = set()
        for piece, at_start in ((stemmed, False), ("\n" + word, True)):
            position = text.find(piece)
            while position != -1:
                found.add(bisect_right(starts, position + at_start) - 1)
                position = text.find(piece, position + 1)
        return [words[i] for i in sorted(found)]

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

    def frequency(self, piece: str) -> float:
        return (self.counts.get(piece, 0) + 1) / self._total

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
            if len(self._cache) < 500_000:
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
            found = self._best_split_at(word, depth)
            if len(memo) >= 500_000:
                memo.clear()
            memo[key] = found
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


class WordTokenizer:
    """Words (runs of letters and digits) with their offsets; 'ANM:s' gives 'ANM'."""

    def __call__(self, text: str) -> Iterator[Token]:
        pos = 0
        for match in _WORD.finditer(text):
            start = match.start()
            if match.group(0) == "s" and start > 0 and text[start - 1] == ":":
                continue
            yield Token(match.group(0), start, match.end(), pos)
            pos += 1

    def words(self, text: str) -> list[str]:
        """The text of each token, in order, without building the tokens (for indexing)."""
        if ":" not in text:
            return _WORD.findall(text)
        return [token.text for token in self(text)]


class LowercaseFilter:
    """Case-folds each token."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.norm = token.text.lower()
            yield token


class CompoundSplitFilter:
    """Attaches the members of compound words, found with a :class:`Lexicon`."""

    def __init__(self, lexicon: Lexicon | None) -> None:
        self.lexicon = lexicon

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            if self.lexicon is not None and len(token.norm) >= 6 and not token.norm.isdigit():
                token.parts = [Part(token.norm[s:e], token.start + s, token.start + e)
                               for s, e in self.lexicon.split(token.norm)]
            yield token


class SnowballStemFilter:
    """Snowball (Swedish) stems of each word and compound member."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.stem = stem(token.norm)
            for part in token.parts:
                part.stem = stem(part.text)
            yield token


class DerivationFilter:
    """Derivational roots of each stem."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.root = derivation_root(token.stem)
            for part in token.parts:
                part.root = derivation_root(part.stem)
            yield token


class DiacriticFoldFilter:
    """Diacritic-free spellings of each stem."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.fold = fold(token.stem)
            for part in token.parts:
                part.fold = fold(part.stem)
            yield token


class SwedishAnalyzer:
    """The whole pipeline; ``analyzer(text)`` returns the analysed tokens.

    Every stage after the tokenizer works on one word at a time, and all it adds depends on
    the word alone (the parts' offsets only shift with the word's), so each distinct word
    goes through the stages once and is remembered: the same words recur in thousands of
    projects and queries.
    """

    # Words remembered; the memory starts afresh when full.
    CACHE_WORDS = 100_000

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon
        self.tokenizer = WordTokenizer()
        self.filters = [
            LowercaseFilter(),
            CompoundSplitFilter(lexicon),
            SnowballStemFilter(),
            DerivationFilter(),
            DiacriticFoldFilter(),
        ]
        self._words: dict[str, Token] = {}

    def analyse_word(self, word: str) -> Token:
        """One word (as the tokenizer gives it) through every stage, at offset 0; not remembered."""
        tokens: Iterable[Token] = [Token(word, 0, len(word), 0)]
        for stage in self.filters:
            tokens = stage(tokens)
        (token,) = tokens
        return token

    def __call__(self, text: str) -> list[Token]:
        words = self._words
        tokens = list(self.tokenizer(unicodedata.normalize("NFC", text)))
        for token in tokens:
            known = words.get(token.text)
            if known is None:
                known = self.analyse_word(token.text)
                if len(words) >= self.CACHE_WORDS:
                    words.clear()
                words[token.text] = known
            token.norm, token.stem, token.root, token.fold = known.norm, known.stem, known.root, known.fold
            if known.parts:
                start = token.start
                token.parts = [Part(p.text, start + p.start, start + p.end, p.stem, p.root, p.fold)
                               for p in known.parts]
        return tokens
