"""Totals and facets over every match, and the orders results can be read in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from amif_search.errors import QueryError
from amif_search.summary import FACETS, check_sort


def _sums(facets):
    return {name: (sum(v.count for v in values), sum((v.eu_support for v in values), Decimal(0)))
            for name, values in facets.items()}


def test_trauma_barn_totals_are_exact_and_every_facet_adds_up_to_them(collection):
    result = collection.search("trauma barn", limit=1)
    assert len(result.hits) == 1 and result.total == 3
    assert result.eu_support_total == Decimal("2091076.95")
    assert list(result.facets) == list(FACETS)
    for name, (count, support) in _sums(result.facets).items():
        assert (count, support) == (3, Decimal("2091076.95")), name
    years = {v.value: (v.count, v.eu_support) for v in result.facets["start_year"]}
    assert years == {"2019": (1, Decimal("997797.00")), "2021": (1, Decimal("591434.85")),
                     "2022": (1, Decimal("501845.10"))}


def test_totals_do_not_depend_on_the_page(collection):
    first = collection.search("kvotflyktingar", limit=2)
    later = collection.search("kvotflyktingar", limit=2, offset=2)
    assert first.total == later.total > 2
    assert first.eu_support_total == later.eu_support_total
    assert first.facets == later.facets


def test_listing_totals_cover_all_twelve_projects(collection, projects):
    listing = collection.listing(limit=2)
    assert listing.total == 12 and len(listing.projects) == 2
    assert listing.eu_support_total == sum((p.eu_support for p in projects), Decimal(0))
    for count, support in _sums(listing.facets).values():
        assert (count, support) == (12, listing.eu_support_total)


@pytest.mark.parametrize("sort,key,descending", [
    ("start", lambda p: p.start, False),
    ("-start", lambda p: p.start, True),
    ("end", lambda p: p.end, False),
    ("-support", lambda p: p.eu_support, True),
    ("support", lambda p: p.eu_support, False),
], ids=["start", "newest-first", "end", "biggest-first", "smallest-first"])
def test_sorted_results_are_monotonic_in_the_chosen_field(collection, sort, key, descending):
    hits = [h.project for h in collection.search("flyktingar", sort=sort, limit=None).hits]
    listed = collection.listing(sort=sort).projects
    for found in (hits, listed):
        values = [key(p) for p in found]
        assert values == sorted(values, reverse=descending)
        assert len(found) > 3


def test_relevance_reversed_lists_the_best_last(collection):
    best_first = [h.project.id for h in collection.search("trauma barn").hits]
    assert [h.project.id for h in collection.search("trauma barn", sort="-relevance").hits] == best_first[::-1]


def test_an_unknown_sort_is_a_query_error_naming_the_known_ones():
    with pytest.raises(QueryError, match="relevance, start, end, support"):
        check_sort("title")
    assert check_sort("-end") == ("end", True)


def test_paging_a_listing(collection):
    everything = [p.id for p in collection.listing().projects]
    assert [p.id for p in collection.listing(limit=5, offset=10).projects] == everything[10:]
    assert collection.listing(offset=40).projects == [] and collection.listing(offset=40).total == 12


def test_facts_come_from_the_columns_and_from_records_written_before_them(tmp_path, projects):
    import json
    import sqlite3

    from amif_search.index.store import RecordStore, write_records
    from amif_search.summary import Facts

    new = tmp_path / "new.sqlite"
    write_records(new, projects)
    old = tmp_path / "old.sqlite"
    connection = sqlite3.connect(old)
    connection.execute("CREATE TABLE projects (seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
                       "hash TEXT NOT NULL, record TEXT NOT NULL)")
    connection.executemany("INSERT INTO projects (id, hash, record) VALUES (?, ?, ?)",
                           [(p.id, p.content_hash(), json.dumps(p.to_record())) for p in projects])
    connection.commit()
    connection.close()
    expected = {p.id: Facts.of(p) for p in projects}
    ids = [p.id for p in projects]
    for path in (new, old):
        store = RecordStore(path)
        assert store.facts(ids) == expected
        assert store.facts(ids[:2]) == {pid: expected[pid] for pid in ids[:2]}
        store.close()


def test_facets_and_sort_keys_are_the_registrys_facetable_and_sortable_fields():
    from amif_search import fields
    from amif_search.summary import FACT_OF_FIELD, SORT_FIELDS

    assert set(FACETS) == {f.name for f in fields.FIELDS if f.facetable} == {"objective", "implementer", "start_year"}
    assert set(SORT_FIELDS.values()) == {f.name for f in fields.FIELDS if f.sortable} == set(FACT_OF_FIELD)
    assert check_sort("-start") == ("start", True) and check_sort("support") == ("support", False)


# -- the table of facts a broad search adds up with arrays --------------------------------------

from datetime import date  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

import numpy as np  # noqa: E402

from amif_search.summary import Facts, FactsTable, SORTS, sort_order, summarise  # noqa: E402

# Few distinct values, so that facets collect several projects and sorts meet ties.
_FACTS = st.builds(
    Facts, id=st.just(""), objective=st.sampled_from(["6.1", "6.2", "6.10", "7"]),
    implementer=st.sampled_from(["Åbo stad", "åbo stad", "Vasa stad", "Röda Korset"]),
    start=st.sampled_from([date(2015, 1, 1), date(2019, 3, 1), date(2019, 12, 31)]),
    end=st.sampled_from([date(2020, 12, 31), date(2022, 6, 30)]),
    cents=st.integers(min_value=0, max_value=10**14))


@settings(max_examples=150, deadline=None)
@given(st.lists(_FACTS, min_size=1, max_size=40), st.data())
def test_the_table_adds_up_and_orders_as_the_loop_does(facts, data):
    facts = [Facts(f"p{i}", f.objective, f.implementer, f.start, f.end, f.cents) for i, f in enumerate(facts)]
    table = FactsTable(facts)
    # Any subset, in any (relevance) order.
    chosen = data.draw(st.permutations(facts).flatmap(lambda p: st.just(p[:data.draw(st.integers(0, len(p)))])))
    rows = table.rows([f.id for f in chosen])
    assert table.summarise(rows) == summarise(chosen)
    for sort in (*SORTS, *("-" + key for key in SORTS)):
        assert [chosen[i] for i in table.order(rows, sort)] == sort_order(chosen, lambda f: f, sort), sort
    # By document numbers, in any order, with numbers of deleted documents between them.
    numbers = data.draw(st.permutations(range(len(facts) + 3)))[:len(facts)]
    number_of = {f.id: n for f, n in zip(facts, numbers)}
    table.number_documents({n: pid for pid, n in number_of.items()}, len(facts) + 3)
    by_number = table.rows_of_docs(np.array([number_of[f.id] for f in chosen], dtype=np.int64))
    assert by_number.tolist() == rows.tolist()
    deleted = next(n for n in range(len(facts) + 3) if n not in numbers)
    with pytest.raises(KeyError):
        table.rows_of_docs(np.array([deleted], dtype=np.int64))


def _three_ways(collection, monkeypatch, query: str, sorts=("-support", "start")) -> list[dict]:
    """The answers to ``query`` in each sort: with the table the build kept, with a table
    read from the records (an index built without one), and added up match by match."""
    import amif_search.collection as C

    kept = collection._kept_table
    assert kept() is not None
    answers = [{sort: collection.search(query, sort=sort).to_json() for sort in sorts}]
    monkeypatch.setattr(collection, "_kept_table", lambda: None)
    monkeypatch.setattr(collection, "_facts_table", None)
    monkeypatch.setattr(C, "_TABLE_FROM", 1)
    answers.append({sort: collection.search(query, sort=sort).to_json() for sort in sorts})
    assert collection._facts_table is not None
    monkeypatch.setattr(collection, "_facts_table", None)
    monkeypatch.setattr(C, "_TABLE_FROM", 10**9)
    answers.append({sort: collection.search(query, sort=sort).to_json() for sort in sorts})
    assert collection._facts_table is None
    monkeypatch.setattr(collection, "_kept_table", kept)
    return answers


def test_the_kept_table_a_table_from_the_records_and_the_loop_add_up_alike(collection, monkeypatch):
    kept, read, loop = _three_ways(collection, monkeypatch, "kommun")
    assert kept == read == loop and loop["start"]["total"] > 1


def test_the_table_of_an_updated_index_skips_its_deleted_documents(tmp_path, source_path, monkeypatch):
    """An update leaves the changed project's old document deleted beside its new one: the
    kept table numbers the live one, and totals, facets and sorts agree with the loop's."""
    import shutil

    from amif_search.collection import build_index, open_collection, update_index

    page = tmp_path / "page.sv.txt"
    shutil.copy(source_path, page)
    build_index([page], tmp_path / "index")
    page.write_text(page.read_text(encoding="utf-8").replace("tortyr", "tortyr och krigets trauma", 1),
                    encoding="utf-8")
    assert update_index([page], tmp_path / "index").changed
    with open_collection(tmp_path / "index", build=False) as collection:
        assert collection.engine._reader().has_deletions()
        kept, read, loop = _three_ways(collection, monkeypatch, "trauma OR kommun")
        assert kept == read == loop and loop["start"]["total"] > 1
        table = collection._kept_table()
        assert None in table.document_ids and sorted(i for i in table.document_ids if i) == sorted(collection.ids())


@settings(max_examples=60, deadline=None)
@given(st.lists(_FACTS, min_size=1, max_size=30), st.data())
def test_a_table_kept_as_columns_reads_back_the_same(facts, data):
    facts = [Facts(f"p{i}", f.objective, f.implementer, f.start, f.end, f.cents) for i, f in enumerate(facts)]
    numbers = data.draw(st.permutations(range(len(facts) + 2)))[:len(facts)]
    table = FactsTable(facts)
    table.number_documents({n: f.id for f, n in zip(facts, numbers)}, len(facts) + 2)
    again = FactsTable.from_columns(table.columns())
    docs = np.array(numbers, dtype=np.int64)
    assert again.document_ids == table.document_ids
    assert again.rows_of_docs(docs).tolist() == table.rows_of_docs(docs).tolist()
    assert again.summarise(again.rows_of_docs(docs)) == summarise(facts)
    for sort in (*SORTS, *("-" + key for key in SORTS)):
        assert again.order(again.rows_of_docs(docs), sort).tolist() == table.order(table.rows_of_docs(docs), sort).tolist()


@pytest.mark.parametrize("damage", ["cents", "rows", "facet.objective", "values.implementer", "ids"])
def test_a_damaged_column_is_refused_by_name(damage):
    facts = [Facts(f"p{i}", "6.1", "Vasa stad", date(2019, 1, 1), date(2020, 1, 1), 100 * i) for i in range(3)]
    table = FactsTable(facts)
    table.number_documents({i: f.id for i, f in enumerate(facts)}, 3)
    columns = table.columns()
    columns[damage] = columns[damage][:-3]
    with pytest.raises(ValueError, match=damage):
        FactsTable.from_columns(columns)
