"""The query language, read into a small syntax tree that knows nothing of the engine.

    trauma barn                 both words; projects with both rank first, then either
    "barn och unga"             a phrase
    tortyr OR trauma            either word
    tortyr AND barn             both required (OCH, ELLER, INTE work too)
    NOT vuxna, -vuxna           without the word
    +barn                       required
    trauma*                     a prefix
    mål:6.2  år:2022  år:2019-2021  startår:2021  slutår:<2022  stöd:>500000  stöd:100000-600000
    genomförare:Diakonissanstalten  titel:LANU  beskrivning:"psykisk hälsa"  id:lanu-2022

Field names have English aliases (objective:, year:, start:, end:, support:, implementer:,
title:, description:); the fields and their names are those of :mod:`amif_search.fields`.
Faults a user can make are either read sensibly, with a warning (a missing closing quote or
parenthesis), or refused with a :class:`QueryError` that says what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import fields as F
from .errors import QueryError
from .i18n import _, ngettext

__all__ = [
    "Word", "Phrase", "FieldFilter", "Not", "Or", "And", "ParsedQuery", "parse_query",
    "filter_for", "MAX_QUERY_LENGTH", "MAX_QUERY_TERMS", "MAX_QUERY_DEPTH",
]

MAX_QUERY_LENGTH = 2000
MAX_QUERY_TERMS = 64
# Parentheses are read recursively: without a bound, '((((…' of a long query exhausts the stack.
MAX_QUERY_DEPTH = 20

_ABBREVIATION_ENDINGS = frozenset("s n t ns ts en et ar er or ens ets na".split())
_OPERATORS = {"AND": "AND", "OCH": "AND", "OR": "OR", "ELLER": "OR", "NOT": "NOT", "INTE": "NOT"}


@dataclass(frozen=True)
class Word:
    """A free-text word (``prefix`` when typed as ``word*``; ``glossary`` when it is a Swedish
    term the glossary put in place of the user's words)."""

    text: str
    prefix: bool = False
    glossary: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Phrase:
    """Words that must stand together in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class FieldFilter:
    """A condition on one field: text fields take words, numbers take ranges."""

    field: str
    text: str = ""
    low: Decimal | int | None = None
    high: Decimal | int | None = None


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class Or:
    nodes: tuple


@dataclass(frozen=True)
class And:
    nodes: tuple


@dataclass
class ParsedQuery:
    """A query: clauses that rank (soft), conditions that must hold, and exclusions."""

    text: str
    clauses: list = field(default_factory=list)
    required: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.clauses or self.required)

    def word_runs(self) -> list[list[int]]:
        """The positions of the clauses that are plain words (no prefix), in runs of neighbours:
        where words that belong together (a term of several words, 'startade 2021') can stand."""
        runs: list[list[int]] = []
        for position, node in enumerate(self.clauses):
            if isinstance(node, Word) and not node.prefix:
                if runs and runs[-1][-1] == position - 1:
                    runs[-1].append(position)
                else:
                    runs.append([position])
        return runs


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\()|(?P<close>\))|
        (?P<sign>[+-])(?=[\w"(])|
        (?P<field>[\w-]+):(?P<fvalue>"[^"]*"?|[^\s()"]*)|
        (?P<quote>"[^"]*"?)|
        (?P<word>[^\s()"]+)
    )""",
    re.VERBOSE | re.UNICODE,
)


def parse_query(text: str) -> ParsedQuery:
    """Read ``text`` into a :class:`ParsedQuery`, or raise :class:`QueryError`."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(ngettext("frågan är för lång ({n} tecken; högst {max})",
                                  "frågan är för lång ({n} tecken; högst {max})", len(text)).format(
            n=len(text), max=MAX_QUERY_LENGTH))
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text).strip()
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u201e", '"')
    if not text:
        raise QueryError(_("frågan är tom"))
    parser = _Parser(text)
    return parser.parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = self._lex(text)
        self.i = 0
        self.warnings: list[str] = []
        self.terms = 0
        self.depth = 0

    def _lex(self, text: str) -> list[tuple[str, str, str]]:
        tokens = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup
            if kind == "fvalue":
                kind = "field"
            if kind is None:
                continue
            if kind == "field":
                tokens.append(("field", match.group("field"), match.group("fvalue")))
            elif kind == "word" and match.group("word") in _OPERATORS:
                tokens.append(("op", _OPERATORS[match.group("word")], match.group("word")))
            else:
                tokens.append((kind, match.group(kind), match.group(kind)))
        return tokens

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self):
        token = self.peek()
        self.i += 1
        return token

    def parse(self) -> ParsedQuery:
        query = ParsedQuery(self.text)
        depth_warned = False
        while self.peek() is not None:
            token = self.peek()
            if token[0] == "close":
                self.next()
                if not depth_warned:
                    self.warnings.append(_("en slutparentes utan startparentes hoppades över"))
                    depth_warned = True
                continue
            if token[0] == "op" and token[1] in ("AND", "OR"):
                self.next()
                if not query.clauses and not query.required and not query.excluded:
                    self._dangling(token[2])
                    continue
                if self.peek() is None:
                    self._dangling(token[2])
                    continue
                if token[1] == "AND":
                    # Both sides of an explicit AND are required.
                    if query.clauses:
                        query.required.append(query.clauses.pop())
                    node = self.clause()
                    if node is not None:
                        self._place(query, node, required=True)
                    continue
                # A leading OR between top-level clauses joins the previous clause.
                node = self.clause()
                if node is not None and query.clauses:
                    previous = query.clauses.pop()
                    query.clauses.append(Or((previous, node)))
                elif node is not None:
                    self._place(query, node)
                continue
            required = False
            if token[0] == "sign" and token[1] == "+":
                self.next()
                required = True
            node = self.clause()
            if node is not None:
                self._place(query, node, required=required)
        query.warnings = self.warnings
        if query.is_empty:
            if query.excluded:
                raise QueryError(_("frågan utesluter bara; lägg till ett ord eller ett fält att söka efter"))
            raise QueryError(_("frågan har inget ord att söka efter"))
        return query

    def _dangling(self, operator: str) -> None:
        self.warnings.append(_("operatorn {op} saknar något på ena sidan och hoppades över").format(op=operator))

    def _place(self, query: ParsedQuery, node, required: bool = False) -> None:
        if isinstance(node, Not):
            query.excluded.append(node.node)
        elif required or isinstance(node, FieldFilter):
            query.required.append(node)
        else:
            query.clauses.append(node)

    def clause(self):
        """unary (OR unary)*"""
        node = self.unary()
        while self.peek() is not None and self.peek()[0] == "op" and self.peek()[1] == "OR":
            operator = self.next()
            if self.peek() is None or self.peek()[0] == "close":
                self._dangling(operator[2])
                break
            right = self.unary()
            if right is None:
                continue
            node = right if node is None else Or((node, right))
        return node

    def unary(self):
        token = self.next()
        if token is None:
            return None
        kind, value, raw = token
        if kind == "op" and value == "NOT" or kind == "sign" and value == "-":
            if self.peek() is None or self.peek()[0] in ("close", "op"):
                raise QueryError(_("{op} behöver ett ord efter sig").format(op=raw))
            inner = self.unary()
            return None if inner is None else Not(inner)
        if kind == "sign":
            return self.unary()
        if kind == "op":
            # AND/OR where a word should be: 'a OR AND b'.
            self._dangling(raw)
            return None
        if kind == "open":
            return self.group()
        if kind == "close":
            self.warnings.append(_("en slutparentes utan startparentes hoppades över"))
            return None
        if kind == "quote":
            return self.phrase(value)
        if kind == "field":
            return self.field(value, raw)
        return self.word(value)

    def group(self):
        self.depth += 1
        if self.depth > MAX_QUERY_DEPTH:
            raise QueryError(_("frågan har parenteser i för många nivåer (högst {max})").format(
                max=MAX_QUERY_DEPTH))
        nodes = []
        while True:
            token = self.peek()
            if token is None:
                self.warnings.append(_("en parentes stängdes inte; den stängdes vid slutet"))
                break
            if token[0] == "close":
                self.next()
                break
            if token[0] == "op" and token[1] in ("AND", "OR"):
                self.next()
                if token[1] == "OR" and nodes:
                    right = self.unary()
                    if right is not None:
                        nodes.append(Or((nodes.pop(), right)))
                continue
            node = self.clause()
            if node is not None:
                nodes.append(node)
        self.depth -= 1
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def word(self, value: str):
        prefix = value.endswith("*")
        cleaned = value.strip("*?!.,;:'`´«»")
        if not re.search(r"\w", cleaned):
            return None
        self._count()
        if "*" in cleaned or "?" in cleaned:
            cleaned = re.sub(r"[*?]", "", cleaned)
        if prefix and len(cleaned) < 2:
            raise QueryError(_("ett prefix behöver minst två bokstäver före *: {word}").format(word=value))
        return Word(cleaned, prefix=prefix)

    def phrase(self, value: str):
        if not value.endswith('"') or len(value) == 1:
            self.warnings.append(_("ett citattecken stängdes inte; frasen fortsätter till slutet"))
            value = value + '"'
        words = tuple(re.findall(r"[^\W_]+(?:\*)?", value[1:-1]))
        if not words:
            return None
        self._count(len(words))
        return Phrase(words) if len(words) > 1 else Word(words[0].rstrip("*"), words[0].endswith("*"))

    def field(self, name: str, value: str):
        known_field = F.by_query_name(name)
        if known_field is None and value.lower() in _ABBREVIATION_ENDINGS:
            return self.word(name)  # 'ANM:s', 'THL:n': an abbreviation inflected, not a field
        if known_field is None:
            known = ", ".join(f"{f.query_name}:" for f in F.FIELDS if f.query_names)
            raise QueryError(_("okänt fält {field}: (kända fält: {known})").format(field=name, known=known))
        if value.startswith('"'):
            if not value.endswith('"') or len(value) == 1:
                self.warnings.append(_("ett citattecken stängdes inte; frasen fortsätter till slutet"))
                value += '"'
            value = value[1:-1]
        value = value.strip()
        if not value:
            raise QueryError(_("fältet {field}: behöver ett värde").format(field=name))
        self._count()
        if known_field.kind in (F.YEAR_RANGE, F.YEAR, F.AMOUNT):
            low, high = _parse_range(value, name, integer=known_field.kind != F.AMOUNT)
            return FieldFilter(known_field.name, value, low, high)
        if known_field.kind == F.CODE and not re.fullmatch(r"\d+(?:\.\d+)*", value):
            raise QueryError(_("{field}: väntar sig en målkod som 6.2, inte {value!r}").format(
                field=name, value=value))
        return FieldFilter(known_field.name, value)

    def _count(self, n: int = 1) -> None:
        self.terms += n
        if self.terms > MAX_QUERY_TERMS:
            raise QueryError(_("frågan har för många ord (högst {max})").format(max=MAX_QUERY_TERMS))


_RANGE = re.compile(r"^(?P<low>[\d\s.,]*)\s*(?:-|–|\.\.)\s*(?P<high>[\d\s.,]*)$")
_COMPARE = re.compile(r"^(?P<op>>=|<=|>|<|=)?\s*(?P<value>[\d\s.,]+)$")


def _number(text: str, name: str, integer: bool):
    compact = re.sub(r"\s", "", text)
    if integer:
        if not re.fullmatch(r"\d{4}", compact):
            raise QueryError(_("{field}: väntar sig ett år som 2022 eller 2019-2021, inte {value!r}").format(
                field=name, value=text))
        return int(compact)
    compact = compact.replace(",", ".") if compact.count(",") == 1 and "." not in compact else compact.replace(",", "")
    try:
        value = Decimal(compact)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > Decimal("1e12"):
        raise QueryError(_("{field}: väntar sig ett belopp i euro som >500000 eller 100000-600000, "
                           "inte {value!r}").format(field=name, value=text))
    return value


def _parse_range(value: str, name: str, integer: bool):
    """'2022', '2019-2021', '>500000', '<=2020' -> (low, high), inclusive, None for open."""
    compare = _COMPARE.match(value)
    if compare:
        number = _number(compare.group("value"), name, integer)
        step = 1 if integer else Decimal("0.01")
        op = compare.group("op") or "="
        return {
            "=": (number, number),
            ">": (number + step, None),
            ">=": (number, None),
            "<": (None, number - step),
            "<=": (None, number),
        }[op]
    span = _RANGE.match(value)
    if span and (span.group("low").strip() or span.group("high").strip()):
        low = _number(span.group("low"), name, integer) if span.group("low").strip() else None
        high = _number(span.group("high"), name, integer) if span.group("high").strip() else None
        if low is not None and high is not None and high < low:
            raise QueryError(_("{field}: intervallet {value} slutar innan det börjar").format(field=name, value=value))
        return low, high
    if integer:
        _number(value, name, integer)
    raise QueryError(_("{field}: väntar sig ett belopp i euro som >500000 eller 100000-600000, "
                       "inte {value!r}").format(field=name, value=value))


def filter_for(name: str, value) -> FieldFilter:
    """The condition that field ``name`` has ``value`` (a year, a code, words, an amount), as
    the filters of the Python and HTTP APIs give it; KeyError for an unknown field."""
    known_field = F.field_named(name)
    if known_field.kind in (F.YEAR_RANGE, F.YEAR):
        return FieldFilter(name, str(value), int(value), int(value))
    if known_field.kind == F.AMOUNT:
        return FieldFilter(name, str(value), Decimal(value), Decimal(value))
    return FieldFilter(name, str(value))
