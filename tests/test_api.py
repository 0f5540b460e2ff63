"""The Python API as ``import amif_search`` offers it: the README example, result objects, threads."""

from __future__ import annotations

import contextlib
import io
import re
import threading
from pathlib import Path

import pytest

import amif_search

ROOT = Path(__file__).resolve().parent.parent

# The README's Python example. Until README.md carries a ```python block, this copy is what runs;
# once it does, the README's own block runs instead (and this copy may go).
README_EXAMPLE = '''\
import amif_search

collection = amif_search.open_collection()   # the default index, built on first use
result = collection.search("trauma barn", limit=3, filters={"year": 2022})
print(result.total, "hits")
for hit in result.hits:
    print(hit.project.id, hit.project.implementer)
    print("   ", [hit.snippet[start:end] for start, end in hit.highlights])

project = collection.get("lanu-2022")        # amif_search.NotFoundError for an unknown ID
print(project.title, project.start, project.eu_support)

# Finnish and English words are read through the glossary.
result = collection.search("lapset trauma", lang="fi")
print([(e.original, e.swedish) for e in result.expansions])
for match in collection.lookup("lapset", lang="fi"):
    print(match.term, "->", match.concept.headword)

try:
    collection.search("år:nästa")
except amif_search.QueryError as error:
    print("not understood:", error)
'''


def _readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def test_readme_example_runs_as_written(built_index, monkeypatch):
    blocks = _readme_python_blocks()
    example = blocks[0] if blocks else README_EXAMPLE
    monkeypatch.setenv("AMIF_SEARCH_INDEX", str(built_index))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "README.md", "exec"), {"__name__": "readme_example"})
    lines = out.getvalue().splitlines()
    assert lines[0] == "2 hits"   # the second matches trauma alone
    assert lines[1].startswith("lanu-2022 ")
    assert "'traumatiserade', 'barn'" in lines[2]
    assert "LANU – Rehabilitering av barn och unga som utsatts för tortyr 2022-01-01 501845.10" in lines
    assert "('lapset', ['barn', 'unge'])" in out.getvalue()
    assert "lapsi -> barn" in lines
    assert lines[-1].startswith("not understood: ") and "nästa" in lines[-1]


@pytest.mark.parametrize("name", sorted(amif_search.__all__), ids=str)
def test_every_public_name_resolves(name):
    assert getattr(amif_search, name) is not None
    assert name in dir(amif_search)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'search_everything'"):
        amif_search.search_everything  # noqa: B018


# -- result objects ----------------------------------------------------------------------


def test_hits_carry_project_score_snippet_and_spans(collection):
    result = collection.search("trauma barn", limit=5)
    assert result.total == 3
    # The two LANU projects on tortured and traumatised children, in either order.
    assert {hit.project.id for hit in result.hits[:2]} == {"lanu-2022", "lanu-2019"}
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    for hit in result.hits:
        assert isinstance(hit.project, amif_search.Project)
        assert hit.highlights, hit.project.id
        for start, end in hit.highlights:
            assert 0 <= start < end <= len(hit.snippet)
        assert all(hit.snippet[s:e].lower() in hit.snippet.lower() for s, e in hit.highlights)


def test_result_reports_corrections_and_suggestion(collection):
    result = collection.search("traumatiserde")
    assert [(c.original, c.corrected) for c in result.corrections] == [("traumatiserde", "traumatiserade")]
    assert result.suggestion == "traumatiserade"
    assert result.to_json()["did_you_mean"] == "traumatiserade"


def test_result_reports_glossary_expansions(collection):
    result = collection.search("lapset", lang="fi")
    assert [(e.original, e.lang, e.swedish, e.kind) for e in result.expansions] == [
        ("lapset", "fi", ["barn", "unge"], "translation")]
    assert result.total > 0


@pytest.mark.parametrize("filters, keywords", [
    ({"year": 2022}, {"year": 2022}),
    ({"objective": "6.1"}, {"objective": "6.1"}),
    ({"implementer": "Diakonissanstalt"}, {"implementer": "Diakonissanstalt"}),
], ids=["year", "objective", "implementer"])
def test_filters_mapping_equals_keywords(collection, filters, keywords):
    by_mapping = collection.search("kvotflyktingar", filters=filters, limit=None)
    by_keywords = collection.search("kvotflyktingar", limit=None, **keywords)
    assert by_mapping.to_json() == by_keywords.to_json()
    assert 0 < by_mapping.total < collection.search("kvotflyktingar").total


def test_offset_and_limit_page_through_the_same_order(collection):
    everything = [hit.project.id for hit in collection.search("kommun", limit=None).hits]
    pages = [hit.project.id for offset in range(0, len(everything), 3)
             for hit in collection.search("kommun", limit=3, offset=offset).hits]
    assert len(everything) == 8
    assert pages == everything


@pytest.mark.parametrize("query, limit", [("kvotflyktingar", 2), ("flyktingar", 4)],
                         ids=["kvotflyktingar", "flyktingar"])
def test_a_short_page_starts_with_the_best_hits(collection, query, limit):
    everything = [hit.project.id for hit in collection.search(query, limit=None).hits]
    assert [hit.project.id for hit in collection.search(query, limit=limit).hits] == everything[:limit]


@pytest.mark.parametrize("call, error", [
    (lambda c: c.search("barn", filters={"colour": "red"}), amif_search.QueryError),
    (lambda c: c.search("barn", limit=-1), amif_search.QueryError),
    (lambda c: c.search("år:nästa"), amif_search.QueryError),
    (lambda c: c.get("no-such-project"), amif_search.NotFoundError),
], ids=["unknown-filter", "negative-limit", "bad-field-value", "unknown-id"])
def test_errors_are_the_projects_own(collection, call, error):
    with pytest.raises(error) as caught:
        call(collection)
    assert isinstance(caught.value, amif_search.AmifSearchError)


def test_projects_and_lookup(collection):
    everything = collection.projects()
    active = collection.projects(year=2022)
    assert len(everything) == 12
    assert active and all(p.active_in(2022) for p in active) and len(active) < len(everything)
    assert [(m.term, m.concept.id) for m in collection.lookup("lapset", lang="fi") if m.how != "related"] == [
        ("lapsi", "barn")]


# -- one collection, many threads --------------------------------------------------------

# Varied but quick: words, a phrase, a prefix, fields, a foreign word, a filter and a page.
THREAD_QUERIES = [
    ("tortyr", {}), ("lapset", {}), ('"barn och unga"', {}), ("trauma*", {}), ("mål:6.2 barn", {}),
    ("år:2019-2021", {}), ("stöd:>500000", {}), ("psykisk", {}), ("tortyr", {"year": 2022}),
    ("barn", {"limit": 1, "offset": 1}), ("tortyr", {"objective": "6.2"}),
    ("familj", {"implementer": "Diakonissanstalt"}),
]


def test_one_collection_serves_many_threads(built_index):
    collection = amif_search.open_collection(built_index, build=False)
    try:
        def run(number: int):
            query, options = THREAD_QUERIES[number % len(THREAD_QUERIES)]
            return collection.search(query, **options).to_json()

        expected = [run(n) for n in range(len(THREAD_QUERIES))]
        assert all(answer["hits"] for answer in expected)
        threads_n, per_thread = 8, 50
        answers: dict[int, list] = {}
        errors: list[BaseException] = []
        start = threading.Barrier(threads_n)

        def worker(thread: int) -> None:
            try:
                start.wait()
                # Each thread walks the queries from another place, so that different
                # queries run side by side; gets and lookups share the record store too.
                mine = [run(thread * 5 + n) for n in range(per_thread)]
                collection.get("lanu-2019")
                collection.lookup("lapset")
                answers[thread] = mine
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors[0]
        assert sorted(answers) == list(range(threads_n))
        for thread, mine in answers.items():
            for n, answer in enumerate(mine):
                assert answer == expected[(thread * 5 + n) % len(THREAD_QUERIES)], (thread, n)
    finally:
        collection.close()


@pytest.mark.parametrize("query, concepts", [
    ("terveysneuvontaa", ["halsa", "vagledning-och-radgivning"]),
    ("pakolaislapset", ["flykting", "barn"]),
    ("tyonohjaus", ["arbetshandledning"]),
], ids=["compound-of-two-terms", "compound-inflected", "without-diacritics"])
def test_finnish_words_reach_their_concepts_through_compounds_and_plain_spellings(collection, query, concepts):
    result = collection.search(query, lang="fi")
    translated = [e for e in result.expansions if e.kind == "translation"]
    assert [e.concepts for e in translated] == [concepts]
    assert result.total > 0 and result.unknown == []


def test_a_word_reaches_its_neighbours_in_the_thesaurus_but_not_a_broad_category(collection):
    result = collection.search("läkare")
    kinds = {e.kind: e.concepts for e in result.expansions}
    assert "psykiater" in kinds["narrower"] and "vard" in kinds["related"]
    # yrkesperson is broader than läkare, but it is the category of every profession.
    assert "yrkesperson" not in kinds.get("broader", [])
    assert result.total > 0 and result.unknown == []


def test_a_neighbour_alone_finds_a_project_for_a_word_but_not_for_part_of_a_query(collection):
    # mentalvård occurs in one project; its neighbours (psykisk ohälsa, rehabilitering...) lead
    # to the others about mental health, ranked below it.
    alone = [h.project.id for h in collection.search("mentalvård").hits]
    assert alone[0] == "rehabilitering-krigstraumatiserade-2021" and "tuuli-2019" in alone
    # tuuli-2019 speaks of mental health, a neighbour of trauma, and of no children: for
    # "trauma barn" it would be a guess twice over, and it is not a hit.
    result = collection.search("trauma barn")
    assert [h.project.id for h in result.hits] == ["lanu-2019", "lanu-2022", "rehabilitering-krigstraumatiserade-2021"]
    assert any(e.kind == "related" for e in result.expansions)


@pytest.mark.parametrize(("old", "new"), [("open_catalogue", "open_collection"), ("Catalogue", "Collection")])
def test_the_previous_names_still_work_with_a_deprecation_warning(old, new):
    with pytest.warns(DeprecationWarning, match=new):
        assert getattr(amif_search, old) is getattr(amif_search, new)


def test_a_result_counts_its_clauses_and_the_old_name_warns(collection):
    result = collection.search("trauma barn")
    assert result.clauses == 2 == result.to_json()["query_concepts"]
    with pytest.warns(DeprecationWarning, match="SearchResult.clauses"):
        assert result.concepts == result.clauses
