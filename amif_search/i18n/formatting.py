"""Numbers, amounts and dates as each interface language writes them.

Swedish here is Finland-Swedish, as on the source page: it groups thousands with a
space, writes a decimal comma, puts the euro sign after the amount and writes dates
day first with dots (1.10.2021), as Finnish does. English groups with commas, writes a
decimal point, puts the euro sign first and names the month (1 Oct 2021).

The thousands separator is a plain space, not a no-break space, so that output can be
searched and compared as typed. A language code with a region (``fi_FI``, ``en-GB``)
counts as its language; any other language is written the Swedish way.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["format_amount", "format_date", "format_period", "format_number"]

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _english(lang: str) -> bool:
    return lang.replace("-", "_").split("_")[0].lower() == "en"


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
    number = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    sign = "-" if text.startswith("-") and number != 0 else ""
    whole, _point, fraction = text.lstrip("-").partition(".")
    if _english(lang):
        return sign + _group(whole, ",") + ("." + fraction if fraction else "")
    return sign + _group(whole, " ") + ("," + fraction if fraction else "")


def format_amount(value: Decimal | int | float | str, lang: str) -> str:
    """Euros, with cents: '2 679 894,24 €' (sv, fi), '€2,679,894.24' (en)."""
    number = format_number(value, lang, decimals=2)
    if _english(lang):
        return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"
    return f"{number} €"


def format_date(value: date, lang: str) -> str:
    """'1.10.2021' (sv as written in Finland, fi), '1 Oct 2021' (en)."""
    if _english(lang):
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.day}.{value.month}.{value.year}"


def format_period(start: date, end: date, lang: str) -> str:
    """Two dates joined by an en dash: '1.1.2019–31.12.2021', '1 Jan 2019–31 Dec 2021'."""
    return f"{format_date(start, lang)}–{format_date(end, lang)}"
