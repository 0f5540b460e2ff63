"""The OpenAPI 3.1 description of the JSON API.

The schemas are strict (every key required, no others allowed), so that the test which
validates real responses against them fails as soon as a response and this description
drift apart.
"""

from __future__ import annotations

from .. import __version__
from .. import fields as F
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


def _schemas() -> dict:
    """The response schemas; a project's keys are those of the field registry."""
    project_fields = {value.key: value.schema for value in F.json_values()}
    hit_fields = {value.key: value.schema for value in F.json_values(hit=True)}
    return {
        "Project": _object(project_fields),
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
        "ProjectList": _object({"total": {"type": "integer", "minimum": 0}, "projects": _array(_ref("Project"))}),
        "Hit": _object({
            **hit_fields,
            "score": {"type": "number"},
            "matched_concepts": {"type": "integer", "minimum": 0},
            "snippet": _STRING,
            "highlights": _array(_SPAN),
        }),
        "SearchResult": _object({
            "query": _STRING,
            "total": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "limit": {"type": ["integer", "null"], "minimum": 0},
            "query_concepts": {"type": "integer", "minimum": 0,
                               "description": "How many concepts the query has; a hit whose matched_concepts "
                                              "equals it matches the whole query."},
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
        }),
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


def openapi_document(*, max_query_length: int, languages: list[str]) -> dict:
    """The description of this application's API, with its limits filled in."""
    filters = [_parameter(f.api_parameter, f.description, _filter_schema(f)) for f in F.filterable_fields()]
    lang = _parameter("lang", "The language of the query words (default: recognised word by word).",
                      {"type": "string", "enum": list(languages)})

    def get(summary: str, parameters: list, response: dict, *, not_found: bool = False) -> dict:
        responses = {"200": response, **_ERRORS}
        if not_found:
            responses["404"] = _json("Error", "There is no project with this ID.")
        head_response = {"description": "The headers a GET would send, without the body."}
        return {
            "get": {"summary": summary, "parameters": parameters, "responses": responses},
            "head": {"summary": f"{summary} (headers only)", "parameters": parameters,
                     "responses": {"200": head_response, **{k: {"description": v["description"]}
                                                            for k, v in _ERRORS.items()}}},
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
                           + SERVER_ERRORS_NOTE,
        },
        "paths": {
            "/api/search": get("Search the projects", [
                _parameter("q", "The query, in the query language of the command line "
                                "(\"phrase\", OR, -word, år:2022, ...).",
                           {"type": "string", "minLength": 1, "maxLength": max_query_length}, required=True),
                lang, *filters,
                _parameter("limit", "At most this many hits.",
                           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10}),
                _parameter("offset", "Skip this many hits first.",
                           {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}),
            ], _json("SearchResult", "A page of hits, best first, and how the query was read.")),
            "/api/projects": get("List every project in source order", filters,
                                 _json("ProjectList", "The projects that pass the filters.")),
            "/api/projects/{id}": {**get("One project with its glossary concepts", [],
                                         _json("ProjectDetail", "The project."), not_found=True),
                                   "parameters": [{"name": "id", "in": "path", "required": True,
                                                   "schema": {"type": "string"}}]},
            "/api/glossary": get("Look a word up in the glossary", [
                _parameter("q", "A term in any language and inflection.",
                           {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}, required=True),
                lang,
            ], _json("GlossaryResult", "The concepts that have the word as a term, best first.")),
            "/api/openapi.json": get("This description", [], {
                "description": "The OpenAPI document.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }),
        },
        "components": {"schemas": _schemas()},
    }
