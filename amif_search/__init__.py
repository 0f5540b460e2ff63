"""amif-search: the EU AMIF projects in Finland, searchable in Swedish, Finnish and English.

    >>> import amif_search
    >>> with amif_search.open_collection() as collection:
    ...     result = collection.search("trauma barn", limit=2)
    >>> result.total, len(result.hits), result.eu_support_total
    (3, 2, Decimal('2091076.95'))
    >>> [(value.value, value.count) for value in result.facets["start_year"]]
    [('2019', 1), ('2021', 1), ('2022', 1)]

Importing the package is cheap and quiet: the search machinery loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "__version__", "open_collection", "build_index", "update_index", "Collection", "SearchResult", "ProjectList",
    "Hit", "FacetValue", "Project", "Objective", "parse_document", "read_source",
    "AmifSearchError", "SourceError", "QueryError", "IndexStateError", "IndexNotFoundError",
    "IndexLockedError", "NotFoundError", "CatalogError", "GlossaryError",
]

_LAZY = {
    "open_collection": "collection", "build_index": "indexing", "update_index": "indexing", "Collection": "collection",
    "SearchResult": "collection", "ProjectList": "collection", "Hit": "collection", "FacetValue": "summary",
    "Project": "model", "Objective": "model",
    "parse_document": "source", "read_source": "source",
    "AmifSearchError": "errors", "SourceError": "errors", "QueryError": "errors",
    "IndexStateError": "errors", "IndexNotFoundError": "errors", "IndexLockedError": "errors",
    "NotFoundError": "errors", "CatalogError": "errors", "GlossaryError": "errors",
}

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors (never run)
    from .collection import Collection, Hit, ProjectList, SearchResult, open_collection
    from .errors import (AmifSearchError, CatalogError, GlossaryError, IndexLockedError, IndexNotFoundError,
                         IndexStateError, NotFoundError, QueryError, SourceError)
    from .indexing import build_index, update_index
    from .model import Objective, Project
    from .source import parse_document, read_source
    from .summary import FacetValue


# Names of the previous release, kept for one release: "catalogue" read too much like the
# gettext "catalog" of the translators' commands.
_DEPRECATED = {"open_catalogue": "open_collection", "Catalogue": "Collection"}


def __getattr__(name: str) -> object:
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"amif_search.{name} is deprecated; use amif_search.{_DEPRECATED[name]}",
                      DeprecationWarning, stacklevel=2)
        return __getattr__(_DEPRECATED[name])
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'amif_search' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
