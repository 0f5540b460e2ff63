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

The pipeline is assembled here; a word's stem, root and stop-word test are in
:mod:`.words`, the compound splitter in :mod:`.compounds`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Mapping, Sequence, Set
from typing import Callable, Iterable, Iterator

from ..memo import BoundedCache
from .compounds import CompoundSplitter
from .folding import fold
from .words import STOPWORDS, derivation_root, forget_words, is_stopword, stem

__all__ = [
    "is_stopword", "Part", "Token", "Lexicon", "SwedishAnalyzer", "WordTokenizer", "LowercaseFilter",
    "CompoundSplitFilter", "SnowballStemFilter", "DerivationFilter", "DiacriticFoldFilter",
    "stem", "derivation_root", "fold", "STOPWORDS", "ANALYSIS_VERSION", "compound_splits",
]

# Bump when any stage changes what it produces: indexes record it and are rebuilt.
ANALYSIS_VERSION = 3

_WORD = re.compile(r"[^\W_]+")


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


class Lexicon:
    """The words a collection is made of, used to recognise the members of compounds.

    Built from the corpus (and any extra vocabulary such as a glossary), never from a
    hand-made list of compounds.
    """

    def __init__(self, counts: dict[str, int] | None = None, stems: Iterable[str] | None = None,
                 roots: Iterable[str] | None = None) -> None:
        self.counts: Mapping[str, int] = dict(counts or {})
        if stems is None:
            # Function words make poor compound members ('inte' would give int + egration).
            stems = {stem(w) for w in self.counts if len(w) >= 3 and w not in STOPWORDS}
            stems -= {stem(w) for w in STOPWORDS}
        self._stems: Set[str] = set(stems)
        self._roots: Set[str] = set(roots) if roots is not None else {derivation_root(s) for s in self._stems
                                                                        if len(s) >= 5}
        self._total = sum(self.counts.values()) or 1
        self._compounds: CompoundSplitter | None = None
        self._by_initial: dict[str, tuple[tuple[str, int], ...]] | None = None
        self._joined_words: str | None = None

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
    def roots(self) -> Set[str]:
        """The derivational roots of the stems (saved with the lexicon too)."""
        return self._roots

    @property
    def stems(self) -> Set[str]:
        """The stems of the lexicon's words (saved with it, so loading need not stem again)."""
        return self._stems

    def joined(self) -> str:
        """Every word in lexicon order, each followed by a newline, after a first newline:
        what :meth:`CompoundSplitter.compounds_with` scans for the words containing a piece
        (made on first use, then kept)."""
        text = self._joined_words
        if text is None:
            text = self._joined_words = "\n" + "".join(word + "\n" for word in self.counts)
        return text

    def containing(self, piece: str) -> Iterator[str]:
        """The words that contain ``piece`` (which has no newline), in lexicon order, found
        as they are read: one scan of :meth:`joined` in C, no loop over the words."""
        if not piece:
            yield from self.counts
            return
        text = self.joined()
        position = text.find(piece)
        while position != -1:
            # The word around the match: from the newline before it to the one after.
            start = text.rfind("\n", 0, position) + 1
            end = text.find("\n", position)
            yield text[start:end]
            position = text.find(piece, end)

    def beginning_with(self, letter: str) -> Sequence[tuple[str, int]]:
        """The words (with their counts) whose first letter, without å/ä/ö, is ``letter``."""
        buckets = self._by_initial
        if buckets is None:
            found: dict[str, list[tuple[str, int]]] = {}
            initials: dict[str, str] = {}
            for word, count in self.counts.items():
                first = initials.get(word[0])
                if first is None:
                    first = initials[word[0]] = fold(word[0])[:1]
                found.setdefault(first, []).append((word, count))
            buckets = self._by_initial = {first: tuple(words) for first, words in found.items()}
        return buckets.get(letter, ())

    def __len__(self) -> int:
        return len(self.counts)

    def known(self, piece: str) -> bool:
        """True when ``piece`` is a word of the lexicon or an inflected form of one."""
        if len(piece) < 3 or piece in STOPWORDS:
            return False
        return piece in self.counts or stem(piece) in self._stems

    def known_root(self, piece: str) -> bool:
        """True when ``piece`` is a bare form sharing a derivational root with the lexicon ('trauma')."""
        if len(piece) < 5:
            return False
        stemmed = stem(piece)
        # A modifier is a bare form: its stem is itself or itself less a final vowel.
        bare = stemmed == piece or (stemmed == piece[:-1] and piece[-1] in "aeiouy")
        return bare and derivation_root(stemmed) in self._roots

    @property
    def compounds(self) -> CompoundSplitter:
        """The compound splitter over this lexicon's words, made on first use."""
        splitter = self._compounds
        if splitter is None:
            splitter = self._compounds = CompoundSplitter(self)
        return splitter

    def split(self, word: str) -> tuple[tuple[int, int], ...]:
        """Spans of the members of ``word`` when it is a compound, else ``()``."""
        return self.compounds.split(word)

    def compounds_with(self, word: str, limit: int = 40) -> list[str]:
        """Words of the lexicon in which ``word`` is a member that the splitter missed."""
        return self.compounds.compounds_with(word, limit)

    def frequency(self, piece: str) -> float:
        return (self.counts.get(piece, 0) + 1) / self._total

    def close(self) -> None:
        """Release what the lexicon holds open (nothing, for one held in memory)."""



class WordTokenizer:
    """Words (runs of letters and digits) with their offsets; 'ANM:s' gives 'ANM'."""

    def __call__(self, text: str) -> Iterator[Token]:
        for pos, (word, start, end) in enumerate(self.spans(text)):
            yield Token(word, start, end, pos)

    def spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        """Each word with its start and end offsets, as :meth:`__call__` gives them, without
        building the tokens."""
        for match in _WORD.finditer(text):
            start = match.start()
            word = match.group(0)
            if word == "s" and start > 0 and text[start - 1] == ":":
                continue
            yield word, start, match.end()

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


class _FormFilter:
    """A stage that derives one form of each word and of each of its compound members from a
    form the earlier stages made (a word's own form is ``token_form``, a member's ``part_form``)."""

    token_form = "norm"
    part_form = "text"
    target = ""

    def form(self, text: str) -> str:
        raise NotImplementedError

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        form, target = self.form, self.target
        for token in tokens:
            setattr(token, target, form(getattr(token, self.token_form)))
            for part in token.parts:
                setattr(part, target, form(getattr(part, self.part_form)))
            yield token


class SnowballStemFilter(_FormFilter):
    """Snowball (Swedish) stems of each word and compound member."""

    target = "stem"

    def form(self, text: str) -> str:
        return stem(text)


class DerivationFilter(_FormFilter):
    """Derivational roots of each stem."""

    token_form = part_form = "stem"
    target = "root"

    def form(self, text: str) -> str:
        return derivation_root(text)


class DiacriticFoldFilter(_FormFilter):
    """Diacritic-free spellings of each stem."""

    token_form = part_form = "stem"
    target = "fold"

    def form(self, text: str) -> str:
        return fold(text)


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
        self.filters: list[Callable[[Iterable[Token]], Iterator[Token]]] = [
            LowercaseFilter(),
            CompoundSplitFilter(lexicon),
            SnowballStemFilter(),
            DerivationFilter(),
            DiacriticFoldFilter(),
        ]
        self._words: BoundedCache[str, Token] = BoundedCache(self.CACHE_WORDS)
        self._split_words: BoundedCache[tuple[str, tuple[tuple[int, int], ...]], Token] = \
            BoundedCache(self.CACHE_WORDS)

    def analyse_word(self, word: str) -> Token:
        """One word (as the tokenizer gives it) through every stage, at offset 0; not remembered."""
        tokens: Iterable[Token] = [Token(word, 0, len(word), 0)]
        for stage in self.filters:
            tokens = stage(tokens)
        (token,) = tokens
        return token

    def _analyse_split(self, word: str, spans: tuple[tuple[int, int], ...]) -> Token:
        """One word through every stage, its compound members given as ``spans`` (what
        :func:`compound_splits` found when the index was built) instead of worked out."""
        tokens: Iterable[Token] = [Token(word, 0, len(word), 0)]
        for stage in self.filters:
            if isinstance(stage, CompoundSplitFilter):
                tokens = _given_parts(tokens, spans)
            else:
                tokens = stage(tokens)
        (token,) = tokens
        return token

    def __call__(self, text: str, splits: Mapping[str, list[list[int]]] | None = None) -> list[Token]:
        """The tokens of ``text``; with ``splits`` (a lower-case word -> its members' spans,
        for every compound of the text, as :func:`compound_splits` gives), no word is split
        here: the text's compounds are those of ``splits``."""
        tokens = []
        for pos, (word, start, end, known) in enumerate(self.analysed_words(text, splits)):
            token = Token(word, start, end, pos)
            _take_analysis(token, known)
            tokens.append(token)
        return tokens

    def analysed_words(self, text: str, splits: Mapping[str, list[list[int]]] | None = None
                       ) -> Iterator[tuple[str, int, int, Token]]:
        """Each word of ``text`` with its offsets and its analysis (``splits`` as for
        :meth:`__call__`). The analysis is the one remembered for the word, at offset 0 (its
        members' offsets are within the word): it is shared, never to be changed, and
        reading it builds nothing, which is what finding a query's words in a page of
        texts wants."""
        text = unicodedata.normalize("NFC", text)
        if splits is None:
            words = self._words
            for word, start, end in self.tokenizer.spans(text):
                known = words.get(word)
                if known is None:
                    known = words[word] = self.analyse_word(word)
                yield word, start, end, known
            return
        memory = self._split_words
        for word, start, end in self.tokenizer.spans(text):
            given = splits.get(word.lower())
            spans = tuple((s, e) for s, e in given) if given else ()
            key = (word, spans)
            known = memory.get(key)
            if known is None:
                known = memory[key] = self._analyse_split(word, spans)
            yield word, start, end, known


def _take_analysis(token: Token, known: Token) -> None:
    """Give ``token`` the forms and members of the same word analysed before (``known``), the
    members' offsets moved to where this token stands."""
    token.norm, token.stem, token.root, token.fold = known.norm, known.stem, known.root, known.fold
    if known.parts:
        start = token.start
        token.parts = [Part(p.text, start + p.start, start + p.end, p.stem, p.root, p.fold) for p in known.parts]


def _given_parts(tokens: Iterable[Token], spans: tuple[tuple[int, int], ...]) -> Iterator[Token]:
    for token in tokens:
        token.parts = [Part(token.norm[s:e], token.start + s, token.start + e) for s, e in spans]
        yield token


def compound_splits(texts: Iterable[str], lexicon: Lexicon) -> dict[str, list[list[int]]]:
    """The compounds among the words of ``texts``: each (lower-case) with the spans of its
    members, as :class:`CompoundSplitFilter` finds them. Kept with a project when the index
    is built, so that its highlights need no splitting."""
    forget_words()   # splitting stems thousands of pieces: a build calls this for every project
    found: dict[str, list[list[int]]] = {}
    seen: set[str] = set()
    words = WordTokenizer().words
    for text in texts:
        for word in words(unicodedata.normalize("NFC", text)):
            norm = word.lower()
            if norm in seen:
                continue
            seen.add(norm)
            if len(norm) >= 6 and not norm.isdigit():
                spans = lexicon.split(norm)
                if spans:
                    found[norm] = [[s, e] for s, e in spans]
    return found
