"""Amounts, numbers and dates as each interface language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from amif_search.i18n.formatting import format_amount, format_date, format_number, format_period


@pytest.mark.parametrize(("value", "lang", "expected"), [
    pytest.param(Decimal("2679894.24"), "sv", "2 679 894,24 €", id="sv"),
    pytest.param(Decimal("2679894.24"), "fi", "2 679 894,24 €", id="fi"),
    pytest.param(Decimal("2679894.24"), "en", "€2,679,894.24", id="en"),
    pytest.param(Decimal("501845.1"), "fi", "501 845,10 €", id="cents-padded"),
    pytest.param(999, "en", "€999.00", id="no-grouping-below-1000"),
    pytest.param(Decimal("1000"), "sv", "1 000,00 €", id="one-group"),
    pytest.param(Decimal("0.005"), "fi", "0,01 €", id="half-rounds-up"),
    pytest.param(Decimal("-1234.5"), "en", "-€1,234.50", id="negative-en"),
    pytest.param(Decimal("-1234.5"), "sv", "-1 234,50 €", id="negative-sv"),
    pytest.param(Decimal("-0.001"), "sv", "0,00 €", id="no-negative-zero"),
    pytest.param(Decimal("2679894.24"), "en_GB", "€2,679,894.24", id="region-code"),
    pytest.param(Decimal("2679894.24"), "de_DE.UTF-8", "2.679.894,24 €", id="german-from-the-table"),
    pytest.param(Decimal("2679894.24"), "xx", "2 679 894,24 €", id="unknown-language-as-swedish"),
])
def test_format_amount(value, lang, expected):
    assert format_amount(value, lang) == expected


@pytest.mark.parametrize(("value", "lang", "decimals", "expected"), [
    pytest.param(1234567, "sv", 0, "1 234 567", id="sv-integer"),
    pytest.param(1234567, "en", 0, "1,234,567", id="en-integer"),
    pytest.param(Decimal("1234567.5"), "fi", 2, "1 234 567,50", id="fi-decimals"),
    pytest.param(0.1, "en", 2, "0.10", id="float-without-binary-noise"),
    pytest.param(2.5, "sv", 0, "3", id="half-up-not-banker"),
    pytest.param("12", "en", 1, "12.0", id="string"),
])
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    pytest.param("sv", "1.10.2021", id="finland-swedish"),
    pytest.param("fi", "1.10.2021", id="fi"),
    pytest.param("en", "1 Oct 2021", id="en"),
])
def test_format_date(lang, expected):
    assert format_date(date(2021, 10, 1), lang) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    pytest.param("sv", "1.1.2019–31.12.2021", id="sv"),
    pytest.param("fi", "1.1.2019–31.12.2021", id="fi"),
    pytest.param("en", "1 Jan 2019–31 Dec 2021", id="en"),
])
def test_format_period(lang, expected):
    assert format_period(date(2019, 1, 1), date(2021, 12, 31), lang) == expected
