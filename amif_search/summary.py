"""What a set of projects adds up to, and the orders it can be read in.

Every search and every listing reports, over all its matches and not only the page shown,
the number of projects, the sum of their EU support (an exact decimal) and facets: counts
and sums by national objective, by start year and by implementer. The facts these need are
small (:class:`Facts`), so that a search can gather them for thousands of matches without
reading each project in full.

Sorting: ``relevance`` (a search's ranking; a listing's source order), ``start``, ``end`` or
``support``, ascending; a leading ``-`` reverses (``-start``: newest first). Ties keep the
relevance (or source) order.

The facets are the fields that the field registry (:mod:`amif_search.fields`) declares
facetable, the sort keys those it declares sortable, each named by its English query name
(``start:``, ``end:``, ``support:``); this module knows how to read each from :class:`Facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence, TypeVar

from .errors import QueryError
from .fields import FIELDS
from .i18n import _

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Facts", "FacetValue", "FactsTable", "Summary", "FACETS", "SORTS", "SORT_FIELDS", "summarise", "facets_json",
           "check_sort", "sort_order"]

# The facets, in the registry's order: objective, implementer, start_year.
FACETS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.facetable)
# The sort keys a user may name, each with the field of the registry it orders by.
SORT_FIELDS: dict[str, str] = {(f.query_names or (f.name,))[-1]: f.name for f in FIELDS if f.sortable}
SORTS: tuple[str, ...] = ("relevance", *SORT_FIELDS)


@dataclass(frozen=True)
class Facts:
    """What totals, facets and sorting need to know of a project (its support in cents, which
    add up exactly and fast)."""

    id: str
    objective: str
    implementer: str
    start: date
    end: date
    cents: int

    @property
    def eu_support(self) -> Decimal:
        return _euros(self.cents)

    @classmethod
    def of(cls, project) -> "Facts":
        return cls(project.id, project.objective.code, project.implementer, project.start, project.end,
                   int(project.eu_support.scaleb(2)))


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: how many of the matches have it, and their EU support."""

    value: str
    count: int
    eu_support: Decimal

    def to_json(self) -> dict:
        """``{"value", "count", "eu_support"}``, the amount a decimal string."""
        return {"value": self.value, "count": self.count, "eu_support": f"{self.eu_support:.2f}"}


@dataclass(frozen=True)
class Summary:
    """The totals of a set of projects and its facets."""

    total: int
    eu_support_total: Decimal
    facets: dict[str, list[FacetValue]]


def facets_json(facets: dict[str, list[FacetValue]]) -> dict:
    """The facets' JSON form: each facet's values as :meth:`FacetValue.to_json`."""
    return {name: [value.to_json() for value in values] for name, values in facets.items()}


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


# Objectives and years in their natural order; implementers most frequent first.
_FACET_ORDER: dict[str, Callable[[FacetValue], tuple]] = {
    "objective": lambda v: _code_key(v.value),
    "start_year": lambda v: (v.value,),
    "implementer": lambda v: (-v.count, v.value.casefold(), v.value),
}


def summarise(facts: Iterable[Facts]) -> Summary:
    """The totals and facets of ``facts``; the sums are exact (added up in cents)."""
    total = 0
    cents = 0
    # The three facets the registry declares, written out: this loop runs once per match of a
    # broad search. (A test keeps FACETS and these three the same.)
    tallies: dict[str, dict[object, list[int]]] = {name: {} for name in ("objective", "implementer", "start_year")}
    objectives, years, implementers = tallies["objective"], tallies["start_year"], tallies["implementer"]
    for fact in facts:
        amount = fact.cents
        total += 1
        cents += amount
        for tally, value in ((objectives, fact.objective), (implementers, fact.implementer), (years, fact.start.year)):
            entry = tally.get(value)
            if entry is None:
                tally[value] = [1, amount]
            else:
                entry[0] += 1
                entry[1] += amount
    facets = {name: sorted((FacetValue(str(value), count, _euros(amount))
                            for value, (count, amount) in tallies[name].items()), key=_FACET_ORDER[name])
              for name in FACETS}
    return Summary(total, _euros(cents), facets)


def _euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def check_sort(sort: str) -> tuple[str, bool]:
    """The sort key and whether it is reversed; :class:`QueryError` for an unknown one."""
    reverse = sort.startswith("-")
    key = sort[1:] if reverse else sort
    if key not in SORTS:
        raise QueryError(_("okänd sortering {sort} (kända: {known}; ett - framför vänder ordningen)").format(
            sort=sort, known=", ".join(SORTS)))
    return key, reverse


# How each sortable field of the registry is read from the facts (by date, not only year).
FACT_OF_FIELD: dict[str, Callable[[Facts], object]] = {
    "start_year": lambda f: f.start,
    "end_year": lambda f: f.end,
    "support": lambda f: f.cents,
}
_SORT_VALUE = {key: FACT_OF_FIELD[name] for key, name in SORT_FIELDS.items()}

T = TypeVar("T")


def sort_order(items: Sequence[T], facts: Callable[[T], Facts], sort: str) -> list[T]:
    """``items`` (in relevance or source order) in the order ``sort`` names."""
    key, reverse = check_sort(sort)
    if key == "relevance":
        return list(reversed(items)) if reverse else list(items)
    value = _SORT_VALUE[key]
    # sorted() is stable, reversed too: ties keep their relevance (or source) order.
    return sorted(items, key=lambda item: value(facts(item)), reverse=reverse)  # type: ignore[arg-type,return-value]


# The value of each facet in the facts, as summarise() tallies it.
_FACET_VALUE: dict[str, Callable[[Facts], object]] = {
    "objective": lambda f: f.objective,
    "implementer": lambda f: f.implementer,
    "start_year": lambda f: f.start.year,
}


def _number(value: object) -> int:
    """A sort value as a whole number (dates by their day), so that numpy orders it."""
    return value.toordinal() if isinstance(value, date) else int(value)  # type: ignore[call-overload]


class FactsTable:
    """The facts of every project of a collection as columns: the totals, facets and order of
    thousands of matches in a few array operations instead of a loop over them.

    It gives what :func:`summarise` and :func:`sort_order` give, to the cent and the tie (a
    test compares them). A build keeps the table of its index, rows by document number
    (:meth:`columns`), so that opening it reads a few arrays (:meth:`from_columns`); for an
    index without one, a collection builds it when a search first matches many projects,
    since reading every project's facts costs what reading a large match's does.
    """

    def __init__(self, facts: Iterable[Facts]) -> None:
        import numpy as np  # noqa: PLC0415

        items = list(facts)
        self._row: dict[str, int] | None = {f.id: i for i, f in enumerate(items)}
        self.cents = np.array([f.cents for f in items], dtype=np.int64)
        self.codes: dict[str, NDArray[np.intp]] = {}
        self.values: dict[str, list[object]] = {}
        for name in FACETS:
            get = _FACET_VALUE[name]
            seen: dict[object, int] = {}
            self.codes[name] = np.array([seen.setdefault(get(f), len(seen)) for f in items], dtype=np.intp)
            self.values[name] = list(seen)
        self.sort_values = {key: np.array([_number(value(f)) for f in items], dtype=np.int64)
                            for key, value in _SORT_VALUE.items()}
        self._doc_rows = np.zeros(0, dtype=np.intp)
        self.document_ids: Sequence[str | None] = ()

    def columns(self) -> dict[str, bytes]:
        """The table as named byte strings, to be kept with the index: each array's bytes
        (little-endian), the facets' values and each document's ID (None for a deleted one,
        see :meth:`number_documents`) as JSON."""
        import json  # noqa: PLC0415

        import numpy as np  # noqa: PLC0415

        def raw(array: "NDArray[np.int64] | NDArray[np.intp]") -> bytes:
            return np.ascontiguousarray(array, dtype="<i8").tobytes()

        found = {"ids": json.dumps(list(self.document_ids), ensure_ascii=False).encode("utf-8"),
                 "rows": raw(self._doc_rows), "cents": raw(self.cents)}
        for name in FACETS:
            found["facet." + name] = raw(self.codes[name])
            found["values." + name] = json.dumps(self.values[name], ensure_ascii=False).encode("utf-8")
        for key in _SORT_VALUE:
            found["sort." + key] = raw(self.sort_values[key])
        return found

    @classmethod
    def from_columns(cls, found: Mapping[str, bytes]) -> "FactsTable":
        """The table of :meth:`columns`; ValueError names the column that does not fit."""
        import json  # noqa: PLC0415

        import numpy as np  # noqa: PLC0415

        def array(name: str, size: int | None, below: int | None = None) -> "NDArray[np.int64]":
            value = found.get(name)
            if not isinstance(value, bytes) or len(value) % 8:
                raise ValueError(f"column {name}")
            numbers = np.frombuffer(value, dtype="<i8").astype(np.intp if below is not None else np.int64)
            if size is not None and len(numbers) != size or below is not None and len(numbers) and (
                    numbers.min() < -1 or numbers.max() >= below):
                raise ValueError(f"column {name}")
            return numbers

        def listed(name: str) -> list[object]:
            try:
                value = json.loads(found[name].decode("utf-8"))
            except (KeyError, UnicodeDecodeError, ValueError):
                raise ValueError(f"column {name}") from None
            if not isinstance(value, list):
                raise ValueError(f"column {name}")
            return value

        table = cls.__new__(cls)
        ids = listed("ids")
        if not all(i is None or isinstance(i, str) for i in ids):
            raise ValueError("column ids")
        table.cents = array("cents", None)
        size = len(table.cents)
        table.codes, table.values = {}, {}
        for name in FACETS:
            table.values[name] = listed("values." + name)
            table.codes[name] = array("facet." + name, size, len(table.values[name]))
            if len(table.codes[name]) and table.codes[name].min() < 0:
                raise ValueError(f"column facet.{name}")
        table.sort_values = {key: array("sort." + key, size) for key in _SORT_VALUE}
        table._doc_rows = array("rows", len(ids), size)
        # A tuple: holding only strings, the garbage collector stops going through it.
        table.document_ids = tuple(i if isinstance(i, str) else None for i in ids)
        live = table._doc_rows[table._doc_rows >= 0]
        if len(live) != size or len(live) and np.bincount(live, minlength=size).max() > 1:
            raise ValueError("column rows")   # each row the row of one document
        table._row = None
        return table

    @property
    def row(self) -> dict[str, int]:
        """Each project's row by its ID (of a kept table: made when first asked for)."""
        if self._row is None:
            ids = self.document_ids
            self._row = {ids[d]: r for d, r in enumerate(self._doc_rows.tolist()) if r >= 0}  # type: ignore[misc]
        return self._row

    def rows(self, ids: Sequence[str]) -> "NDArray[np.intp]":
        """The rows of these projects (a numpy array); KeyError for a project not in the table."""
        import numpy as np  # noqa: PLC0415

        row = self.row
        return np.fromiter((row[pid] for pid in ids), dtype=np.intp, count=len(ids))

    def number_documents(self, ids: Mapping[int, str], size: int) -> None:
        """Remember each document's row by its number (``ids``: number → project ID, of
        ``size`` numbers in all), for :meth:`rows_of_docs`."""
        import numpy as np  # noqa: PLC0415

        row = self.row
        self._doc_rows = np.full(size, -1, dtype=np.intp)
        numbered: list[str | None] = [None] * size
        for docnum, pid in ids.items():
            self._doc_rows[docnum] = row.get(pid, -1)
            numbered[docnum] = pid
        self.document_ids = tuple(numbered)

    def rows_of_docs(self, docnums: "NDArray[np.int64]") -> "NDArray[np.intp]":
        """The rows of the projects of these document numbers (see :meth:`number_documents`)."""
        rows: NDArray[np.intp] = self._doc_rows[docnums]
        if len(rows) and rows.min() < 0:
            raise KeyError("a document without a row in the table")
        return rows

    def summarise(self, rows: "NDArray[np.intp]") -> Summary:
        """What :func:`summarise` gives for the projects of ``rows``."""
        import numpy as np  # noqa: PLC0415

        cents = self.cents[rows]
        facets = {}
        for name in FACETS:
            codes, values = self.codes[name][rows], self.values[name]
            counts = np.bincount(codes, minlength=len(values))
            sums = np.zeros(len(values), dtype=np.int64)
            np.add.at(sums, codes, cents)
            facets[name] = sorted((FacetValue(str(values[c]), int(counts[c]), _euros(int(sums[c])))
                                   for c in np.flatnonzero(counts).tolist()), key=_FACET_ORDER[name])
        return Summary(len(rows), _euros(int(cents.sum())), facets)

    def order(self, rows: "NDArray[np.intp]", sort: str) -> "NDArray[np.intp]":
        """The positions of ``rows`` in the order ``sort`` names, as :func:`sort_order` gives
        them (ties keep their order, reversed or not)."""
        import numpy as np  # noqa: PLC0415

        key, reverse = check_sort(sort)
        position = np.arange(len(rows))
        if key == "relevance":
            return position[::-1] if reverse else position
        values = self.sort_values[key][rows]
        ordered: NDArray[np.intp] = np.lexsort((position, -values if reverse else values))
        return ordered
