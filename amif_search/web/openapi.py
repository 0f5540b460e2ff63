"""The OpenAPI 3.1 description of the JSON API.

The schemas are strict (every key required, no others allowed), so that the test which
validates real responses against them fails as soon as a response and this description
drift apart.
"""

from __future__ import annotations

from .. import __version__
from .. import fields as F
from ..i18n.languages import interface_languages
from ..summary import FACETS, SORTS
from .api import MAX_LIMIT, MAX_OFFSET, MAX_TEXT, YEARS

__all__ = ["openapi_document"]


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required, "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


_STRING = {"type": "string"}
_SPAN = {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2,
         "description": "Start and end (exclusive) of a match, in characters (code points) of the snippet."}


_AMOUNT = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "description": "Euros with two decimals."}
_SORT_VALUES = [*SORTS, *("-" + key for key in SORTS)]
_TOTALS = {
    "total": {"type": "integer", "minimum": 0, "description": "How many projects match (all of them, not the page)."},
    "eu_support_total": {**_AMOUNT, "description": "The sum of the EU support of every match, exact."},
    "offset": {"type": "integer", "minimum": 0},
    "limit": {"type": ["integer", "null"], "minimum": 0},
    "sort": {"type": "string", "enum": _SORT_VALUES},
    "facets": {"$ref": "#/components/schemas/Facets"},
}
_REQUIRED_TOTALS = [key for key in _TOTALS if key != "facets"]  # the facets come with facets=1


def _schemas() -> dict:
    """The response schemas; a project's keys are those of the field registry."""
    project_fields = {value.key: value.schema for value in F.json_values()}
    hit_fields = {value.key: value.schema for value in F.json_values(hit=True)}
    return {
        "Project": _object(project_fields),
        "FacetValue": _object({
            "value": {"type": "string", "description": "An objective code, a year or an implementer's name."},
            "count": {"type": "integer", "minimum": 1},
            "eu_support": {**_AMOUNT, "description": "The sum of the EU support of these projects."},
        }),
        "Facets": {**_object({name: _array(_ref("FacetValue")) for name in FACETS}),
                   "description": "Counts and sums of every match by each facetable field of the registry: "
                                  "national objective (in code order), implementer (most projects first) and "
                                  "start year (in order). Each facet's counts and sums add up to total and "
                                  "eu_support_total. Sent with facets=1."},
        "ProjectDetail": _object({
            **project_fields,
            "notes": _array(_STRING),
            "concepts": _array(_object({
                "id": _STRING,
                "sv": {"type": "string", "description": "The Swedish headword."},
                "terms": {"type": "object", "additionalProperties": _STRING,
                          "description": "The preferred term in each language."},
            })),
        }),
        "ProjectList": _object({**_TOTALS, "projects": _array(_ref("Project"))},
                               required=[*_REQUIRED_TOTALS, "projects"]),
        "Hit": _object({
            **hit_fields,
            "score": {"type": "number"},
            "matched_concepts": {"type": "integer", "minimum": 0,
                                 "description": "How many of the query's clauses (query_concepts) the hit matches."},
            "snippet": _STRING,
            "highlights": _array(_SPAN),
            "title_highlights": {**_array(_SPAN), "description": "The matches in the title, as highlights are "
                                                                  "in the snippet."},
        }),
        "SearchResult": _object({
            "query": _STRING,
            **_TOTALS,
            "query_concepts": {"type": "integer", "minimum": 0,
                               "description": "How many clauses the query has (its words, phrases and OR groups, "
                                              "not its filters); a hit whose matched_concepts equals it matches "
                                              "the whole query. The count is of clauses, not of glossary "
                                              "concepts."},
            "hits": _array(_ref("Hit")),
            "corrections": _array(_object({"from": _STRING, "to": _STRING})),
            "did_you_mean": {"type": ["string", "null"]},
            "expansions": _array(_object({
                "from": _STRING,
                "language": _STRING,
                "to": _array(_STRING),
                "concepts": _array(_STRING),
                "kind": {"type": "string", "enum": ["translation", "synonym", "narrower", "broader", "related"]},
            })),
            "interpretations": _array(_object({"from": _STRING, "as": _STRING, "field": _STRING,
                                               "kind": {"type": "string", "enum": ["filter", "boost"]}})),
            "unknown": _array(_STRING),
            "warnings": _array(_STRING),
        }, required=["query", *_REQUIRED_TOTALS, "hits", "corrections", "did_you_mean", "expansions", "warnings"]),
        "Concept": _object({
            "id": _STRING, "headword": _STRING, "pos": _STRING, "domain": _STRING, "definition": _STRING,
            "note": _STRING,
            "terms": {"type": "object", "additionalProperties": _array(_STRING),
                      "description": "Every term in each language, the preferred one first."},
            "hidden": {"type": "object", "additionalProperties": _array(_STRING),
                       "description": "Hidden labels per language: misspellings that find the concept, never shown."},
            "broader": _array(_STRING), "narrower": _array(_STRING), "related": _array(_STRING),
        }),
        "GlossaryResult": _object({
            "query": _STRING,
            "lang": {"type": ["string", "null"]},
            "total": {"type": "integer", "minimum": 0},
            "matches": _array(_object({"lang": _STRING, "term": _STRING, "exact": {"type": "boolean"},
                                       "how": {"type": "string", "enum": ["exact", "inflected", "spelling",
                                                                          "compound", "modifier", "part", "related"],
                                               "description": "How the word was read: the term itself, an "
                                                              "inflection, another spelling, a part of a compound, "
                                                              "a word of the term, or a concept related to the "
                                                              "first one found."},
                                       "concept": _ref("Concept")})),
        }),
        "Error": _object({"error": _object({
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "message": _STRING,
        })}),
    }


def _filter_schema(field: F.Field) -> dict:
    """The schema of the parameter that filters by ``field``, by the field's kind."""
    if field.kind in (F.YEAR_RANGE, F.YEAR):
        schema = {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}
    elif field.kind == F.CODE:
        schema = dict(F.OBJECTIVE_CODE_SCHEMA)
    elif field.kind == F.AMOUNT:
        schema = {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"}
    else:
        schema = {"type": "string", "maxLength": MAX_TEXT}
    extensions = {f"x-{flag}": True for flag in ("sortable", "facetable") if getattr(field, flag)}
    return {**schema, **extensions}


def _parameter(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


_ERRORS = {
    "400": _json("Error", "A parameter is missing, unknown or has a bad value, or the query cannot be understood."),
    "405": _json("Error", "Only GET, HEAD and OPTIONS are allowed; the Allow header lists them."),
    "414": _json("Error", "The query string is too long."),
    "500": _json("Error", "An error of the server; the message says nothing more."),
    "503": _json("Error", "The index cannot be used right now, or no answer was ready within the server's "
                          "deadline (then with Retry-After)."),
}
# Errors that waitress answers itself, before the application sees the request (a malformed
# request line or header, a body or header too large): plain text, not the Error object.
SERVER_ERRORS_NOTE = ("A request the HTTP server cannot parse (a malformed request line or header, headers too "
                      "large) is answered by the server itself with a 400 or 431 in plain text, not JSON.")


# The version of the API in its paths; the paths without it answer the same (for older clients).
API_PREFIX = "/api/v1"


def openapi_document(*, max_query_length: int, languages: list[str]) -> dict:
    """The description of this application's API, with its limits filled in."""
    filters = [_parameter(f.api_parameter, f.description, _filter_schema(f)) for f in F.filterable_fields()]
    lang = _parameter("lang", "The language of the query words (default: recognised word by word).",
                      {"type": "string", "enum": list(languages)})
    sort = _parameter("sort", "The order: relevance (a search's ranking; the source order of a list), "
                              + ", ".join(SORTS[1:]) + " (the sortable fields of the registry: dates, EU support); "
                              "a leading - reverses it (-start: newest first). Ties keep the relevance order.",
                      {"type": "string", "enum": _SORT_VALUES, "default": "relevance"})
    facets = _parameter("facets", "1 to add the facets (counts and sums by " + ", ".join(FACETS)
                        + " over every match).", {"type": "string", "enum": ["0", "1", "true", "false"]})
    ui = _parameter("ui", "The language of the messages (errors): one of the interface languages; without it, "
                          "the first of Accept-Language that is one of them, else sv. The same parameter chooses "
                          "the language of the search page, and --ui (or --lang) that of the command line.",
                    {"type": "string", "enum": list(interface_languages())})

    def paging(default_limit: int) -> list:
        return [_parameter("limit", "At most this many results.",
                           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": default_limit}),
                _parameter("offset", "Skip this many results first; past the end, the page is empty and total "
                                     "still counts every match.",
                           {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0})]

    def get(summary: str, parameters: list, response: dict, *, not_found: bool = False) -> dict:
        parameters = [*parameters, ui]
        responses = {"200": response, "304": {"description": "Not modified: the ETag of If-None-Match is current."},
                     **_ERRORS}
        if not_found:
            responses["404"] = _json("Error", "There is no project with this ID.")
        head_response = {"description": "The headers a GET would send, without the body."}
        return {
            "get": {"summary": summary, "parameters": parameters, "responses": responses},
            "head": {"summary": f"{summary} (headers only)", "parameters": parameters,
                     "responses": {"200": head_response, **{k: {"description": v["description"]}
                                                            for k, v in responses.items() if k != "200"}}},
            "options": {"summary": "The methods allowed here (and, with --cors, the CORS preflight)",
                        "responses": {"204": {"description": "No body; Allow lists GET, HEAD and OPTIONS.",
                                              "headers": {"Allow": {"schema": {"type": "string"}}}}}},
        }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "amif-search",
            "version": __version__,
            "description": "Search the EU Asylum, Migration and Integration Fund (AMIF) projects in Finland "
                           "in Swedish, Finnish and English. Unknown query parameters are refused (400). "
                           "Answers carry an ETag and Cache-Control: no-cache; ask again with If-None-Match to "
                           "get 304 while the index is unchanged. Output formats: JSON only (the command line "
                           "also writes JSON Lines, CSV and TSV). " + SERVER_ERRORS_NOTE,
        },
        "paths": _paths({
            "/search": get("Search the projects", [
                _parameter("q", "The query, in the query language of the command line "
                                "(\"phrase\", OR, -word, år:2022, ...). A query that has no words once read "
                                "(only punctuation, a lone operator) or that cannot be understood (an unknown "
                                "field) is answered with 400.",
                           {"type": "string", "minLength": 1, "maxLength": max_query_length, "pattern": r"\S"},
                           required=True),
                lang, *filters, *paging(10), sort, facets,
            ], _json("SearchResult", "A page of hits, best first (or as sort says), the totals of every match, "
                                     "and how the query was read.")),
            "/projects": get("List the projects in source order", [*filters, *paging(MAX_LIMIT), sort, facets],
                             _json("ProjectList", "A page of the projects that pass the filters, and their "
                                                  "totals.")),
            "/projects/{id}": {**get("One project with its glossary concepts", [],
                                     _json("ProjectDetail", "The project."), not_found=True),
                               "parameters": [{"name": "id", "in": "path", "required": True,
                                               "schema": {"type": "string"}}]},
            "/glossary": get("Look a word up in the glossary", [
                _parameter("q", "A term in any language and inflection.",
                           {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}, required=True),
                lang,
            ], _json("GlossaryResult", "The concepts that have the word as a term, best first.")),
            "/openapi.json": get("This description", [], {
                "description": "The OpenAPI document.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }),
        }),
        "components": {"schemas": _schemas()},
    }


def _paths(operations: dict) -> dict:
    """Each operation under /api/v1, and again under /api (deprecated: the paths of before the version)."""
    paths = {API_PREFIX + path: operation for path, operation in operations.items()}
    for path, operation in operations.items():
        alias = {key: ({**value, "deprecated": True, "summary": value["summary"] + f" (as {API_PREFIX}{path})"}
                       if key in ("get", "head", "options") else value) for key, value in operation.items()}
        paths["/api" + path] = alias
    return paths
