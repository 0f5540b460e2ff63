"""Query plans give the documents and scores Whoosh's own matchers give, faster.

Whoosh is the referee here, on one segment and on an index updated in place (several
segments, deleted documents), except for its DisjunctionMax, which scores a document with
a sub-matcher sitting on another one (checked below).
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as Q

from amif_search.collection import build_index, open_collection, update_index
from amif_search.index import plan as P
from amif_search.fields import text_fields

TEXT_SOURCES = tuple(f.index_name for f in text_fields())


def _whoosh_scores(searcher, query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def _searcher(engine):
    """Whoosh's own BM25F searcher over the engine's reader, to compare the plan with."""
    from whoosh.scoring import BM25F
    from whoosh.searching import Searcher

    return Searcher(engine._reader(), weighting=BM25F(), closereader=False)


def _plan_scores(engine, node) -> dict[int, float]:
    return engine._evaluation().run(node).as_dict()


def _assert_same(plan: dict, whoosh: dict) -> None:
    assert plan.keys() == whoosh.keys()
    for docnum, score in whoosh.items():
        assert plan[docnum] == pytest.approx(score, rel=1e-5), docnum


def _terms(engine, fieldname: str, limit: int = 40) -> list[str]:
    reader = engine._reader()
    return [t.decode("utf-8") for t in list(reader.lexicon(fieldname))[:limit]]


@pytest.fixture(scope="module")
def engine(collection):
    return collection.engine


@pytest.fixture(scope="module")
def updated(tmp_path_factory, source_path):
    """An index updated in place: one project changed, so two segments and a deletion."""
    folder = tmp_path_factory.mktemp("plan-updated")
    page = folder / "page.sv.txt"
    shutil.copy(source_path, page)
    location = folder / "index"
    build_index([page], location)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("tortyr", "tortyr och krigets trauma", 1), encoding="utf-8")
    report = update_index([page], location)
    assert report.changed
    collection = open_collection(location, build=False)
    yield collection.engine
    collection.close()


def test_the_updated_index_has_segments_and_a_deletion(updated):
    reader = updated._reader()
    assert len(list(reader.leaf_readers())) > 1
    assert reader.has_deletions()


@pytest.mark.parametrize("which", ["one segment", "updated"])
@pytest.mark.parametrize("fieldname", ["title", "desc", "desc_part", "desc_root", "impl_fold"])
def test_a_term_scores_as_whoosh_bm25f(request, engine, updated, which, fieldname):
    engine = engine if which == "one segment" else updated
    searcher = _searcher(engine)
    terms = _terms(engine, fieldname)
    assert terms
    for text in terms:
        _assert_same(_plan_scores(engine, P.Term(fieldname, text, boost=0.6)),
                     _whoosh_scores(searcher, Q.Term(fieldname, text, boost=0.6)))


@pytest.mark.parametrize("which", ["one segment", "updated"])
def test_sums_and_intersections_score_as_whoosh(engine, updated, which):
    engine = engine if which == "one segment" else updated
    searcher = _searcher(engine)
    words = ["barn", "tortyr", "flykting", "kommun", "traum", "integration"]
    for a in words:
        for b in words:
            plan_terms = [P.Term(s, a, 3.0) for s in TEXT_SOURCES] + [P.Term("desc", b, 0.5)]
            whoosh_terms = [Q.Term(s, a, boost=3.0) for s in TEXT_SOURCES] + [Q.Term("desc", b, boost=0.5)]
            _assert_same(_plan_scores(engine, P.Sum(plan_terms)), _whoosh_scores(searcher, Q.Or(whoosh_terms)))
            _assert_same(_plan_scores(engine, P.All([P.Term("desc", a), P.Term("desc", b)])),
                         _whoosh_scores(searcher, Q.And([Q.Term("desc", a), Q.Term("desc", b)])))
            # Not Whoosh's AndNot as referee: it returns 'tortyr' documents for tortyr AND NOT barn.
            a_scores = _whoosh_scores(searcher, Q.Term("desc", a))
            b_docs = set(searcher.docs_for_query(Q.Term("desc", b)))
            _assert_same(_plan_scores(engine, P.All([P.Term("desc", a), P.Without(P.Term("desc", b))])),
                         {d: score for d, score in a_scores.items() if d not in b_docs})


def test_a_maximum_is_taken_per_document(engine):
    """Each document scores its own best alternative, never one found in another document."""
    searcher = _searcher(engine)
    only_a = _plan_scores(engine, P.Term("desc", "tortyr"))
    only_b = _plan_scores(engine, P.Term("desc", "kommun"))
    best = _plan_scores(engine, P.Max([P.Term("desc", "tortyr"), P.Term("desc", "kommun")]))
    assert best.keys() == only_a.keys() | only_b.keys()
    for docnum, score in best.items():
        assert score == max(only_a.get(docnum, 0.0), only_b.get(docnum, 0.0))
    assert set(best) == set(searcher.docs_for_query(Q.Or([Q.Term("desc", "tortyr"), Q.Term("desc", "kommun")])))


def test_deleted_documents_are_never_found(updated):
    reader = updated._reader()
    deleted = {base + d for leaf, base in reader.leaf_readers() for d in range(leaf.doc_count_all())
               if leaf.is_deleted(d)}
    assert deleted
    evaluation = updated._evaluation()
    for fieldname in ("desc", "title", "desc_part"):
        for text in _terms(updated, fieldname, limit=200):
            assert not deleted & evaluation.run(P.Term(fieldname, text)).keys()
            assert not deleted & evaluation.run(P.Prefix(fieldname, text[:3])).keys()
    assert not deleted & evaluation.every().keys()


def test_prefixes_match_what_whoosh_matches(engine, updated):
    for e in (engine, updated):
        searcher = _searcher(e)
        for prefix in ("flykt", "barn", "trau", "k", "zzz"):
            found = _plan_scores(e, P.Prefix("desc", prefix, boost=2.0))
            assert set(found) == set(searcher.docs_for_query(Q.Prefix("desc", prefix)))
            assert all(score == 2.0 for score in found.values())


years = st.one_of(st.none(), st.integers(min_value=2010, max_value=2030))
cents = st.one_of(st.none(), st.integers(min_value=0, max_value=300_000_000))


@settings(max_examples=60, deadline=None)
@given(low_year=years, high_year=years, low=cents, high=cents)
def test_filters_match_what_whoosh_matches(engine, updated, low_year, high_year, low, high):
    queries = [Q.NumericRange("start_year", low_year, high_year), Q.NumericRange("end_year", low_year, high_year),
               Q.NumericRange("support_cents", low, high),
               Q.And([Q.NumericRange("start_year", None, high_year), Q.NumericRange("end_year", low_year, None)]),
               Q.Prefix("objective", "6."), Q.Term("objective", "6.1"), Q.Every()]
    for e in (engine, updated):
        searcher = _searcher(e)
        for query in queries:
            assert set(e._evaluation().filtered(query).tolist()) == set(searcher.docs_for_query(query)), query


@pytest.mark.parametrize("which", ["one segment", "updated"])
def test_phrases_match_and_score_as_whoosh(which, engine, updated, projects):
    engine = engine if which == "one segment" else updated
    searcher = _searcher(engine)
    checked = 0
    for project in projects:
        stems = [t.stem for t in engine.analyzer(project.description)]
        folds = [t.fold for t in engine.analyzer(project.description)]
        for start in range(0, len(stems) - 3, 7):
            for size in (2, 3):
                for fieldname, words in (("desc", stems[start:start + size]),
                                         ("desc_fold", folds[start:start + size])):
                    found = _plan_scores(engine, P.Phrase(fieldname, words, boost=0.5))
                    _assert_same(found, _whoosh_scores(searcher, Q.Phrase(fieldname, words, boost=0.5)))
                    checked += bool(found)
        # Words that occur in the text but not side by side.
        _assert_same(_plan_scores(engine, P.Phrase("desc", [stems[-1], stems[0]])),
                     _whoosh_scores(searcher, Q.Phrase("desc", [stems[-1], stems[0]])))
    assert checked > 50


def test_the_postings_memory_stays_within_its_bound_and_changes_no_answer(monkeypatch, collection):
    queries = ["trauma barn", "flyktingar kommun", '"barn och unga"', "tortyr OR integration", "kvot*"]
    expected = [[(h.project.id, h.score) for h in collection.search(q, limit=20).hits] for q in queries]
    monkeypatch.setattr(P, "POSTINGS_MEMORY", 400)
    monkeypatch.setattr(P, "SCORED_MEMORY", 600)
    segments = P.Segments(collection.engine._reader())
    monkeypatch.setattr(collection.engine._local, "segments", segments)
    for _round in range(2):
        got = [[(h.project.id, h.score) for h in collection.search(q, limit=20).hits] for q in queries]
        assert got == expected
        for memory, limit in ((segments._postings, 400), (segments._scored, 600)):
            assert 0 < memory.used <= limit
            assert memory.used == sum(memory.sizes())


def test_a_scored_term_is_remembered_for_the_next_search_and_cannot_be_changed(monkeypatch, collection):
    queries = ["trauma barn", "flyktingar kommun", '"barn och unga"', "psykisk hälsa"]
    segments = P.Segments(collection.engine._reader())
    monkeypatch.setattr(collection.engine._local, "segments", segments)
    cold = [collection.search(q, limit=None).to_json() for q in queries]
    first = segments.scored(("desc", "barn", 1.0), P.Evaluation(segments)._score_term)
    assert len(first) and P.Evaluation(segments).term("desc", "barn", 1.0) is first
    with pytest.raises(ValueError):
        first.scores[0] = 0.0
    assert [collection.search(q, limit=None).to_json() for q in queries] == cold
