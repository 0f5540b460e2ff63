"""Numbers, amounts and dates as each interface language writes them.

The conventions of each language (thousands and decimal separators, where the euro sign
goes, how a date is written) are those of :mod:`amif_search.i18n.languages`; a language code with
a region (``fi_FI``, ``en-GB``) counts as its language, and a language the table lacks is
written the Swedish way.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .languages import language

__all__ = ["format_amount", "format_date", "format_period", "format_number"]


def _group(digits: str, separator: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def _decimal(value: Decimal | int | float | str) -> Decimal:
    # A float goes through its shortest repr: Decimal(0.1) would be 0.1000000000000000055...
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def format_number(value: Decimal | int | float | str, lang: str, decimals: int = 0) -> str:
    """1234567.5 -> '1 234 567,50' (sv, fi) or '1,234,567.50' (en); halves round up."""
    conventions = language(lang)
    number = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    sign = "-" if text.startswith("-") and number != 0 else ""
    whole, _point, fraction = text.lstrip("-").partition(".")
    return sign + _group(whole, conventions.group) + (conventions.decimal + fraction if fraction else "")


def format_amount(value: Decimal | int | float | str, lang: str) -> str:
    """Euros, with cents: '2 679 894,24 €' (sv, fi), '€2,679,894.24' (en); the sign first."""
    number = format_number(value, lang, decimals=2)
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    return sign + language(lang).amount.format(number=digits)


def format_date(value: date, lang: str) -> str:
    """'1.10.2021' (sv as written in Finland, fi), '1 Oct 2021' (en)."""
    conventions = language(lang)
    mon = conventions.months[value.month - 1] if conventions.months else str(value.month)
    return conventions.date.format(day=value.day, month=value.month, mon=mon, year=value.year)


def format_period(start: date, end: date, lang: str) -> str:
    """Two dates joined by an en dash: '1.1.2019–31.12.2021', '1 Jan 2019–31 Dec 2021'."""
    return f"{format_date(start, lang)}–{format_date(end, lang)}"
