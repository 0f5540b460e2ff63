"""Answering parsed queries with Whoosh.

Each word is indexed under four forms (see :mod:`amif_search.text.analysis`), a field per form
of each text field of :mod:`amif_search.fields`, whose weights say how much a match in
each counts. A query word becomes a *clause*: the
union of its forms over those fields, weighted so that an exact or inflected match counts
most, then a compound member, then a spelling without å/ä/ö, then a derivational relative,
then a typo correction. Projects that match every clause come first (best BM25F score
first), then those that match fewer.

The query is compiled to a plan (:mod:`amif_search.index.plan`) scored a term at a time over
Whoosh's postings, not to a Whoosh query walked document by document.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np

from whoosh import index as whoosh_index

from . import internals
from ..memo import BoundedCache
from . import plan as P

from .. import fields as F
from ..text.analysis import Lexicon, SwedishAnalyzer, Token, fold, is_stopword, stem
from ..text.spelling import SpellingCorrector
from ..errors import IndexStateError
from ..glossary.expansion import SYNONYM_WEIGHT   # another label of the concept: the word itself, weaker
from ..i18n import _
from ..text.highlight import MatchForms
from ..query import And, FieldFilter, Not, Or, ParsedQuery, Phrase, Word
from .store import Identity
from .verified import VerifiedStorage
from .stopwords import is_query_stopword

__all__ = ["Engine", "EngineHit", "EngineResult", "Correction", "MatchForms"]

# How much each form of a word counts.
FORM_WEIGHTS = {"": 1.0, "_part": 0.6, "_fold": 0.5, "_root": 0.4}
MEMBERS_WEIGHT = 0.6      # a compound query word found through its members
COMPOUND_WEIGHT = 0.35    # a compound of the collection that contains the query word
MAX_COMPOUNDS = 8         # at most this many of them, the most frequent: each widens the query
CORRECTION_WEIGHT = 0.3   # a typo corrected to a word of the collection
RELATED_COVERAGE = 0.5    # a clause met only through a neighbour counts this much in the ranking
GENERIC_SHARE = 0.6       # a clause whose own words occur in this share of the projects is generic
MIN_DOCS_FOR_GENERIC = 5  # below this many projects, no clause is called generic


@dataclass(frozen=True)
class Correction:
    """A query word that matched nothing, replaced by a word of the collection."""

    original: str
    corrected: str


@dataclass(slots=True)
class EngineHit:
    id: str
    score: float
    coverage: int


@dataclass
class EngineResult:
    """The matches of a search, ranked, as arrays: a document number, score and coverage a
    match. A broad search has thousands, and the totals, facets and sorts need only their
    numbers, so a match becomes a :class:`EngineHit` (with its ID) only when it is asked for."""

    docnums: np.ndarray
    scores: np.ndarray
    coverage: np.ndarray
    total: int
    clauses: int
    corrections: list[Correction]
    forms: MatchForms
    unknown: list[str] = field(default_factory=list)   # the user's words that matched nothing
    id_column: Sequence[str] = ()   # each document's ID by its number

    def __len__(self) -> int:
        return len(self.docnums)

    def ids(self) -> list[str]:
        """The IDs of the matches, in rank order."""
        column = self.id_column
        return [column[d] for d in self.docnums.tolist()]

    def hits_at(self, positions) -> list[EngineHit]:
        """The matches at these positions of the ranking (a list or an array)."""
        at = np.asarray(positions, dtype=np.intp)
        column = self.id_column
        return [EngineHit(column[d], score, count) for d, score, count in
                zip(self.docnums[at].tolist(), self.scores[at].tolist(), self.coverage[at].tolist())]

    @property
    def hits(self) -> list[EngineHit]:
        """Every match as a hit, in rank order."""
        return self.hits_at(np.arange(len(self.docnums)))


class Engine:
    """Searches one generation's Whoosh index. Safe to share between threads."""

    def __init__(self, folder: Path, lexicon: Lexicon, files: Mapping[str, Identity],
                 document_ids: Callable[[], Sequence[str | None] | None] | None = None) -> None:
        """Open the Whoosh index in ``folder`` through its checked ``files`` alone (name →
        identity when checked): Whoosh lists and opens nothing else, now or later.
        ``document_ids`` gives each document's ID by its number as the build kept them (None
        for a deleted document), or None when it kept none: they are read from Whoosh then."""
        self._document_ids = document_ids
        self._word_plans: BoundedCache = BoundedCache(20_000)
        internals.check_whoosh()
        try:
            self._ix = whoosh_index.FileIndex(VerifiedStorage(folder, files))
        except IndexStateError:
            raise
        except Exception as exc:  # Whoosh raises many kinds on damaged files
            raise IndexStateError(_("{path}: Whoosh-indexet kan inte öppnas ({kind}); bygg om indexet").format(
                path=folder, kind=type(exc).__name__)) from None
        self.lexicon = lexicon
        self.analyzer = SwedishAnalyzer(lexicon)
        self._local = threading.local()
        # Corrections never start from, nor land on, a function word of sv, fi or en.
        self.speller = SpellingCorrector(lexicon, is_function_word=is_query_stopword)

    def _reader(self):
        """This thread's Whoosh reader. A reader, not a searcher: the plan scores the terms
        itself, and Whoosh's searching and query modules (with the English word patterns of
        ``whoosh.lang.morph_en``) are loaded only for a filter."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._ix.reader()
            self._local.reader = reader
            self._local.segments = P.Segments(reader)
        return reader

    def _evaluation(self) -> P.Evaluation:
        self._reader()
        return P.Evaluation(self._local.segments)

    def close(self) -> None:
        reader = getattr(self._local, "reader", None)
        if reader is not None:
            reader.close()
        self._ix.close()

    # -- building Whoosh queries ------------------------------------------------------

    def _analyse_word(self, text: str) -> Token | None:
        tokens = self.analyzer(text)
        if not tokens:
            return None
        if len(tokens) == 1:
            return tokens[0]
        # 'COVID-19' or 'EU-stöd' typed as one word: treat it as a phrase of its pieces.
        return None

    def _df(self, field: str, text: str) -> int:
        """Document frequency of a term, remembered by this thread's reader."""
        self._reader()
        return self._local.segments.doc_frequency(field, text)

    def _terms(self, suffix: str, text: str, weight: float, sources) -> list:
        """The terms of ``text`` in the given form over the sources, leaving out absent ones:
        a query of hundreds of clauses that cannot match costs Whoosh as much as one that can."""
        return [P.Term(source.index_name + suffix, text, boost=source.weight * weight)
                for source in sources if text and self._df(source.index_name + suffix, text)]

    def _word_query(self, token: Token, sources=None, weight: float = 1.0, derivations: bool = True):
        """One query word: the best of its forms counts (DisjunctionMax), each form summed over fields.

        A word's plan depends on nothing but the word's analysis and the index, so it is made
        once and kept (its nodes are never changed): the words of a query come back in the
        next one, and each is tens of term lookups."""
        sources = _all_text() if sources is None else sources
        key = (token.norm, token.stem, token.fold, token.root, tuple((p.stem, p.fold, p.root) for p in token.parts),
               tuple((s.index_name, s.weight) for s in sources), weight, derivations)
        plan = self._word_plans.get(key)
        if plan is None:
            plan = self._word_plans[key] = self._make_word_query(token, sources, weight, derivations)
        return plan

    def _make_word_query(self, token: Token, sources, weight: float, derivations: bool):

        def over_fields(suffix: str, text: str, form_weight: float):
            terms = self._terms(suffix, text, weight * form_weight, sources)
            return P.Sum(terms) if len(terms) > 1 else (terms[0] if terms else None)

        kinds = [over_fields("", token.stem, FORM_WEIGHTS[""]),
                 over_fields("_part", token.stem, FORM_WEIGHTS["_part"]),
                 over_fields("_fold", token.fold, FORM_WEIGHTS["_fold"])]
        if derivations:
            kinds.append(over_fields("_root", token.root, FORM_WEIGHTS["_root"]))
        if token.parts:
            members = []
            for part in token.parts:
                alternatives = [over_fields("", part.stem, MEMBERS_WEIGHT), over_fields("_part", part.stem, MEMBERS_WEIGHT),
                                over_fields("_fold", part.fold, MEMBERS_WEIGHT * FORM_WEIGHTS["_fold"])]
                if derivations:
                    alternatives.append(over_fields("_root", part.root, MEMBERS_WEIGHT * FORM_WEIGHTS["_root"]))
                alternatives = [q for q in alternatives if q is not None]
                members.append(P.Sum(alternatives) if alternatives else None)
            if members and all(m is not None for m in members):
                kinds.append(P.All(members))
        compounds = self.lexicon.compounds_with(token.norm)[:MAX_COMPOUNDS]
        if compounds:
            # These words are rare, so their terms score high: weigh them down to a member's share.
            terms = [q for word in compounds for q in [over_fields("", stem(word), COMPOUND_WEIGHT)] if q is not None]
            if terms:
                kinds.append(P.Sum(terms))
        kinds = [k for k in kinds if k is not None]
        if not kinds:
            return P.Sum([])   # a word the index lacks: it matches nothing, it is not ignored
        return P.Max(kinds) if len(kinds) > 1 else kinds[0]

    def _phrase_query(self, words, sources=None):
        sources = _all_text() if sources is None else sources
        tokens = [t for w in words for t in self.analyzer(w)]
        if not tokens:
            return None, []
        if len(tokens) == 1:
            return self._word_query(tokens[0], sources), tokens
        alternatives = []
        for source in sources:
            name, w = source.index_name, source.weight
            alternatives.append(P.Phrase(name, [t.stem for t in tokens], boost=w))
            alternatives.append(P.Phrase(name + "_fold", [t.fold for t in tokens], boost=w * FORM_WEIGHTS["_fold"]))
        return P.Sum(alternatives), tokens

    def _prefix_query(self, text: str, sources=None):
        sources = _all_text() if sources is None else sources
        norm = text.lower()
        stemmed = stem(norm)
        prefix = stemmed if len(stemmed) < len(norm) else norm
        alternatives = []
        for source in sources:
            name, w = source.index_name, source.weight
            alternatives.append(P.Prefix(name, prefix, boost=w))
            alternatives.append(P.Prefix(name + "_part", prefix, boost=w * FORM_WEIGHTS["_part"]))
            alternatives.append(P.Prefix(name + "_fold", fold(prefix), boost=w * FORM_WEIGHTS["_fold"]))
        return P.Sum(alternatives), prefix

    def _compile(self, node, forms: MatchForms, corrections: list[Correction], sources=None,
                 correct: bool = True, evaluation: P.Evaluation | None = None):
        """A plan for one node of the parsed query (None when it has no content)."""
        if evaluation is None:
            evaluation = self._evaluation()
        if isinstance(node, Word):
            if node.prefix:
                query, prefix = self._prefix_query(node.text, sources)
                forms.prefixes.add(prefix)
                return query
            token = self._analyse_word(node.text)
            if token is None:
                query, tokens = self._phrase_query(node.text.replace("-", " ").split(), sources)
                for t in tokens:
                    forms.add(t)
                return query
            query = self._word_query(token, sources)
            for word in self.lexicon.compounds_with(token.norm):
                forms.stems.add(stem(word))
            if correct and not evaluation.run(query):
                corrected = self.correct(token.norm, loose=node.glossary)
                if corrected:
                    # A glossary term's inflection the index lacks (vuxen for vuxna) is
                    # found the same way, but the user typed no typo: nothing to report.
                    if not node.glossary:
                        corrections.append(Correction(node.text, corrected))
                    fixed = self._analyse_word(corrected)
                    if fixed is not None:
                        forms.add(fixed)
                        return self._word_query(fixed, sources, weight=CORRECTION_WEIGHT)
            forms.add(token)
            return query
        if isinstance(node, Phrase):
            query, tokens = self._phrase_query(node.words, sources)
            for t in tokens:
                forms.add(t, derivations=False)
            return query
        if isinstance(node, Or):
            parts = [q for q in (self._compile(n, forms, corrections, sources, correct, evaluation)
                                 for n in node.nodes) if q is not None]
            return P.Sum(parts) if parts else None
        if isinstance(node, And):
            parts = [q for q in (self._compile(n, forms, corrections, sources, correct, evaluation)
                                 for n in node.nodes) if q is not None]
            return P.All(parts) if parts else None
        if isinstance(node, Not):
            inner = self._compile(node.node, MatchForms(), [], sources, False, evaluation)
            return P.Without(inner) if inner else None
        if isinstance(node, FieldFilter):
            return self._field_query(node, forms, corrections, evaluation)
        raise TypeError(f"unknown query node {node!r}")  # pragma: no cover

    def _field_query(self, node: FieldFilter, forms: MatchForms, corrections: list[Correction],
                     evaluation: P.Evaluation):
        from whoosh import query as Q  # noqa: PLC0415  (only a filter needs Whoosh's queries)

        field = F.field_named(node.field)
        if field.kind == F.CODE:
            if "." in node.text:
                return P.Filter(Q.Term(field.index_name, node.text))
            return P.Filter(Q.Prefix(field.index_name, node.text + "."))
        if field.kind == F.YEAR_RANGE:
            # Active during some part of [low, high]: starts by high, ends from low on.
            first, last = (F.field_named(name).index_name for name in field.spans)
            conditions = []
            if node.high is not None:
                conditions.append(Q.NumericRange(first, None, int(node.high)))
            if node.low is not None:
                conditions.append(Q.NumericRange(last, int(node.low), None))
            return P.Filter(Q.And(conditions) if conditions else Q.Every())
        if field.kind == F.YEAR:
            low = None if node.low is None else int(node.low)
            high = None if node.high is None else int(node.high)
            return P.Filter(Q.NumericRange(field.index_name, low, high))
        if field.kind == F.AMOUNT:
            low = None if node.low is None else int((Decimal(node.low) * 100).to_integral_value())
            high = None if node.high is None else int((Decimal(node.high) * 100).to_integral_value())
            return P.Filter(Q.NumericRange(field.index_name, low, high))
        if field.kind == F.ID:
            return P.Filter(Q.Term(field.index_name, node.text.lower()))
        sources = field.text_fields()
        words = node.text.split()
        if len(words) > 1 and not node.text.startswith('"'):
            # All words of the value, each in any of its forms, in that field.
            parts = [self._compile(Word(w), forms, corrections, sources, True, evaluation) for w in words
                     if not is_stopword(w)]
            parts = [p for p in parts if p is not None]
            return P.All(parts) if parts else None
        return self._compile(Word(node.text), forms, corrections, sources, True, evaluation)

    def knows(self, word: str) -> bool:
        """True when the word, inflected or typed without å/ä/ö, occurs in the index as a
        word or a compound member: the test of whether a query word is Swedish."""
        token = self._analyse_word(word)
        if token is None:
            # 'COVID-19', 't.ex.', 'www.lanu.fi': known when each of its words is.
            pieces = [t.text for t in self.analyzer(word)]
            return len(pieces) > 1 and all(self.knows(piece) for piece in pieces)
        if is_stopword(word):
            return True
        reader = self._reader()
        for source in F.text_fields():
            name = source.index_name
            if reader.doc_frequency(name, token.stem) or reader.doc_frequency(name + "_part", token.stem) \
                    or reader.doc_frequency(name + "_fold", token.fold):
                return True
        return False

    def is_near_known(self, word: str) -> bool:
        """True when a typo correction within one edit exists for ``word``."""
        corrected = self.correct(word.lower(), limit=1)
        return corrected is not None

    def correct(self, word: str, limit: int | None = None, loose: bool = False) -> str | None:
        """The closest word of the collection within 1 or 2 edits (by length), if any
        (``loose``: a glossary term's inflection, see :meth:`SpellingCorrector.correct`)."""
        return self.speller.correct(word, limit, loose)

    def search(self, parsed: ParsedQuery, extra_filters: list[FieldFilter] | None = None,
               limit: int | None = 10, offset: int = 0, expansions: dict | None = None,
               keep: frozenset[str] | set[str] = frozenset()) -> EngineResult:
        """Run a parsed query; ``expansions`` maps a clause's position to extra alternatives;
        ``keep`` holds words never to correct (known words of another language)."""
        forms = MatchForms()
        corrections: list[Correction] = []
        evaluation = self._evaluation()
        clauses = []
        # Function words of sv, fi and en are not searched, unless the query has nothing else.
        function = [isinstance(n, Word) and not n.prefix and is_query_stopword(n.text) for n in parsed.clauses]
        # (With a filter, the filter answers: 'projects that started in 2021'.)
        skip_function_words = not all(function) or bool(parsed.required or extra_filters)
        for position, node in enumerate(parsed.clauses):
            if function[position] and skip_function_words:
                continue
            extra = (expansions or {}).get(position)
            # A word of the user's that the glossary knows is no typo: its own terms carry it;
            # nor is a known word of another language.
            correct = not (extra and _typed_by_user(node)) and not (
                isinstance(node, Word) and node.text.lower() in keep)
            query = self._compile(node, forms, corrections, correct=correct, evaluation=evaluation)
            groups: dict[float, list] = {}
            for item in extra or ():
                # Alternatives by weight (a synonym, a narrower, a related concept).
                alternative, weight = item if isinstance(item, tuple) else (item, SYNONYM_WEIGHT)
                # Only the concept's own labels are highlighted, not its neighbours' terms.
                own_label = weight in (SYNONYM_WEIGHT, 1.0)
                compiled = self._compile(alternative, forms if own_label else MatchForms(), [], correct=False,
                                         evaluation=evaluation)
                if compiled is not None:
                    groups.setdefault(weight, []).append(compiled)
            # Another label of the concept is the word itself (at the synonym weight); a neighbour
            # in the thesaurus is scaled below the word (see _clause_scores).
            same = groups.pop(SYNONYM_WEIGHT, []) + groups.pop(1.0, [])
            if same:
                synonyms = P.Sum(same, boost=SYNONYM_WEIGHT)
                query = P.Max([query, synonyms]) if query is not None else synonyms
            if query is not None or groups:
                clauses.append((node, query, [(weight, P.Sum(group)) for weight, group in groups.items()]))
        required = [q for q in (self._compile(n, forms, corrections, evaluation=evaluation)
                                for n in list(parsed.required) + list(extra_filters or [])) if q is not None]
        excluded = [q for q in (self._compile(n, MatchForms(), [], correct=False, evaluation=evaluation)
                                for n in parsed.excluded) if q is not None]
        want = None if limit is None else offset + limit

        allowed = evaluation.run(P.All(required + [P.Without(q) for q in excluded])) \
            if required or excluded else None
        if not clauses:
            every = (allowed if allowed is not None else evaluation.every()).ids
            chosen = every[offset:want]
            return EngineResult(chosen, np.zeros(len(chosen)), np.zeros(len(chosen), dtype=np.int64), len(every), 0,
                                corrections, forms, id_column=self._id_column())
        unknown: list[str] = []

        # Every document matching a clause, with its summed score (added clause by clause,
        # in the query's order) and how many clauses it matches. They are ranked by how well
        # each clause is met (by its own words fully, only through a neighbouring concept in
        # part), then by score, then in index order.
        size = evaluation.segments.doc_count_all
        scores = np.zeros(size)
        coverage = np.zeros(size, dtype=np.int64)
        strength = np.zeros(size)
        specific = np.zeros(size, dtype=bool)
        # A project that only neighbours in the thesaurus lead to, and only for part of the
        # query, is a guess twice over ('trauma barn' -> a project on mental health with no
        # children): it is kept only when it meets every clause or a clause's own words.
        admitted = np.zeros(size, dtype=bool)
        # A clause whose own words occur in most of the collection (flykting, stöd) is
        # generic: in a query with a more specific clause, it cannot carry a project alone
        # (when the specific one finds nothing, nothing is found: no project is about it).
        total = self.doc_count()
        generic_share = None if len(clauses) < 2 or total < MIN_DOCS_FOR_GENERIC else GENERIC_SHARE * total
        any_generic = any_specific = False
        unmatched = 0
        for node, own, alternatives in clauses:
            scored, matched, own_docs = _clause_scores(evaluation, own, alternatives, size)
            if not matched.any() and _typed_by_user(node):
                unknown.append(_words_of(node))
            generic = generic_share is not None and int(own_docs.sum()) >= generic_share
            any_generic = any_generic or generic
            if not generic and matched.any():
                any_specific = True
            elif not generic:
                unmatched += 1
            scores += scored
            coverage += matched
            strength += np.where(own_docs, 1.0, np.where(matched, RELATED_COVERAGE, 0.0))
            admitted |= own_docs
            if not generic:
                specific |= matched
        # A word that matches nothing is the topic when it is half the query or more ('maatalouden
        # tuet'); in a longer question it is more likely an incidental word ('find', 'receiving').
        if unmatched and 2 * unmatched >= len(clauses):
            any_specific = True
        keep = (coverage > 0) & (admitted | (coverage == len(clauses)))
        if any_generic and any_specific:
            keep &= specific
        docnums = np.flatnonzero(keep)
        if allowed is not None:
            docnums = docnums[np.isin(docnums, allowed.ids, assume_unique=True)]
        order = np.lexsort((docnums, -scores[docnums], -strength[docnums]))
        chosen = docnums[order[offset:want]]
        return EngineResult(chosen, scores[chosen], coverage[chosen], len(docnums), len(clauses), corrections,
                            forms, unknown, id_column=self._id_column())

    def _id_column(self) -> Sequence[str]:
        """Each document's ID by its number, deleted ones too. The column is read through
        once per reader (a list of strings, some MB at 100 000 projects): reading a
        thousand IDs one by one costs what reading them all does."""
        every = getattr(self._local, "every_id", None)
        if every is None and self._document_ids is not None:
            every = self._local.every_id = self._document_ids()
        if every is None:
            column = self._reader().column_reader(F.field_named("id").index_name)
            every = self._local.every_id = tuple(_text(value) for value in column)
        return every

    def live_docnums(self):
        """The numbers of the live (not deleted) documents, ascending."""
        return self._evaluation().every().ids

    def all_ids(self) -> set[str]:
        """The IDs of every live (not deleted) document."""
        reader = self._reader()
        column = reader.column_reader(F.field_named("id").index_name)
        return {_text(column[d]) for d in reader.all_doc_ids()}

    def doc_count(self) -> int:
        """Live documents, from this thread's reader (the index's own count opens another)."""
        return self._reader().doc_count()


def _clause_scores(evaluation: P.Evaluation, own, alternatives: list[tuple[float, object]], size: int):
    """Scores of one clause over all ``size`` documents, the documents it matches, and those
    it matches by its own words (or an organisation's boost): the word's own match, or the
    best of its alternatives, each scaled so that its best document scores its weight times
    the word's best (a term of a related concept that a text repeats never outweighs the word
    itself); a boost (a weight above 1) adds its share to what a document has."""
    scores = np.zeros(size)
    matched = np.zeros(size, dtype=bool)
    own_matches = evaluation.run(own) if own is not None else None
    if own_matches is not None and len(own_matches):
        scores[own_matches.ids] = own_matches.scores
        matched[own_matches.ids] = True
    own_docs = matched.copy()
    found = [(weight, evaluation.run(plan)) for weight, plan in alternatives]
    found = [(weight, m) for weight, m in found if len(m)]
    if not found:
        return scores, matched, own_docs
    reference = float(own_matches.scores.max()) if own_docs.any() else max(float(m.scores.max()) for _w, m in found)
    for weight, m in found:
        top = float(m.scores.max()) or 1.0
        if weight > 1.0:
            scores[m.ids] += (weight - 1.0) * reference * m.scores / top
            own_docs[m.ids] = True   # a boost names the concept itself (an organisation as implementer)
        else:
            scores[m.ids] = np.maximum(scores[m.ids], weight * reference * m.scores / top)
        matched[m.ids] = True
    return scores, matched, own_docs


def _words_of(node) -> str:
    """The words a user typed for a clause (a word, or the words of a term of several)."""
    return node.text if isinstance(node, Word) else " ".join(_words_of(n) for n in node.nodes)


def _typed_by_user(node) -> bool:
    """True for the user's own words (not Swedish terms the glossary put in their place)."""
    if isinstance(node, Word):
        return not node.glossary
    return isinstance(node, And) and all(_typed_by_user(n) for n in node.nodes)


def _all_text() -> tuple:
    """Every text field: what a word without a field name is searched in."""
    return tuple(F.text_fields())


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
