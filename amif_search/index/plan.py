"""Query plans, scored a term at a time over Whoosh's postings, with arrays.

Whoosh scores a query by walking a tree of matchers document by document: every node of the
tree is asked, for every matching document, whether it is active, which document it is on,
and what it scores. A query word here is a tree of tens of terms (four forms in four fields,
compound members, compounds that contain it), and a common word matches half the
collection, so that walk, and later a walk over dictionaries, was nearly all of a query's
time. A plan is the same tree, evaluated the other way round: each term's postings are
decoded once into arrays (and kept, within :data:`POSTINGS_MEMORY`), scored with array
arithmetic, and the nodes combine those arrays (sum, maximum, intersection, difference).

The scores are Whoosh's BM25F (``B`` 0.75, ``K1`` 1.2, Whoosh's idf and average field
lengths, the document's field length from the lengths column), computed with the same
floating-point operations in the same order as the dictionaries before them, so scores,
totals and rankings are the same to the last bit. Phrases are matched from the words'
positions, decoded once per term and kept like the postings.

Reading the postings uses private attributes of Whoosh 2.7.4's W3 codec (pinned exactly):
:mod:`amif_search.index.internals` checks them when an index is opened and says so clearly
when the installed Whoosh differs.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import islice
from math import log

import numpy as np
from whoosh.util.numeric import byte_to_length

from ..memo import BoundedCache
from . import internals

__all__ = ["Term", "Prefix", "Phrase", "Sum", "Max", "All", "Without", "Filter", "Segments", "Evaluation",
           "Matches", "MAX_PREFIX_TERMS"]

# The most terms one prefix (per field and segment) expands to; the rest are not searched.
MAX_PREFIX_TERMS = 512

B = 0.75
K1 = 1.2


class Node:
    """A node of a query plan."""


@dataclass(eq=False)
class Term(Node):
    """A term of a field; its documents score BM25F × ``boost``."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(eq=False)
class Prefix(Node):
    """Every term of a field beginning with ``prefix``; a match scores ``boost``, however many
    of the terms it has (a prefix says nothing about which of its words matter more)."""

    field: str
    prefix: str
    boost: float = 1.0


@dataclass(eq=False)
class Sum(Node):
    """Documents matching any child; the children's scores added, times ``boost``."""

    children: list
    boost: float = 1.0


@dataclass(eq=False)
class Max(Node):
    """Documents matching any child; the best child's score."""

    children: list


@dataclass(eq=False)
class All(Node):
    """Documents matching every child (a :class:`Without` child excludes); scores added."""

    children: list


@dataclass(eq=False)
class Without(Node):
    """Every document not matching ``child`` (score 0); inside :class:`All`, an exclusion."""

    child: Node


@dataclass(eq=False)
class Phrase(Node):
    """The words of a field at consecutive positions; a match scores as Whoosh scores a
    phrase: the sum of its words' BM25F, times ``boost``."""

    field: str
    words: list
    boost: float = 1.0


@dataclass(eq=False)
class Filter(Node):
    """A Whoosh query whose documents match with score 0 (objective, years, support)."""

    query: object


# Decoded postings and positions kept per reader, in bytes (a posting takes 8: its
# document number and its frequency; a position 4). A 100 000-project index has about
# 54 M postings; a query mix reads a few million distinct ones again and again.
POSTINGS_MEMORY = 256 * 1024 * 1024
# Terms scored from those postings, kept apart (16 bytes a match: a scored term is cheap to
# make again from its postings, and must never push out postings, which are dear to read).
# A pass of the benchmark's query mix over 100 000 projects scores about 400 MB of them: at
# 128 MB it scored 35 505 terms again in a warm pass, at 256 MB 15 694 (19.1 -> 17.7 s).
SCORED_MEMORY = 256 * 1024 * 1024


class _Memory:
    """Values kept up to a number of bytes, the least recently used dropped first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._values: OrderedDict = OrderedDict()

    def recall(self, key):
        found = self._values.get(key)
        if found is None:
            return None
        self._values.move_to_end(key)
        return found[0]

    def remember(self, key, value, size: int) -> None:
        if size > self.limit // 4:
            return
        self._values[key] = (value, size)
        self.used += size
        while self.used > self.limit:
            _key, (_value, dropped) = self._values.popitem(last=False)
            self.used -= dropped

    def sizes(self) -> list[int]:
        return [size for _value, size in self._values.values()]


class Matches:
    """The documents a node matches, ascending, and their scores beside them."""

    __slots__ = ("ids", "scores")

    def __init__(self, ids: np.ndarray, scores: np.ndarray) -> None:
        self.ids = ids
        self.scores = scores

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return len(self.ids) > 0

    def as_dict(self) -> dict[int, float]:
        """``{docnum: score}`` (for tests and small results)."""
        return dict(zip(self.ids.tolist(), self.scores.tolist()))

    def keys(self) -> set[int]:
        return set(self.ids.tolist())


_NO_IDS = np.zeros(0, dtype=np.int64)
EMPTY = Matches(_NO_IDS, np.zeros(0, dtype=np.float64))


class Segments:
    """What one Whoosh reader needs remembered to score terms: each segment's field
    lengths as a table of BM25 length norms, its live documents, and the postings and
    positions most recently decoded (Whoosh unpickles every block of a term; frequent terms
    recur across queries). One per reader (per thread); an index generation never
    changes, so nothing goes stale."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.leaves = [(leaf, base) for leaf, base in reader.leaf_readers()]
        self.doc_count_all = reader.doc_count_all()
        self._norms: dict[str, tuple] = {}
        self._live = [_live_docs(reader) for reader, _base in self.leaves]
        self._every: Matches | None = None
        self._postings = _Memory(POSTINGS_MEMORY)
        self._scored = _Memory(SCORED_MEMORY)
        self._df: BoundedCache = BoundedCache(200_000)

    def postings(self, leaf: int, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, term frequencies) of a term in segment ``leaf``, deleted ones included."""
        key = (leaf, fieldname, text)
        found = self._postings.recall(key)
        if found is None:
            found = _leaf_postings(self.leaves[leaf][0], fieldname, text, self._leaf_frequency(leaf, fieldname, text))
            self._postings.remember(key, found, found[0].nbytes + found[1].nbytes)
        return found

    def positions(self, leaf: int, fieldname: str, text) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(docnums, offsets, positions) of a term in segment ``leaf``: the positions in
        document ``docnums[i]`` are ``positions[offsets[i]:offsets[i + 1]]``."""
        key = (leaf, fieldname, text, "positions")
        found = self._postings.recall(key)
        if found is None:
            found = _leaf_positions(self.leaves[leaf][0], fieldname, text,
                                    self._leaf_frequency(leaf, fieldname, text))
            self._postings.remember(key, found, sum(a.nbytes for a in found))
        return found

    def scored(self, key: tuple[str, str, float], score) -> Matches:
        """A term's matches, scored (``key``: field, text and boost), remembered (within
        :data:`SCORED_MEMORY`) like the postings they are scored from: a query's words recur
        in the next query, and a word's forms, members and thesaurus neighbours make each
        query read hundreds of terms. They are shared, so their arrays are read-only.
        ``score(*key)`` scores one not remembered."""
        found = self._scored.recall(key)
        if found is None:
            found = score(*key)
            if len(found):
                found.ids.flags.writeable = False
                found.scores.flags.writeable = False
            self._scored.remember(key, found, found.ids.nbytes + found.scores.nbytes + 64)
        return found

    def live(self, leaf: int) -> np.ndarray | None:
        """A segment's live documents as a mask by document number, or None when it has no
        deleted ones (an updated index keeps them until segments merge)."""
        return self._live[leaf]

    def every(self) -> Matches:
        """Every live document, score 0."""
        if self._every is None:
            parts = []
            for (reader, base), live in zip(self.leaves, self._live):
                ids = np.arange(reader.doc_count_all(), dtype=np.int64)
                parts.append((ids if live is None else ids[live]) + base)
            ids = np.concatenate(parts) if parts else _NO_IDS
            self._every = Matches(ids, np.zeros(len(ids)))
        return self._every

    def norms(self, fieldname: str) -> tuple:
        """The norm of each length byte value, ``K1 * (1 - B + B * length / average
        length)``, and per segment the field's length byte of every document."""
        cached = self._norms.get(fieldname)
        if cached is None:
            avgfl = self.average_length(fieldname) or 1
            table = np.array([K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)])
            lengths = [_length_bytes(reader, fieldname) for reader, _base in self.leaves]
            cached = (table, lengths)
            self._norms[fieldname] = cached
        return cached

    def average_length(self, fieldname: str) -> float | None:
        """A field's average length over all documents, deleted ones included, as Whoosh's
        searcher gives it (None for a field that is not scored)."""
        if not self.reader.schema[fieldname].scorable:
            return None
        return self.reader.field_length(fieldname) / (self.doc_count_all or 1)

    def _leaf_frequencies(self, fieldname: str, text) -> tuple[int, ...]:
        """A term's document frequency in each segment, remembered: each lookup is a search
        of a segment's term table, made once for the total and the postings alike."""
        key = (fieldname, text)
        found = self._df.get(key)
        if found is None:
            found = self._df[key] = tuple(reader.doc_frequency(fieldname, text) for reader, _base in self.leaves)
        return found

    def _leaf_frequency(self, leaf: int, fieldname: str, text) -> int:
        return self._leaf_frequencies(fieldname, text)[leaf]

    def doc_frequency(self, fieldname: str, text) -> int:
        """A term's document frequency over all segments (deleted documents included, as
        Whoosh counts it), remembered."""
        return sum(self._leaf_frequencies(fieldname, text))

    def idf(self, fieldname: str, text: str) -> float:
        # Whoosh's: log(N / (df + 1)) + 1 over all documents, deleted ones included.
        return log(self.doc_count_all / (self.doc_frequency(fieldname, text) + 1)) + 1


def _live_docs(reader) -> np.ndarray | None:
    if not reader.has_deletions():
        return None
    live = np.ones(reader.doc_count_all(), dtype=bool)
    deleted = [d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]
    live[np.array(deleted, dtype=np.int64)] = False
    return live


def _length_bytes(reader, fieldname: str) -> np.ndarray:
    """The field's length byte of every document of a segment (0 where it has none)."""
    raw = internals.length_bytes(reader, fieldname, reader.doc_count_all())
    return np.frombuffer(raw, dtype=np.uint8)


def _leaf_postings(reader, fieldname: str, text, frequency: int) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, term frequencies) of a term in one segment (``frequency``: its document
    frequency there), deleted ones included."""
    if not frequency:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    ids, weights = internals.read_postings(reader.postings(fieldname, text))
    return ids, weights


def _leaf_positions(reader, fieldname: str, text, frequency: int):
    if not frequency:
        return np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    return internals.read_positions(reader.postings(fieldname, text), reader.schema[fieldname].format)


def unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (``np.unique`` imports numpy's masked arrays, a tenth
    of a one-query process's imports)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _union(parts: list[Matches]):
    """The documents of ``parts`` and, per part in turn, where its documents sit among them:
    (ids, [positions of part 0, part 1, ...])."""
    ids = unique(np.concatenate([p.ids for p in parts]))
    return ids, [np.searchsorted(ids, p.ids) for p in parts]


@dataclass
class Evaluation:
    """Evaluates the nodes of one search; a term read twice in a search is read once."""

    segments: Segments
    _terms: dict = field(default_factory=dict)
    _nodes: dict = field(default_factory=dict)

    def run(self, node: Node | None) -> Matches:
        if node is None:
            return EMPTY
        key = id(node)
        cached = self._nodes.get(key)
        if cached is not None:
            return cached[1]
        scores = self._run(node)
        self._nodes[key] = (node, scores)   # the node is kept so its id is not reused
        return scores

    def _run(self, node: Node) -> Matches:
        if isinstance(node, Term):
            return self.term(node.field, node.text, node.boost)
        if isinstance(node, Sum):
            return _sum([self.run(c) for c in node.children], node.boost, self.segments.doc_count_all)
        if isinstance(node, Max):
            return _max([self.run(c) for c in node.children], self.segments.doc_count_all)
        if isinstance(node, All):
            return self._all_of(node.children)
        if isinstance(node, Without):
            return _without(self.every(), self.run(node.child))
        if isinstance(node, Prefix):
            return self.prefix(node.field, node.prefix, node.boost)
        if isinstance(node, Phrase):
            return self.phrase(node.field, node.words, node.boost)
        if isinstance(node, Filter):
            ids = self.filtered(node.query)
            return Matches(ids, np.zeros(len(ids)))
        raise TypeError(f"unknown plan node {node!r}")  # pragma: no cover

    def _all_of(self, children: list) -> Matches:
        positive = [self.run(c) for c in children if not isinstance(c, Without)]
        negative = [self.run(c.child) for c in children if isinstance(c, Without)]
        if not positive:
            positive = [self.every()]
        positive.sort(key=len)
        result = positive[0]
        for other in positive[1:]:
            result = _intersect(result, other)
            if not result:
                return result
        for excluded in negative:
            result = _without(result, excluded)
        return result

    def every(self) -> Matches:
        return self.segments.every()

    def term(self, fieldname: str, text: str, boost: float = 1.0) -> Matches:
        key = (fieldname, text, boost)
        scores = self._terms.get(key)
        if scores is None:
            scores = self._terms[key] = self.segments.scored(key, self._score_term)
        return scores

    def _score_term(self, fieldname: str, text: str, boost: float) -> Matches:
        segments = self.segments
        scores = EMPTY
        if segments.doc_frequency(fieldname, text):
            factor = segments.idf(fieldname, text) * (K1 + 1) * boost
            table, lengths = segments.norms(fieldname)
            ids_parts, score_parts = [], []
            for leaf, (_reader, base) in enumerate(segments.leaves):
                ids, weights = segments.postings(leaf, fieldname, text)
                if not len(ids):
                    continue
                live = segments.live(leaf)
                if live is not None:
                    keep = live[ids]
                    ids, weights = ids[keep], weights[keep]
                tf = weights.astype(np.float64)
                # score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avglength)),
                # as (factor * tf) / (tf + norm): the operations, and so the bits, of before.
                ids_parts.append(ids.astype(np.int64) + base)
                score_parts.append(factor * tf / (tf + table[lengths[leaf][ids]]))
            if ids_parts:
                scores = Matches(_joined(ids_parts), _joined(score_parts))
        return scores

    def prefix(self, fieldname: str, prefix: str, boost: float) -> Matches:
        # Bounded: a short prefix of a large collection could otherwise read thousands of lists.
        ids = self._live_union(lambda reader: ((fieldname, text) for text in
                                               islice(reader.expand_prefix(fieldname, prefix), MAX_PREFIX_TERMS)))
        return Matches(ids, np.full(len(ids), float(boost)))

    def _live_union(self, terms_of) -> np.ndarray:
        """The live documents (ascending) of every segment that have any of the (field, text)
        terms ``terms_of(reader)`` gives for that segment's reader."""
        found = []
        for leaf, (reader, base) in enumerate(self.segments.leaves):
            parts = [self.segments.postings(leaf, fieldname, text)[0] for fieldname, text in terms_of(reader)]
            if not parts:
                continue
            ids = unique(np.concatenate(parts))
            live = self.segments.live(leaf)
            if live is not None:
                ids = ids[live[ids]]
            found.append(ids.astype(np.int64) + base)
        return _joined(found) if found else _NO_IDS

    def filtered(self, query, simplified: bool = False) -> np.ndarray:
        """The documents (ascending) of an unscored Whoosh query (objective, years,
        support), read from the postings of the terms it expands to: Whoosh's own matchers
        for numeric ranges were most of the time of a query with a year filter."""
        from whoosh import query as Q  # noqa: PLC0415

        reader = self.segments.reader
        if not simplified:
            # Once: simplifying a range again would turn its byte terms into numbers.
            query = query.simplify(reader)
        if isinstance(query, Q.And):
            parts = sorted((self.filtered(q, True) for q in query.subqueries), key=len)
            if not parts:
                return self.every().ids
            result = parts[0]
            for other in parts[1:]:
                result = result[np.isin(result, other, assume_unique=True)]
            return result
        if isinstance(query, Q.Or):
            parts = [self.filtered(q, True) for q in query.subqueries]
            return unique(np.concatenate(parts)) if parts else _NO_IDS
        if isinstance(query, Q.WrappingQuery):
            return self.filtered(query.child, True)
        if isinstance(query, Q.Every):
            return self.every().ids
        if isinstance(query, (Q.Term, Q.MultiTerm)):
            terms = query.existing_terms(reader, expand=True)
            return self._live_union(lambda _reader: terms)
        from whoosh.searching import Searcher  # noqa: PLC0415

        return np.array(sorted(Searcher(reader, closereader=False).docs_for_query(query)), dtype=np.int64)

    def phrase(self, fieldname: str, words: list, boost: float) -> Matches:
        parts = [self.term(fieldname, word, boost) for word in words]
        if not parts or not all(parts):
            return EMPTY
        ordered = sorted(parts, key=len)
        # A candidate scores s + (o1 + o2 + ...): the first part's score plus the sum of the others'.
        ids = ordered[0].ids
        for other in ordered[1:]:
            ids = ids[np.isin(ids, other.ids, assume_unique=True)]
        if not len(ids) or len(words) == 1:
            return Matches(ids, _sum_of(ordered, ids))
        segments = self.segments
        found = []
        for leaf, (reader, base) in enumerate(segments.leaves):
            local = ids[(ids >= base) & (ids < base + reader.doc_count_all())] - base
            if not len(local):
                continue
            # Each document's (document, position - i) for word i: a phrase is a pair all words share.
            starts = None
            for i, word in enumerate(words):
                docs, offsets, positions = segments.positions(leaf, fieldname, word)
                rows = np.flatnonzero(np.isin(docs, local, assume_unique=True))
                pairs = _pairs(docs, offsets, positions, rows, i)
                starts = pairs if starts is None else np.intersect1d(starts, pairs, assume_unique=True)
                if not len(starts):
                    break
                local = unique(starts >> 32)
            if starts is not None and len(starts):
                found.append(unique(starts >> 32) + base)
        matched = _joined(found) if found else _NO_IDS
        return Matches(matched, _sum_of(ordered, matched))


def _pairs(docs: np.ndarray, offsets: np.ndarray, positions: np.ndarray, rows: np.ndarray, shift: int) -> np.ndarray:
    """``document << 32 | (position - shift)`` for every position of the documents at
    ``rows``, ascending and unique."""
    if not len(rows):
        return _NO_IDS
    starts, ends = offsets[rows], offsets[rows + 1]
    counts = ends - starts
    index = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    doc = np.repeat(docs[rows].astype(np.int64), counts)
    pos = positions[index].astype(np.int64) - shift
    keep = pos >= 0
    return unique((doc[keep] << 32) | pos[keep])


def _sum_of(ordered: list[Matches], ids: np.ndarray) -> np.ndarray:
    """A phrase's score for documents ``ids`` (in every part): first + (second + third ...)."""
    if not len(ids):
        return np.zeros(0)
    first = ordered[0].scores[np.searchsorted(ordered[0].ids, ids)]
    if len(ordered) == 1:
        return first
    rest = None
    for other in ordered[1:]:
        scores = other.scores[np.searchsorted(other.ids, ids)]
        rest = scores if rest is None else rest + scores
    return first + rest


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _intersect(a: Matches, b: Matches) -> Matches:
    """Documents in both, scored a + b."""
    ids, in_a, in_b = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    return Matches(ids, a.scores[in_a] + b.scores[in_b])


def _without(a: Matches, excluded: Matches) -> Matches:
    if not excluded or not a:
        return a
    keep = ~np.isin(a.ids, excluded.ids, assume_unique=True)
    return Matches(a.ids[keep], a.scores[keep])


def _by_size(parts: list[Matches]) -> list[Matches]:
    """The non-empty parts, largest first (equal sizes in their order): the order in which
    their scores are added, so that sums come out the same to the last bit."""
    return sorted((p for p in parts if p), key=len, reverse=True)


def _sparse(parts: list[Matches], size: int) -> bool:
    """Whether to combine ``parts`` by merging their sorted documents, rather than in arrays
    with a slot for every document of the collection: for few documents, merging is cheaper."""
    return sum(len(p) for p in parts) * 16 < size


def _sum(parts: list[Matches], boost: float = 1.0, size: int = 0) -> Matches:
    parts = _by_size(parts)
    if not parts:
        return EMPTY
    if len(parts) == 1:
        result = parts[0]
    elif _sparse(parts, size):
        ids, where = _union(parts)
        # Added part by part, each document's scores in the parts' order; a document's first
        # score is added to 0.0, which leaves it as it is.
        totals = np.zeros(len(ids))
        for part, at in zip(parts, where):
            totals[at] += part.scores
        result = Matches(ids, totals)
    else:
        totals = np.zeros(size)   # the same additions, in the same order, a slot a document
        present = np.zeros(size, dtype=bool)
        for part in parts:
            totals[part.ids] += part.scores
            present[part.ids] = True
        ids = np.flatnonzero(present)
        result = Matches(ids, totals[ids])
    if boost != 1.0:
        result = Matches(result.ids, result.scores * boost)
    return result


def _max(parts: list[Matches], size: int = 0) -> Matches:
    parts = _by_size(parts)
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    if _sparse(parts, size):
        ids, where = _union(parts)
        best = np.full(len(ids), -1.0)   # every score is 0 or more
        for part, at in zip(parts, where):
            best[at] = np.maximum(best[at], part.scores)
        return Matches(ids, best)
    best = np.full(size, -1.0)
    for part in parts:
        best[part.ids] = np.maximum(best[part.ids], part.scores)
    ids = np.flatnonzero(best >= 0)
    return Matches(ids, best[ids])
