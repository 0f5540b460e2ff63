"""The JSON endpoints: their parameters, checked strictly, and the documents they answer with.

Each endpoint is a function ``(collection, params, settings) -> JSON-able data``. A parameter
the endpoint does not know, a value of the wrong kind or out of range, raises
:class:`~amif_search.web.http.HttpError` (400) naming the parameter; errors of the library
(a query that cannot be understood, an unknown ID) pass through to the application, which
turns them into responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import fields as F
from ..collection import Collection, SearchResult
from ..i18n import _
from ..i18n.languages import interface_languages
from ..summary import SORTS
from .http import HttpError

__all__ = ["ApiSettings", "search", "search_result", "projects", "project", "glossary",
           "search_parameters", "projects_parameters", "filter_parameters", "PROJECT_PARAMETERS",
           "GLOSSARY_PARAMETERS",
           "MAX_LIMIT", "MAX_OFFSET", "MAX_TEXT", "YEARS"]

MAX_LIMIT = 100
MAX_OFFSET = 10_000
# The longest implementer filter or glossary word accepted.
MAX_TEXT = 200
YEARS = (1900, 2200)

# ``ui`` (the language of the answer's messages) is accepted everywhere; the application reads it.
PROJECT_PARAMETERS = ("ui",)
GLOSSARY_PARAMETERS = ("q", "lang", "ui")


def filter_parameters() -> tuple[str, ...]:
    """The parameters that filter by a field: those the field registry declares."""
    return tuple(f.api_parameter for f in F.filterable_fields())


def search_parameters() -> tuple[str, ...]:
    return ("q", "lang", *filter_parameters(), "limit", "offset", "sort", "facets", "ui")


def projects_parameters() -> tuple[str, ...]:
    return (*filter_parameters(), "limit", "offset", "sort", "facets", "ui")


_OBJECTIVE = re.compile(r"\d{1,3}(?:\.\d{1,3})?\Z")


@dataclass(frozen=True)
class ApiSettings:
    """Limits that the application was created with."""

    max_query_length: int


def _only(params: dict[str, str], known: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise HttpError(400, _("okänd parameter '{name}' (kända: {known})").format(
            name=unknown[0], known=", ".join(known)))
    ui = params.get("ui")
    if ui is not None and ui not in interface_languages():
        raise HttpError(400, _("{name} måste vara ett av {known}, inte '{value}'").format(
            name="ui", known=", ".join(interface_languages()), value=ui))


def _too_long(name: str, length: int, limit: int) -> str:
    return _("{name} är för lång ({length} tecken; högst {limit})").format(name=name, length=length, limit=limit)


def _required(params: dict[str, str], name: str) -> str:
    if name not in params:
        raise HttpError(400, _("parametern '{name}' krävs").format(name=name))
    return params[name]


def _text(params: dict[str, str], name: str, max_length: int = MAX_TEXT) -> str | None:
    value = params.get(name, "").strip()
    if len(value) > max_length:
        raise HttpError(400, _too_long(name, len(value), max_length))
    return value or None


def _integer(params: dict[str, str], name: str, default: int | None, low: int, high: int) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value) or not low <= int(value) <= high:
        raise HttpError(400, _("{name} måste vara ett heltal från {low} till {high}, inte '{value}'").format(
            name=name, low=low, high=high, value=value))
    number = int(value)
    return number


def _year(params: dict[str, str], name: str) -> int | None:
    value = params.get(name, "").strip()
    if value and not re.fullmatch(r"[0-9]{4}", value):
        raise HttpError(400, _("{name} måste vara ett år som 2022, inte '{value}'").format(name=name, value=value))
    return _integer(params, name, None, *YEARS)


def _code(params: dict[str, str], name: str) -> str | None:
    value = _text(params, name, 20)
    if value is not None and not _OBJECTIVE.match(value):
        raise HttpError(400, _("{name} måste vara en målkod som 6.2, inte '{value}'").format(
            name=name, value=value))
    return value


def _amount(params: dict[str, str], name: str) -> str | None:
    value = _text(params, name, 20)
    if value is not None and not re.fullmatch(r"[0-9]{1,12}(?:\.[0-9]{1,2})?", value):
        raise HttpError(400, _("{name} måste vara ett belopp i euro som 500000, inte '{value}'").format(
            name=name, value=value))
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


def _query_language(collection: Collection, params: dict[str, str]) -> str | None:
    value = _text(params, "lang", 10)
    if value is None:
        return None
    known = collection.glossary.all_languages()
    if value not in known:
        raise HttpError(400, _("{name} måste vara ett av {known}, inte '{value}'").format(
            name="lang", known=", ".join(known), value=value))
    return value


def _query(params: dict[str, str], max_length: int) -> str:
    text = _required(params, "q")
    if len(text) > max_length:
        raise HttpError(400, _("frågan är för lång ({length} tecken; högst {limit})").format(
            length=len(text), limit=max_length))
    return text


def _sort(params: dict[str, str]) -> str:
    value = params.get("sort", "").strip() or "relevance"
    if value.lstrip("-") not in SORTS or value.startswith("--"):
        raise HttpError(400, _("sort måste vara ett av {known}, med ett - framför för omvänd ordning, inte "
                               "'{value}'").format(known=", ".join(SORTS), value=value))
    return value


def _flag(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "").strip().lower()
    if value not in ("", "0", "1", "true", "false"):
        raise HttpError(400, _("{name} måste vara 1 eller 0, inte '{value}'").format(name=name, value=value))
    return value in ("1", "true")


def search(collection: Collection, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/search``: a page of hits, as :meth:`SearchResult.to_json`; the facets with ``facets=1``."""
    _only(params, search_parameters())
    return search_result(collection, params, settings).to_json(facets=_flag(params, "facets"))


def search_result(collection: Collection, params: dict[str, str], settings: ApiSettings,
                  default_limit: int = 10) -> SearchResult:
    """The search that ``params`` asks for, its parameters checked as ``/api/search`` checks them."""
    query = _query(params, settings.max_query_length)
    return collection.search(
        query,
        limit=_integer(params, "limit", default_limit, 1, MAX_LIMIT),
        offset=_integer(params, "offset", 0, 0, MAX_OFFSET) or 0,
        lang=_query_language(collection, params),
        filters=_filters(params),
        sort=_sort(params),
    )


def projects(collection: Collection, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/projects``: a page of the projects in source order (or ``sort``), optionally
    filtered; the facets with ``facets=1``."""
    _only(params, projects_parameters())
    listing = collection.listing(
        filters=_filters(params),
        sort=_sort(params),
        limit=_integer(params, "limit", MAX_LIMIT, 1, MAX_LIMIT),
        offset=_integer(params, "offset", 0, 0, MAX_OFFSET) or 0,
    )
    return listing.to_json(facets=_flag(params, "facets"))


def project(collection: Collection, project_id: str, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/projects/<id>``: one project, or :class:`NotFoundError`."""
    _only(params, PROJECT_PARAMETERS)
    return collection.project_json(collection.get(project_id))


def glossary(collection: Collection, params: dict[str, str], settings: ApiSettings) -> dict:
    """``/api/glossary``: the concepts that have the word as a term, best first."""
    _only(params, GLOSSARY_PARAMETERS)
    word = _required(params, "q")
    if len(word) > MAX_TEXT:
        raise HttpError(400, _too_long("q", len(word), MAX_TEXT))
    lang = _query_language(collection, params)
    matches = collection.lookup(word, lang)
    return {
        "query": word,
        "lang": lang,
        "total": len(matches),
        "matches": [{"lang": m.lang, "term": m.term, "exact": m.exact, "how": m.how,
                     "concept": dict(m.concept.to_json(), narrower=collection.glossary.narrower(m.concept.id))}
                    for m in matches],
    }
