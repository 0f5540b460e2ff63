"""amif-search: the EU AMIF projects in Finland, searchable in Swedish, Finnish and English.

    >>> import amif_search
    >>> catalogue = amif_search.open_catalogue()
    >>> result = catalogue.search("trauma barn", limit=3)
    >>> [hit.project.id for hit in result.hits]
    ['lanu-2022', 'lanu-2019', 'rehabilitering-krigstraumatiserade-2021']

Importing the package is cheap and quiet: the search machinery loads on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__", "open_catalogue", "build_index", "update_index", "Catalogue", "SearchResult", "Hit",
    "Project", "Objective", "parse_document", "read_source",
    "AmifSearchError", "SourceError", "QueryError", "IndexStateError", "IndexNotFoundError",
    "IndexLockedError", "NotFoundError", "CatalogError", "GlossaryError",
]

_LAZY = {
    "open_catalogue": "catalogue", "build_index": "indexing", "update_index": "indexing", "Catalogue": "catalogue",
    "SearchResult": "catalogue", "Hit": "catalogue",
    "Project": "model", "Objective": "model",
    "parse_document": "source", "read_source": "source",
    "AmifSearchError": "errors", "SourceError": "errors", "QueryError": "errors",
    "IndexStateError": "errors", "IndexNotFoundError": "errors", "IndexLockedError": "errors",
    "NotFoundError": "errors", "CatalogError": "errors", "GlossaryError": "errors",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'amif_search' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
