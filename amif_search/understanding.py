"""Structure written as plain words, read as the filters it means.

    projekt som startade 2021          startår:2021
    vuonna 2022 alkaneet               startår:2022
    projects that ended in 2021        slutår:2021
    år 2020, hankkeet vuosina 2019–2020, active in 2022   år:2020, år:2019-2020, år:2022
    mål 6.2, tavoite 6.1, objective 6.2, 6.2              mål:6.2
    mindre än en halv miljon, alle 100 000 euroa, at least 900,000 euros   stöd:<500000 ...
    mellan en halv och en miljon euro, between 100 000 and 400 000 euros   stöd:500000-1000000

The words of each language are data (:data:`WORDS`), one list per role; nothing here knows
a particular query. A word read as structure is taken out of the words that are searched as
text, and each reading is reported (:class:`Interpretation`), so the user sees what was read.
Only plain words are read: a phrase, a field filter or an operator is what the user wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from .fields import field_named
from .query import FieldFilter, ParsedQuery

__all__ = ["Interpretation", "Understood", "read_structure", "implementer_boost", "WORDS"]

# The words of each role, in Swedish, Finnish and English (lower case, base and inflected
# forms as typed; several words are a tuple).
WORDS: dict[str, dict[str, tuple]] = {
    # Comparison words before an amount.
    "more": {"sv": ("över", "mer än", "mera än", "fler än", "större än", "överstiger"),
             "fi": ("yli", "enemmän kuin", "suurempi kuin", "ylittää"),
             "en": ("over", "more than", "above", "greater than", "exceeding")},
    "at_least": {"sv": ("minst", "åtminstone"), "fi": ("vähintään", "ainakin"), "en": ("at least", "minimum")},
    "less": {"sv": ("under", "mindre än", "lägre än", "understiger"),
             "fi": ("alle", "vähemmän kuin", "pienempi kuin"),
             "en": ("under", "less than", "below", "lower than")},
    "at_most": {"sv": ("högst", "max", "maximalt", "som mest"), "fi": ("enintään", "korkeintaan", "maksimissaan"),
                "en": ("at most", "maximum", "up to")},
    "between": {"sv": ("mellan",), "fi": ("välillä", "vuosina"), "en": ("between",)},
    "and": {"sv": ("och", "till"), "fi": ("ja",), "en": ("and", "to")},
    # Numbers written as words, and their multipliers.
    "one": {"sv": ("en", "ett"), "fi": ("yksi", "yhden"), "en": ("one", "a", "an")},
    "half": {"sv": ("halv", "halva", "en halv"), "fi": ("puoli", "puolen"), "en": ("half", "half a", "a half")},
    "million": {"sv": ("miljon", "miljoner", "miljonen", "milj", "mn"),
                "fi": ("miljoona", "miljoonaa", "miljoonan", "miljoonat", "milj", "m"),
                "en": ("million", "millions", "mln", "m")},
    "thousand": {"sv": ("tusen", "tkr"), "fi": ("tuhat", "tuhatta", "tuhannen"), "en": ("thousand", "k")},
    "currency": {"sv": ("euro", "euros", "eur", "€"), "fi": ("euroa", "euro", "euron", "eur", "€"),
                 "en": ("euro", "euros", "eur", "€")},
    # Words that name the EU support before an amount ("stöd över 500 000 euro"), and the
    # small words that may join them to it ("funding of over ...").
    "support": {"sv": ("stöd", "stödet", "eu-stöd", "eu-stödet", "eu stöd", "bidrag", "bidraget", "finansiering",
                       "finansieringen", "budget", "budgeten", "belopp", "beloppet"),
                "fi": ("tuki", "tukea", "tuen", "eu-tuki", "eu-tukea", "eu-tuen", "eu tuki", "rahoitus",
                       "rahoitusta", "rahoituksen", "avustus", "avustusta", "budjetti", "budjetiltaan",
                       "summa", "summaltaan"),
                "en": ("support", "eu support", "funding", "grant", "grants", "budget", "amount", "funded")},
    "support_link": {"sv": ("på", "om", "är", "var"), "fi": ("on", "oli"),
                     "en": ("of", "is", "was", "with")},
    # An objective, with the words that may come before it.
    "objective": {"sv": ("mål", "målet", "delmål", "specifikt mål", "nationellt mål", "nationella målet"),
                  "fi": ("tavoite", "tavoitteen", "tavoitteessa", "tavoitteeseen", "erityistavoite",
                         "kansallinen tavoite", "kansallisen tavoitteen"),
                  "en": ("objective", "goal", "national objective", "specific objective")},
    # What a year means: the year a project started or ended, or one it was active in.
    "start": {"sv": ("startade", "startar", "startat", "började", "börjar", "börjat", "inleddes", "inleds",
                     "påbörjades", "påbörjade", "startår", "från"),
              "fi": ("alkanut", "alkaneet", "alkoi", "alkavat", "alkava", "alkaa", "alkaneita", "alkaneen",
                     "käynnistynyt", "käynnistyneet", "käynnistyi", "aloitettu", "aloitetut", "aloittaneet",
                     "vuodelta"),
              "en": ("started", "starting", "start", "starts", "began", "begun", "beginning", "launched",
                     "from")},
    "end": {"sv": ("slutar", "slutade", "slutat", "avslutades", "avslutade", "avslutas", "avslutats", "upphörde",
                   "slutår", "tog slut"),
            "fi": ("päättynyt", "päättyneet", "päättyi", "päättyvät", "päättyvä", "päättyy", "päättyneitä",
                   "päättyneen", "loppunut", "loppuneet", "loppui"),
            "en": ("ended", "ending", "end", "ends", "finished", "concluded", "completed")},
    "active": {"sv": ("år", "året", "under", "aktiva", "aktiv", "pågående", "pågick", "pågår", "i"),
               "fi": ("vuonna", "vuoden", "vuosina", "aikana", "käynnissä", "aktiivisia"),
               "en": ("in", "during", "active", "running", "ongoing", "year")},
    # Words between a year and its start or end word ("started in 2021", "som slutar 2021").
    "link": {"sv": ("som", "år", "i", "under", "har", "är"),
             "fi": ("vuonna", "jotka", "joka", "ovat", "on"),
             "en": ("in", "that", "which", "were", "was", "have", "has", "the", "year", "during")},
}

_YEAR = re.compile(r"^(?:19|20)\d\d$")
_YEAR_RANGE = re.compile(r"^((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)$")
_OBJECTIVE_CODE = re.compile(r"^\d{1,2}(?:\.\d{1,2})?$")
_DOTTED_CODE = re.compile(r"^\d{1,2}\.\d{1,2}$")
_DIGITS = re.compile(r"^\d+(?:[.,]\d+)*$")
_GROUP = re.compile(r"^\d{3}$")
_WITH_CURRENCY = re.compile(r"^(\d[\d.,]*)(€|e|eur|euro|euroa)$")
_NUMBER_RANGE = re.compile(r"^(\d[\d.,]*)[-–—](\d[\d.,]*)$")
MAX_AMOUNT = Decimal("1e12")


def _phrases(role: str) -> list[tuple[str, ...]]:
    """The words of ``role`` in every language, each as a tuple of words, longest first."""
    found = {tuple(text.split()) for texts in WORDS[role].values() for text in texts}
    return sorted(found, key=len, reverse=True)


_ROLES = {role: _phrases(role) for role in WORDS}


@dataclass
class Interpretation:
    """Words of the query read as a filter: ``original`` as ``reading`` (in query syntax); a
    ``boost`` ranks the projects that meet it first instead of leaving out the others."""

    original: str
    reading: str
    filter: FieldFilter
    kind: str = "filter"   # or "boost"

    def to_json(self) -> dict:
        return {"from": self.original, "as": self.reading, "field": self.filter.field, "kind": self.kind}


@dataclass
class Understood:
    """The query with its structure read out: the filters join the required conditions."""

    parsed: ParsedQuery
    interpretations: list[Interpretation] = field(default_factory=list)


def _match(words: list[str], at: int, role: str) -> int:
    """How many words of ``role`` begin at ``at`` (0 when none)."""
    for phrase in _ROLES[role]:
        if tuple(words[at:at + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _decimal(text: str) -> Decimal | None:
    """'900,000' and '900 000' are thousands; '1,5' and '1.5' are decimals."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text) or re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", text):
        text = text.replace(",", "").replace(".", "")
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@dataclass
class _Number:
    value: Decimal
    end: int
    unit: Decimal = Decimal(1)   # the multiplier word after it (miljon, tuhatta), if any
    plain: bool = True           # written as one run of digits with nothing after it

    @property
    def scaled(self) -> bool:
        return self.unit != 1


def _number(words: list[str], at: int) -> _Number | None:
    """A number beginning at ``at``: digits (grouped by spaces too), or words (en halv miljon)."""
    n = len(words)
    if at >= n:
        return None
    value: Decimal | None = None
    end = at
    half = _match(words, at, "half")
    one = _match(words, at, "one")
    if half:
        value, end = Decimal("0.5"), at + half
    elif one and at + one < n and (_match(words, at + one, "million") or _match(words, at + one, "thousand")
                                   or _match(words, at + one, "half")):
        end = at + one
        half = _match(words, end, "half")
        value, end = (Decimal("0.5"), end + half) if half else (Decimal(1), end)
    elif _DIGITS.match(words[at]):
        text, end = words[at], at + 1
        # '100 000': groups of three digits after a number of one to three digits.
        if re.fullmatch(r"\d{1,3}", text):
            while end < n and _GROUP.match(words[end]):
                text += words[end]
                end += 1
        value = _decimal(text)
    if value is None:
        return None
    million, thousand = _match(words, end, "million"), _match(words, end, "thousand")
    if million:
        return _Number(value * 1_000_000, end + million, Decimal(1_000_000), plain=False)
    if thousand:
        return _Number(value * 1000, end + thousand, Decimal(1000), plain=False)
    return _Number(value, end, plain=end == at + 1)


def _amount_text(value: Decimal) -> str:
    value = value.normalize()
    return f"{value:f}"


class _Reader:
    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.used = [False] * len(words)
        self.found: list[tuple[int, int, FieldFilter, str]] = []

    def free(self, start: int, end: int) -> bool:
        return end <= len(self.words) and not any(self.used[start:end])

    def take(self, start: int, end: int, node: FieldFilter, reading: str) -> None:
        for k in range(start, end):
            self.used[k] = True
        self.found.append((start, end, node, reading))

    # -- amounts ------------------------------------------------------------------------

    def amounts(self) -> None:
        words = self.words
        i = 0
        while i < len(words):
            end = self._amount(i)
            i = end if end else i + 1

    def _amount(self, i: int) -> int:
        """Read an amount at ``i``, with the words naming the support before it if there are any;
        the end of what was read, or 0."""
        subject = _match(self.words, i, "support")
        if subject:
            link = _match(self.words, i + subject, "support_link")
            end = self._amount_at(i + subject + link, i)
            if end:
                return end
        return self._amount_at(i, i)

    def _amount_at(self, i: int, start: int) -> int:
        words = self.words
        op, j = None, i
        for role in ("more", "at_least", "less", "at_most", "between"):
            size = _match(words, i, role)
            if size:
                op, j = role, i + size
                break
        if not self.free(start, j):
            return 0
        inline = _WITH_CURRENCY.match(words[j]) if j < len(words) else None
        span = _NUMBER_RANGE.match(words[j]) if j < len(words) else None
        if span and not _YEAR_RANGE.match(words[j]):
            low, high = _decimal(span.group(1)), _decimal(span.group(2))
            k = j + 1
            currency = _match(words, k, "currency")
            if low is None or high is None or not currency or high < low:
                return 0
            k += currency
            self.take(start, k, FieldFilter("support", f"{low}-{high}", low, high),
                      f"{_name('support')}:{_amount_text(low)}-{_amount_text(high)}")
            return k
        # How many words name the currency after the number (none when it is part of it: 500000€).
        currency = 0
        if inline:
            first = _decimal(inline.group(1))
            number = _Number(first, j + 1, plain=False) if first is not None else None
        else:
            number = _number(words, j)
        if number is None:
            return 0
        k = number.end
        if op == "between":
            size = _match(words, k, "and")
            second = _number(words, k + size) if size else None
            if second is None:
                return 0
            k = second.end
            currency = _match(words, k, "currency")
            low, high = number.value, second.value
            if second.scaled and not number.scaled and low < 1000:
                low *= second.unit   # 'mellan en halv och en miljon': the multiplier comes last
            if not (currency or inline or second.scaled) or high < low or not self.free(start, k + currency):
                return 0
            self.take(start, k + currency, FieldFilter("support", f"{low}-{high}", low, high),
                      f"{_name('support')}:{_amount_text(low)}-{_amount_text(high)}")
            return k + currency
        currency = 0 if inline else _match(words, k, "currency")
        value = number.value
        year_like = number.plain and not currency and _YEAR.match(words[j] if j < len(words) else "")
        if year_like or not (currency or inline or number.scaled or (op and value >= 1000)):
            return 0
        if not 0 < value <= MAX_AMOUNT or not self.free(start, k + currency):
            return 0
        step = Decimal("0.01")
        low, high, sign = {
            "more": (value + step, None, ">"), "at_least": (value, None, ">="),
            "less": (None, value - step, "<"), "at_most": (None, value, "<="),
        }.get(op or "", (value * Decimal("0.75"), value * Decimal("1.25"), None))
        reading = f"{_name('support')}:{sign}{_amount_text(value)}" if sign else \
            f"{_name('support')}:{_amount_text(low)}-{_amount_text(high)}"
        self.take(start, k + currency, FieldFilter("support", reading.split(":", 1)[1], low, high), reading)
        return k + currency

    # -- objectives ----------------------------------------------------------------------

    def objectives(self) -> None:
        words = self.words
        for i in range(len(words)):
            size = _match(words, i, "objective")
            if size and self.free(i, i + size + 1) and i + size < len(words) \
                    and _OBJECTIVE_CODE.match(words[i + size]):
                code = words[i + size]
                self.take(i, i + size + 1, FieldFilter("objective", code), f"{_name('objective')}:{code}")
        for i, word in enumerate(words):
            if self.free(i, i + 1) and _DOTTED_CODE.match(word):
                self.take(i, i + 1, FieldFilter("objective", word), f"{_name('objective')}:{word}")

    # -- years ---------------------------------------------------------------------------

    def years(self) -> None:
        words = self.words
        i = 0
        while i < len(words):
            if not self.free(i, i + 1):
                i += 1
                continue
            low = high = None
            end = i
            span = _YEAR_RANGE.match(words[i])
            between = _match(words, i, "between")
            if span:
                low, high, end = int(span.group(1)), int(span.group(2)), i + 1
            elif _YEAR.match(words[i]):
                low = high = int(words[i])
                end = i + 1
                size = _match(words, end, "and")
                if size and end + size < len(words) and _YEAR.match(words[end + size]):
                    high, end = int(words[end + size]), end + size + 1
            elif between and i + between < len(words) and _YEAR.match(words[i + between]):
                size = _match(words, i + between + 1, "and")
                last = i + between + 1 + size
                if size and last < len(words) and _YEAR.match(words[last]):
                    low, high, end = int(words[i + between]), int(words[last]), last + 1
            if low is None or high < low:
                i += 1
                continue
            start, end, kind = self._year_context(i, end)
            # The words that say 'in the year' just before it go too ('vuonna 2022 alkaneet').
            while start > 0 and self.free(start - 1, start) and _ends_with(words, start, "active"):
                start -= _ends_with(words, start, "active")
            field_name = {"start": "start_year", "end": "end_year"}.get(kind, "year")
            name = _name(field_name)
            value = str(low) if low == high else f"{low}-{high}"
            self.take(start, end, FieldFilter(field_name, value, low, high), f"{name}:{value}")
            i = end

    def _year_context(self, start: int, end: int) -> tuple[int, int, str]:
        """The words around a year that say what it is: start, end or active (the default),
        with the words that link them to it; the span grows to take them in."""
        words = self.words
        for kind in ("start", "end"):
            # Before the year: '<start word> [links] YEAR'.
            k = start
            while k > 0 and self.free(k - 1, k) and _ends_with(words, k, "link"):
                k -= _ends_with(words, k, "link")
            size = _ends_with(words, k, kind)
            if size and self.free(k - size, k):
                return k - size, end, kind
            # After it: 'YEAR [links] <start word>'.
            k = end
            while k < len(words) and self.free(k, k + 1) and _match(words, k, "link") and not _match(words, k, kind):
                k += _match(words, k, "link")
            size = _match(words, k, kind)
            if size and self.free(k, k + size):
                return start, k + size, kind
        return start, end, "active"


def _name(field_name: str) -> str:
    """The name a user types for the field (its Swedish query name in the registry)."""
    return field_named(field_name).query_name


def _ends_with(words: list[str], end: int, role: str) -> int:
    """How many words of ``role`` end just before ``end`` (0 when none)."""
    for phrase in _ROLES[role]:
        if end - len(phrase) >= 0 and tuple(words[end - len(phrase):end]) == phrase:
            return len(phrase)
    return 0


def implementer_boost(original: str, organisation: str) -> Interpretation:
    """The words ``original`` read as the organisation that implements a project (a boost)."""
    node = FieldFilter("implementer", organisation)
    return Interpretation(original, f'{_name("implementer")}:"{organisation}"', node, "boost")


def read_structure(parsed: ParsedQuery) -> Understood:
    """Read years, year ranges, objectives and amounts out of the plain words of ``parsed``."""
    runs = parsed.word_runs()
    dropped: set[int] = set()
    filters: list[FieldFilter] = []
    interpretations: list[Interpretation] = []
    for run in runs:
        words = [parsed.clauses[i].text.lower() for i in run]
        reader = _Reader(words)
        reader.amounts()
        reader.objectives()
        reader.years()
        for start, end, node, reading in sorted(reader.found, key=lambda f: f[0]):
            original = " ".join(parsed.clauses[i].text for i in run[start:end])
            interpretations.append(Interpretation(original, reading, node))
            filters.append(node)
            dropped.update(run[start:end])
    if not interpretations:
        return Understood(parsed)
    clauses = [node for position, node in enumerate(parsed.clauses) if position not in dropped]
    return Understood(replace(parsed, clauses=clauses, required=list(parsed.required) + filters),
                      interpretations)
