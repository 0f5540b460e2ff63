"""The fields of a project, each declared once.

Every layer reads this registry: the query language (the names a user types), the index
(what is written and how it is searched), the JSON forms, the HTTP parameters and their
OpenAPI description, and the renderers (the labels). Adding a field is one :func:`register`
call here (or at run time), plus the source page's parser for its value and the catalogs'
translation of its label. A field that changes what is indexed bumps
:data:`amif_search.index.schema.SCHEMA_VERSION`.

This module sits low in the import order: it knows nothing of Whoosh, click or the web.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from .i18n import N_

__all__ = ["Field", "JsonValue", "FIELDS", "TEXT", "YEAR_RANGE", "YEAR", "AMOUNT", "CODE", "ID",
           "register", "unregister", "field_named", "by_query_name", "text_fields", "indexed_fields",
           "filterable_fields", "json_values", "label"]

# The kinds of field. Each kind has one way of being indexed, queried and checked.
TEXT = "text"              # words, analysed; searched by word, phrase, prefix
YEAR_RANGE = "year range"  # active during some part of the years asked for (over start and end years)
YEAR = "year"              # one calendar year, compared as a number
AMOUNT = "amount"          # euros with cents, compared as a number
CODE = "code"              # a dotted code such as 6.2; 6 covers 6.1 and 6.2
ID = "id"                  # the project's ID, matched exactly (case-blind)

KINDS = (TEXT, YEAR_RANGE, YEAR, AMOUNT, CODE, ID)


@dataclass(frozen=True)
class JsonValue:
    """One key of a project's JSON form: its value and its OpenAPI schema."""

    key: str
    get: Callable[[Any], Any]
    schema: dict
    in_hit: bool = True    # also in a search hit (long or secondary texts are left out there)


@dataclass(frozen=True)
class Field:
    """One field of a project.

    ``query_names``: what a user types before the colon, the Swedish name first, then its
    spellings without å/ä/ö, the English alias last. ``value``: the project's value (text
    for a text field, a number or code for the others). ``index_name``: the name of its
    field in the index (for a text field, the prefix of its four form fields); None for a
    field computed from others (``year``). ``weight``: how much a match counts (text).
    ``spans``: for a year range, the fields of its first and last year.
    ``in_lexicon``: whether the lexicon of compound members learns from its words (text).
    ``searched_with``: a text field without names of its own that a filter on that other
    field also searches (the short name with the title). ``api_parameter``: the HTTP
    parameter and command-line option that filter on it. ``label``: the msgid that names
    it to a reader; ``option_help``: the msgid of its command-line option's help.
    ``description``: its filter in the API description (English). ``filterable``,
    ``sortable``, ``facetable``: what a search may do with it; ``sort_labels``: the msgids
    that name its two orders to a reader, the descending one first (a sortable field has
    them). ``json``: its keys in a project's JSON form.
    """

    name: str
    kind: str
    value: Callable[[Any], Any] | None = None
    query_names: tuple[str, ...] = ()
    index_name: str | None = None
    weight: float = 0.0
    searched_with: str | None = None
    spans: tuple[str, str] | None = None
    in_lexicon: bool = True
    filterable: bool = False
    sortable: bool = False
    facetable: bool = False
    sort_labels: tuple[str, str] | None = None
    api_parameter: str | None = None
    label: str | None = None
    option_help: str | None = None
    description: str = ""
    json: tuple[JsonValue, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")
        if self.sortable and not self.sort_labels:
            raise ValueError(f"field {self.name!r}: a sortable field needs the labels of its two orders")

    @property
    def query_name(self) -> str:
        """The name shown to users (the Swedish one)."""
        return self.query_names[0] if self.query_names else self.name

    def index_value(self, project) -> Any:
        """The value written into the index for a non-text field."""
        value = self.value(project)
        return int(Decimal(value) * 100) if self.kind == AMOUNT else value

    def text_fields(self) -> tuple["Field", ...]:
        """The text fields a filter on this field searches: itself and those searched with it."""
        return tuple(f for f in FIELDS if f is self or f.searched_with == self.name)


_STRING = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_AMOUNT = {"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "description": "Euros with two decimals."}
OBJECTIVE_CODE_SCHEMA = {"type": "string", "pattern": r"^[0-9]{1,3}(\.[0-9]{1,3})?$", "examples": ["6.2"]}

# The registry, in the order of a project's JSON form.
FIELDS: list[Field] = [
    Field("id", ID, lambda p: p.id, query_names=("id",), index_name="id", label=N_("ID"),
          json=(JsonValue("id", lambda p: p.id, {"type": "string", "examples": ["lanu-2022"]}),)),
    Field("title", TEXT, lambda p: p.title, query_names=("titel", "title"), index_name="title", weight=3.0,
          label=N_("Titel"), description="Words of the title or short name.",
          json=(JsonValue("title", lambda p: p.title, _STRING),)),
    Field("short_name", TEXT, lambda p: p.short_name or "", index_name="short", weight=3.0,
          searched_with="title", in_lexicon=False, label=N_("Kortnamn"),
          json=(JsonValue("short_name", lambda p: p.short_name, {"type": ["string", "null"]}),)),
    Field("objective", CODE, lambda p: p.objective.code, query_names=("mål", "mal", "objective"),
          index_name="objective", filterable=True, facetable=True, api_parameter="objective",
          label=N_("Nationellt mål"), option_help=N_("Bara detta nationella mål, t.ex. 6.2."),
          description="Only projects of this national objective.",
          json=(JsonValue("objective", lambda p: p.objective.code, OBJECTIVE_CODE_SCHEMA),
                JsonValue("objective_title", lambda p: p.objective.title, _STRING, in_hit=False))),
    Field("implementer", TEXT, lambda p: p.implementer,
          query_names=("genomförare", "genomforare", "projektgenomförare", "implementer"),
          index_name="impl", weight=0.9, filterable=True, facetable=True, api_parameter="implementer",
          label=N_("Projektgenomförare"), option_help=N_("Bara projekt vars projektgenomförare motsvarar TEXT."),
          description="Only projects whose implementer matches these words.",
          json=(JsonValue("implementer", lambda p: p.implementer, _STRING),)),
    Field("year", YEAR_RANGE, query_names=("år", "ar", "year"), spans=("start_year", "end_year"),
          filterable=True, api_parameter="year",
          label=N_("År"), option_help=N_("Bara projekt som pågår under året YEAR."),
          description="Only projects active during some part of this year."),
    Field("start_year", YEAR, lambda p: p.start.year, query_names=("startår", "startar", "start"),
          index_name="start_year", filterable=True, sortable=True, facetable=True, api_parameter="start_year",
          sort_labels=(N_("Nyaste först"), N_("Äldsta först")),
          label=N_("Startår"), option_help=N_("Bara projekt som började under året YEAR."),
          description="Only projects that started in this year.",
          json=(JsonValue("start", lambda p: p.start.isoformat(), _DATE),)),
    Field("end_year", YEAR, lambda p: p.end.year, query_names=("slutår", "slutar", "end"),
          index_name="end_year", filterable=True, sortable=True, api_parameter="end_year",
          sort_labels=(N_("Senast avslutade först"), N_("Först avslutade först")),
          label=N_("Slutår"), option_help=N_("Bara projekt som slutade under året YEAR."),
          description="Only projects that ended in this year.",
          json=(JsonValue("end", lambda p: p.end.isoformat(), _DATE),)),
    Field("support", AMOUNT, lambda p: p.eu_support, query_names=("stöd", "stod", "eu-stöd", "support"),
          index_name="support_cents", sortable=True, label=N_("EU-stöd"),
          sort_labels=(N_("Största EU-stöd först"), N_("Minsta EU-stöd först")),
          json=(JsonValue("eu_support", lambda p: f"{p.eu_support:.2f}", _AMOUNT),)),
    Field("description", TEXT, lambda p: p.description, query_names=("beskrivning", "description"),
          index_name="desc", weight=1.0, label=N_("Projektbeskrivning"),
          json=(JsonValue("description", lambda p: p.description, _STRING, in_hit=False),)),
]


def register(new: Field, before: str | None = None) -> Field:
    """Add a field to the registry (before the field named ``before``, else last)."""
    if any(f.name == new.name for f in FIELDS):
        raise ValueError(f"a field named {new.name!r} is already registered")
    taken = {name for f in FIELDS for name in f.query_names}
    clash = taken & set(new.query_names)
    if clash:
        raise ValueError(f"field {new.name!r}: the query name {sorted(clash)[0]!r} is taken")
    position = next((i for i, f in enumerate(FIELDS) if f.name == before), len(FIELDS))
    FIELDS.insert(position, new)
    return new


def unregister(name: str) -> None:
    """Remove a registered field (for tests)."""
    FIELDS[:] = [f for f in FIELDS if f.name != name]


def field_named(name: str) -> Field:
    """The field called ``name``; KeyError when there is none."""
    for f in FIELDS:
        if f.name == name:
            return f
    raise KeyError(name)


def by_query_name(name: str) -> Field | None:
    """The field a user means by ``name`` (any case), or None."""
    name = name.lower()
    return next((f for f in FIELDS if name in f.query_names), None)


def text_fields() -> list[Field]:
    """The text fields, the heaviest first (a query's clauses are summed in this order)."""
    return sorted((f for f in FIELDS if f.kind == TEXT), key=lambda f: -f.weight)


def indexed_fields() -> list[Field]:
    """The fields that have a field of their own in the index, other than text."""
    return [f for f in FIELDS if f.kind != TEXT and f.index_name is not None]


def filterable_fields() -> list[Field]:
    """The fields a search or a listing can be filtered by (HTTP parameters, options)."""
    return [f for f in FIELDS if f.filterable and f.api_parameter]


def json_values(hit: bool = False) -> list[JsonValue]:
    """The keys of a project's JSON form (``hit``: only those of a search hit), in order."""
    return [v for f in FIELDS for v in f.json if v.in_hit or not hit]


def label(name: str) -> str:
    """The msgid that names field ``name`` (translate it with ``_()``)."""
    return field_named(name).label or name
