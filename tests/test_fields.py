"""The field registry: every layer reads the fields from it, so a field added there alone is
searchable, filterable and described."""

from __future__ import annotations

import json

import pytest

from amif_search import fields as F
from amif_search.query import FieldFilter, parse_query
from tests.conftest import SOURCE

PARTNERS = {"lanu-2022": "Röda Korset och Kuopio universitetssjukhus", "tuuli-2019": "Folkhälsan"}


@pytest.fixture
def partners(monkeypatch):
    """A field no module but this test knows: the partners a project names (a fake attribute)."""
    monkeypatch.setattr(F, "FIELDS", list(F.FIELDS))
    return F.register(F.Field(
        "partners", F.TEXT, lambda p: PARTNERS.get(p.id, ""), query_names=("partner", "partners"),
        index_name="partners", weight=1.0, filterable=True, api_parameter="partners",
        label="Partner", description="Only projects with a partner that matches these words.",
        json=(F.JsonValue("partners", lambda p: PARTNERS.get(p.id, ""), {"type": "string"}),)))


@pytest.fixture
def partners_collection(partners, tmp_path):
    from amif_search.collection import build_index, open_collection

    build_index([SOURCE], tmp_path / "index")
    opened = open_collection(tmp_path / "index", build=False)
    yield opened
    opened.close()


def test_a_registered_field_is_searchable_by_its_words(partners_collection):
    assert [h.project.id for h in partners_collection.search("Folkhälsan").hits] == ["tuuli-2019"]


def test_a_registered_field_is_a_query_field(partners_collection):
    assert parse_query("partner:korset").required == [FieldFilter("partners", "korset")]
    assert [h.project.id for h in partners_collection.search("barn partner:korset").hits] == ["lanu-2022"]
    assert [p.id for p in partners_collection.projects(filters={"partners": "Korset"})] == ["lanu-2022"]


def test_a_registered_field_is_a_parameter_of_the_http_api_and_described(partners_collection):
    from amif_search.web.api import ApiSettings, search
    from amif_search.web.openapi import openapi_document

    answer = search(partners_collection, {"q": "barn", "partners": "Korset"}, ApiSettings(500))
    assert [hit["id"] for hit in answer["hits"]] == ["lanu-2022"]
    assert answer["hits"][0]["partners"] == PARTNERS["lanu-2022"]
    document = openapi_document(max_query_length=500, languages=["sv"])
    parameters = {p["name"]: p for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert parameters["partners"]["description"] == "Only projects with a partner that matches these words."
    assert "partners" in document["components"]["schemas"]["Project"]["required"]
    assert "partners" in {p["name"] for p in document["paths"]["/api/projects"]["get"]["parameters"]}


def test_a_registered_field_is_an_option_of_the_command_line(partners_collection, capsys):
    from amif_search.cli import main

    code = main(["list", "--partners", "Korset", "--json", "--index", str(partners_collection.location)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and [p["id"] for p in out["projects"]] == ["lanu-2022"]


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param("startår:2022", {"sylvia-6-2022", "paloma3-2022", "lanu-2022"}, id="start-year"),
    pytest.param("start:2019-2020", {"tuuli-2019", "paloma2-2019", "lanu-2019"}, id="start-range-alias"),
    pytest.param("slutår:2021", {"sylvia5-2021", "paloma2-2019", "lanu-2019"}, id="end-year"),
    pytest.param("end:<2022 mål:6.2", {"paloma2-2019", "lanu-2019"}, id="end-before-with-objective"),
])
def test_start_and_end_years_are_query_fields(collection, query, expected):
    assert {h.project.id for h in collection.search(query, limit=None).hits} == expected


def test_start_and_end_years_are_filters(collection):
    assert {p.id for p in collection.projects(filters={"start_year": 2021, "end_year": 2022})} == {
        "navigator-2-0-2021", "oppet-arbetsliv-2021", "rehabilitering-krigstraumatiserade-2021", "delaktig-2021",
        "terminologiarbete-framjande-2021"}


def test_the_flags_later_features_read_are_declared():
    facetable = {f.name for f in F.FIELDS if f.facetable}
    sortable = {f.name for f in F.FIELDS if f.sortable}
    assert {"objective", "start_year", "implementer"} <= facetable
    assert {"start_year", "end_year", "support"} <= sortable


def test_a_query_name_cannot_be_registered_twice(monkeypatch):
    monkeypatch.setattr(F, "FIELDS", list(F.FIELDS))
    with pytest.raises(ValueError, match="'år' is taken"):
        F.register(F.Field("other", F.YEAR, lambda p: 0, query_names=("år",)))


def test_every_label_is_marked_for_translation():
    from amif_search.l10n.extract import build_template
    from tests.conftest import ROOT

    template, _warnings = build_template(ROOT / "amif_search", ROOT)
    msgids = {entry.msgid for entry in template}
    assert {f.label for f in F.FIELDS} <= msgids
    assert {f.option_help for f in F.filterable_fields()} <= msgids
    assert {label for f in F.FIELDS if f.sort_labels for label in f.sort_labels} <= msgids


def test_a_sortable_field_must_name_its_orders():
    with pytest.raises(ValueError, match="'partners': a sortable field needs the labels"):
        F.Field("partners", F.AMOUNT, lambda p: 0, sortable=True)


def test_the_page_offers_each_sortable_field_in_both_orders(projects):
    from amif_search.web.page import PageContext, render_page

    html = render_page("en", {"q": "barn", "sort": "-support"}, PageContext.of(projects, 200))
    assert '<option value="relevance">Best match first</option>' in html
    for key in ("start", "end", "support"):
        assert f'<option value="{key}"' in html and f'<option value="-{key}"' in html
    assert '<option value="-support" selected>Largest EU support first</option>' in html
