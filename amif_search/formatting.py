"""Numbers, amounts and dates as each interface language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

__all__ = ["format_amount", "format_date", "format_period", "format_number"]

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _group(digits: str, separator: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def format_number(value: Decimal | int, lang: str, decimals: int = 0) -> str:
    """1234567.5 -> '1 234 567,50' (sv, fi) or '1,234,567.50' (en)."""
    text = f"{Decimal(value):.{decimals}f}"
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    if lang == "en":
        body = _group(whole, ",") + ("." + fraction if fraction else "")
    else:
        body = _group(whole, " ") + ("," + fraction if fraction else "")
    return sign + body


def format_amount(value: Decimal, lang: str) -> str:
    """Euros: '2 679 894,24 €' (sv, fi), '€2,679,894.24' (en)."""
    number = format_number(value, lang, decimals=2)
    return f"€{number}" if lang == "en" else f"{number} €"


def format_date(value: date, lang: str) -> str:
    """'1.10.2021' (sv as written in Finland, fi), '1 Oct 2021' (en)."""
    if lang == "en":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.day}.{value.month}.{value.year}"


def format_period(start: date, end: date, lang: str) -> str:
    return f"{format_date(start, lang)}–{format_date(end, lang)}"
