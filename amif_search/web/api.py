"""The JSON endpoints: their parameters, checked strictly, and the documents they answer with.

Each endpoint is a function ``(catalogue, params, settings) -> JSON-able data``. A parameter
the endpoint does not know, a value of the wrong kind or out of range, raises
:class:`~amif_search.web.http.HttpError` (400) naming the parameter; errors of the library
(a query that cannot be understood, an unknown ID) pass through to the application, which
turns them into responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import fields as F
from ..catalogue import Catalogue
from ..model import Project
from .http import HttpError

__all__ = ["ApiSettings", "search", "projects", "project", "glossary", "project_json",
           "search_parameters", "projects_parameters", "filter_parameters", "GLOSSARY_PARAMETERS",
           "MAX_LIMIT", "MAX_OFFSET", "MAX_TEXT", "YEARS"]

MAX_LIMIT = 100
MAX_OFFSET = 10_000
# The longest implementer filter or glossary word accepted.
MAX_TEXT = 200
YEARS = (1900, 2200)

GLOSSARY_PARAMETERS = ("q", "lang")


def filter_parameters() -> tuple[str, ...]:
    """The parameters that filter by a field: those the field registry declares."""
    return tuple(f.api_parameter for f in F.filterable_fields())


def search_parameters() -> tuple[str, ...]:
    return ("q", "lang", *filter_parameters(), "limit", "offset")


def projects_parameters() -> tuple[str, ...]:
    return filter_parameters()

_OBJECTIVE = re.compile(r"\d{1,3}(?:\.\d{1,3})?\Z")


@dataclass(frozen=True)
class ApiSettings:
    """Limits that the application was created with."""

    max_query_length: int


def _only(params: dict[str, str], known: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise HttpError(400, f"unknown parameter {unknown[0]!r} (known: {', '.join(known)})")


def _required(params: dict[str, str], name: str) -> str:
    if name not in params:
        raise HttpError(400, f"the parameter {name!r} is required")
    return params[name]


def _text(params: dict[str, str], name: str, max_length: int = MAX_TEXT) -> str | None:
    value = params.get(name, "").strip()
    if len(value) > max_length:
        raise HttpError(400, f"{name} is too long ({len(value)} characters; at most {max_length})")
    return value or None


def _integer(params: dict[str, str], name: str, default: int | None, low: int, high: int) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise HttpError(400, f"{name} must be a whole number from {low} to {high}, not {value!r}")
    number = int(value)
    if not low <= number <= high:
        raise HttpError(400, f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return number


def _year(params: dict[str, str], name: str) -> int | None:
    value = params.get(name, "").strip()
    if value and not re.fullmatch(r"[0-9]{4}", value):
        raise HttpError(400, f"{name} must be a year such as 2022, not {value!r}")
    return _integer(params, name, None, *YEARS)


def _code(params: dict[str, str], name: str) -> str | None:
    value = _text(params, name, 20)
    if value is not None and not _OBJECTIVE.match(value):
        raise HttpError(400, f"{name} must be an objective code such as 6.2, not {value!r}")
    return value


def _amount(params: dict[str, str], name: str) -> str | None:
    value = _text(params, name, 20)
    if value is not None and not re.fullmatch(r"[0-9]{1,12}(?:\.[0-9]{1,2})?", value):
        raise HttpError(400, f"{name} must be an amount in euros such as 500000, not {value!r}")
    return value


# How a parameter of each kind of field is read.
_READERS = {F.YEAR_RANGE: _year, F.YEAR: _year, F.CODE: _code, F.AMOUNT: _amount, F.TEXT: _text, F.ID: _text}


def _filters(params: dict[str, str]) -> dict[str, object]:
    """The field filters of the request, by field name."""
    values = {}
    for field in F.filterable_fields():
        value = _READERS[field.kind](params, field.api_parameter)
        if value is not None:
            values[field.name] = value
    return values


def _query_language(catalogue: Catalogue, params: dict[str, str]) -> str | None:
    value = _text(params, "lang", 10)
    if value is None:
        return None
    known = catalogue.glossary.all_languages()
    if value not in known:
        raise HttpError(400, f"lang must be one of {', '.join(known)}, not {value!r}")
    return value


def _query(params: dict[str, str], max_length: int) -> str:
    text = _required(params, "q")
    if len(text) > max_length:
        raise HttpError(400, f"the query is too long ({len(text)} characters; at most {max_length})")
    return text


def search(catalogue: Catalogue, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/search``: a page of hits, as :meth:`SearchResult.to_json`."""
    _only(params, search_parameters())
    query = _query(params, settings.max_query_length)
    result = catalogue.search(
        query,
        limit=_integer(params, "limit", 10, 1, MAX_LIMIT),
        offset=_integer(params, "offset", 0, 0, MAX_OFFSET) or 0,
        lang=_query_language(catalogue, params),
        filters=_filters(params),
    )
    return result.to_json()


def projects(catalogue: Catalogue, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/projects``: every project in source order, optionally filtered."""
    _only(params, projects_parameters())
    found = catalogue.projects(filters=_filters(params))
    return {"total": len(found), "projects": [p.to_json() for p in found]}


def project_json(catalogue: Catalogue, project: Project) -> dict:
    """One project with its notes and glossary concepts: the same as ``amif-search show --json``."""
    data = project.to_json()
    data["notes"] = list(project.notes)
    data["concepts"] = [{"id": c.id, "sv": c.headword, "terms": {k: v[0] for k, v in c.terms.items() if v}}
                        for c in catalogue.concepts_in(project)]
    return data


def project(catalogue: Catalogue, project_id: str, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/projects/<id>``: one project, or :class:`NotFoundError`."""
    _only(params, ())
    return project_json(catalogue, catalogue.get(project_id))


def glossary(catalogue: Catalogue, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/glossary``: the concepts that have the word as a term, best first."""
    _only(params, GLOSSARY_PARAMETERS)
    word = _required(params, "q")
    if len(word) > MAX_TEXT:
        raise HttpError(400, f"q is too long ({len(word)} characters; at most {MAX_TEXT})")
    lang = _query_language(catalogue, params)
    matches = catalogue.lookup(word, lang)
    return {
        "query": word,
        "lang": lang,
        "total": len(matches),
        "matches": [{"lang": m.lang, "term": m.term, "exact": m.exact, "how": m.how,
                     "concept": dict(m.concept.to_json(), narrower=catalogue.glossary.narrower(m.concept.id))}
                    for m in matches],
    }
