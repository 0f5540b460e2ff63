"""Query plans, scored a term at a time over Whoosh's postings.

Whoosh scores a query by walking a tree of matchers document by document: every node of the
tree is asked, for every matching document, whether it is active, which document it is on,
and what it scores. A query word here is a tree of tens of terms (four forms in four fields,
compound members, compounds that contain it), so at 10 000 projects that walk was nearly all
of the query time. A plan is the same tree, evaluated the other way round: each term's
postings are read block by block into ``{docnum: score}`` and the nodes combine those
dictionaries (sum, maximum, intersection, difference), which keeps the per-document work in
Python's dict operations.

The scores are Whoosh's BM25F (``B`` 0.75, ``K1`` 1.2, Whoosh's idf and average field
lengths, the document's field length from the lengths column), so the ranking is the one
Whoosh would give the same query. Phrases are still matched and scored by Whoosh, which has
the positions.

Reading the postings uses attributes of Whoosh 2.7.4's W3 codec (pinned): the block decoding
in :func:`_leaf_postings` falls back to Whoosh's public matcher interface for anything else.
"""

from __future__ import annotations


from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import accumulate, islice
from math import log

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length, length_to_byte as _to_byte

from ..memo import BoundedCache

__all__ = ["Term", "Prefix", "Phrase", "Sum", "Max", "All", "Without", "Filter", "Segments", "Evaluation",
           "MAX_PREFIX_TERMS"]

# The most terms one prefix (per field and segment) expands to; the rest are not searched.
MAX_PREFIX_TERMS = 512

B = 0.75
K1 = 1.2

Scores = dict  # docnum -> score


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


# Decoded postings kept per searcher, counted in postings (8 bytes each, in arrays).
POSTINGS_CACHE = 4_000_000


class Segments:
    """What one Whoosh searcher needs remembered to score terms: each segment's field
    lengths as a table of BM25 length norms, its deleted documents, and the postings most
    recently decoded (Whoosh unpickles and inflates every block of a term; frequent terms
    recur across queries). One per searcher (per thread); an index generation never
    changes, so nothing goes stale."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.leaves = [(reader, base) for reader, base in searcher.reader().leaf_readers()]
        self.doc_count_all = searcher.doc_count_all()
        self._norms: dict[str, tuple] = {}
        self._deleted = [_deleted_docs(reader) for reader, _base in self.leaves]
        self._postings: OrderedDict = OrderedDict()
        self._df: BoundedCache = BoundedCache(200_000)
        self._cached_postings = 0

    def postings(self, leaf: int, fieldname: str, text) -> tuple:
        """(docnums, term frequencies) of a term in segment ``leaf``, deleted ones included."""
        key = (leaf, fieldname, text)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = _leaf_postings(self.leaves[leaf][0], fieldname, text)
        size = len(found[0])
        if size <= POSTINGS_CACHE // 8:
            self._postings[key] = found
            self._cached_postings += size
            while self._cached_postings > POSTINGS_CACHE:
                _key, (ids, _weights) = self._postings.popitem(last=False)
                self._cached_postings -= len(ids)
        return found

    def norms(self, fieldname: str) -> tuple:
        """Per segment, the document length bytes of the field and the norm of each byte
        value: ``K1 * (1 - B + B * length / average length)``."""
        cached = self._norms.get(fieldname)
        if cached is None:
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            table = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(256)]
            lengths = [_length_bytes(reader, fieldname) for reader, _base in self.leaves]
            cached = (table, lengths)
            self._norms[fieldname] = cached
        return cached

    def doc_frequency(self, fieldname: str, text) -> int:
        """A term's document frequency over all segments, remembered: each lookup is a
        search of every segment's term table."""
        key = (fieldname, text)
        df = self._df.get(key)
        if df is None:
            df = self._df[key] = self.searcher.doc_frequency(fieldname, text)
        return df

    def idf(self, fieldname: str, text: str) -> float:
        # Whoosh's: log(N / (df + 1)) + 1 over all documents, deleted ones included.
        return log(self.doc_count_all / (self.doc_frequency(fieldname, text) + 1)) + 1


def _deleted_docs(reader) -> frozenset | None:
    """A segment's deleted documents (an updated index keeps them until segments merge)."""
    if not reader.has_deletions():
        return None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None:
        return frozenset(perdoc.deleted_docs())
    return frozenset(d for d in range(reader.doc_count_all()) if reader.is_deleted(d))


def _length_bytes(reader, fieldname: str) -> bytes:
    """The field's length byte of every document of a segment (0 where it has none)."""
    doccount = reader.doc_count_all()
    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
    if column is None:
        return bytes(reader.doc_field_length(d, fieldname) and _to_byte(reader.doc_field_length(d, fieldname))
                     for d in range(doccount))
    count = min(column._count, doccount)
    raw = column._dbfile.get(column._basepos, count) if count else b""
    return bytes(raw) + bytes(doccount - count)


def _leaf_postings(reader, fieldname: str, text):
    """(docnums, term frequencies) of a term in one segment, deleted ones included."""
    ids = array("l")
    weights = array("f")
    if not reader.doc_frequency(fieldname, text):
        return ids, weights
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        matcher = matcher.child   # the caller drops deleted documents
    if type(matcher) is W3LeafMatcher:
        # Block by block, as Whoosh stores them: (delta-coded ids, weights, values).
        byteids = matcher._byteids
        while matcher.is_active():
            matcher._read_data()
            block_ids, block_weights = matcher._data[0], matcher._data[1]
            ids.extend(block_ids if byteids else accumulate(block_ids))
            if block_weights is None:
                weights.extend([1.0] * matcher._blocklength)
            elif isinstance(block_weights, float):
                weights.extend([block_weights] * matcher._blocklength)
            else:
                weights.extend(block_weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return ids, weights


@dataclass
class Evaluation:
    """Evaluates the nodes of one search; a term read twice in a search is read once."""

    segments: Segments
    _terms: dict = field(default_factory=dict)
    _nodes: dict = field(default_factory=dict)
    _all: dict | None = None

    def run(self, node: Node | None) -> Scores:
        if node is None:
            return {}
        key = id(node)
        cached = self._nodes.get(key)
        if cached is not None:
            return cached[1]
        scores = self._run(node)
        self._nodes[key] = (node, scores)   # the node is kept so its id is not reused
        return scores

    def _run(self, node: Node) -> Scores:
        if isinstance(node, Term):
            return self.term(node.field, node.text, node.boost)
        if isinstance(node, Sum):
            return _sum([self.run(c) for c in node.children], node.boost)
        if isinstance(node, Max):
            return _max([self.run(c) for c in node.children])
        if isinstance(node, All):
            return self._all_of(node.children)
        if isinstance(node, Without):
            excluded = self.run(node.child)
            return {d: 0.0 for d in self.every() if d not in excluded}
        if isinstance(node, Prefix):
            return self.prefix(node.field, node.prefix, node.boost)
        if isinstance(node, Phrase):
            return self.phrase(node.field, node.words, node.boost)
        if isinstance(node, Filter):
            return dict.fromkeys(self.filtered(node.query), 0.0)
        raise TypeError(f"unknown plan node {node!r}")  # pragma: no cover

    def _all_of(self, children: list) -> Scores:
        positive = [self.run(c) for c in children if not isinstance(c, Without)]
        negative = [self.run(c.child) for c in children if isinstance(c, Without)]
        if not positive:
            positive = [self.every()]
        positive.sort(key=len)
        result = dict(positive[0])
        for other in positive[1:]:
            result = {d: s + other[d] for d, s in result.items() if d in other}
            if not result:
                return result
        for excluded in negative:
            result = {d: s for d, s in result.items() if d not in excluded}
        return result

    def every(self) -> Scores:
        if self._all is None:
            self._all = dict.fromkeys(self.segments.searcher.reader().all_doc_ids(), 0.0)
        return self._all

    def term(self, fieldname: str, text: str, boost: float = 1.0) -> Scores:
        key = (fieldname, text, boost)
        scores = self._terms.get(key)
        if scores is not None:
            return scores
        segments = self.segments
        scores = {}
        if segments.doc_frequency(fieldname, text):
            factor = segments.idf(fieldname, text) * (K1 + 1) * boost
            table, lengths = segments.norms(fieldname)
            for leaf, ((_reader, base), lens, deleted) in enumerate(zip(segments.leaves, lengths,
                                                                        segments._deleted)):
                ids, weights = segments.postings(leaf, fieldname, text)
                if not ids:
                    continue
                # score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avglength))
                part = {d + base: factor * tf / (tf + table[lens[d]]) for d, tf in zip(ids, weights)}
                if deleted:
                    for d in deleted:
                        part.pop(d + base, None)
                scores.update(part)
        self._terms[key] = scores
        return scores

    def prefix(self, fieldname: str, prefix: str, boost: float) -> Scores:
        scores: Scores = {}
        for leaf, ((reader, base), deleted) in enumerate(zip(self.segments.leaves, self.segments._deleted)):
            # Bounded: a short prefix of a large collection could otherwise read thousands of lists.
            for text in islice(reader.expand_prefix(fieldname, prefix), MAX_PREFIX_TERMS):
                ids, _weights = self.segments.postings(leaf, fieldname, text)
                for d in ids:
                    if not deleted or d not in deleted:
                        scores[d + base] = boost
        return scores

    def filtered(self, query, simplified: bool = False) -> set[int]:
        """The documents of an unscored Whoosh query (objective, years, support), read from
        the postings of the terms it expands to: Whoosh's own matchers for numeric ranges
        were most of the time of a query with a year filter."""
        from whoosh import query as Q  # noqa: PLC0415

        searcher = self.segments.searcher
        if not simplified:
            # Once: simplifying a range again would turn its byte terms into numbers.
            query = query.simplify(searcher.reader())
        if isinstance(query, Q.And):
            parts = sorted((self.filtered(q, True) for q in query.subqueries), key=len)
            return set.intersection(*parts) if parts else set(self.every())
        if isinstance(query, Q.Or):
            return set().union(*(self.filtered(q, True) for q in query.subqueries))
        if isinstance(query, Q.WrappingQuery):
            return self.filtered(query.child, True)
        if isinstance(query, Q.Every):
            return set(self.every())
        if isinstance(query, (Q.Term, Q.MultiTerm)):
            docs: set[int] = set()
            terms = query.existing_terms(searcher.reader(), expand=True)
            for leaf, ((_reader, base), deleted) in enumerate(zip(self.segments.leaves, self.segments._deleted)):
                for fieldname, text in terms:
                    ids, _weights = self.segments.postings(leaf, fieldname, text)
                    docs.update(d + base for d in ids if not deleted or d not in deleted)
            return docs
        return set(searcher.docs_for_query(query))

    def phrase(self, fieldname: str, words: list, boost: float) -> Scores:
        parts = [self.term(fieldname, word, boost) for word in words]
        if not parts or not all(parts):
            return {}
        ordered = sorted(parts, key=len)
        rest = ordered[1:]
        candidates = {d: s + sum(other[d] for other in rest) for d, s in ordered[0].items()
                      if all(d in other for other in rest)}
        if not candidates or len(words) == 1:
            return candidates
        segments = self.segments
        found: Scores = {}
        for leaf, (reader, base) in enumerate(segments.leaves):
            wanted = {d - base for d in candidates if base <= d < base + reader.doc_count_all()}
            if not wanted:
                continue
            fmt = reader.schema[fieldname].format
            # Positions of each word in the documents still in the running.
            positions = []
            for word in words:
                positions.append(_positions(reader, fieldname, word, wanted, fmt))
                wanted &= positions[-1].keys()
                if not wanted:
                    break
            for d in wanted:
                first = positions[0][d]
                later = [set(p[d]) for p in positions[1:]]
                if any(all(start + i in later[i - 1] for i in range(1, len(words))) for start in first):
                    found[d + base] = candidates[d + base]
        return found


def _positions(reader, fieldname: str, text, wanted: set, fmt) -> dict:
    """The positions of a term in the ``wanted`` documents of a segment."""
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        matcher = matcher.child
    found = {}
    if type(matcher) is W3LeafMatcher:
        byteids = matcher._byteids
        while matcher.is_active():
            if matcher._maxid >= min(wanted):
                matcher._read_data()
                block_ids, values = matcher._data[0], matcher._data[2]
                for d, value in zip(block_ids if byteids else accumulate(block_ids), values):
                    if d in wanted:
                        found[d] = fmt.decode_positions(value)
            matcher._next_block()
    else:
        while matcher.is_active():
            if matcher.id() in wanted:
                found[matcher.id()] = matcher.value_as("positions")
            matcher.next()
    return found


def _sum(parts: list[Scores], boost: float = 1.0) -> Scores:
    parts = [p for p in parts if p]
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    result = dict(parts[0])
    get = result.get
    for part in parts[1:]:
        for d, s in part.items():
            result[d] = get(d, 0.0) + s
    if boost != 1.0:
        result = {d: s * boost for d, s in result.items()}
    return result


def _max(parts: list[Scores]) -> Scores:
    parts = [p for p in parts if p]
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    result = dict(parts[0])
    get = result.get
    for part in parts[1:]:
        for d, s in part.items():
            if s > get(d, -1.0):
                result[d] = s
    return result
