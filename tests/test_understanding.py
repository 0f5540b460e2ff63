"""Structure written as plain words (years, objectives, amounts) read as filters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from amif_search.query import FieldFilter, Word, parse_query
from amif_search.understanding import read_structure


def readings(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    understood = read_structure(parse_query(text))
    rest = [node.text for node in understood.parsed.clauses if isinstance(node, Word)]
    return [(i.original, i.reading) for i in understood.interpretations], rest


@pytest.mark.parametrize("text, expected, rest", [
    ("startade 2021", [("startade 2021", "startår:2021")], []),
    ("vuonna 2022 alkaneet", [("vuonna 2022 alkaneet", "startår:2022")], []),
    ("projects starting in 2021", [("starting in 2021", "startår:2021")], ["projects"]),
    ("päättyneet vuonna 2021", [("päättyneet vuonna 2021", "slutår:2021")], []),
    ("projects that ended in 2022", [("ended in 2022", "slutår:2022")], ["projects", "that"]),
    ("tortyr år 2022", [("år 2022", "år:2022")], ["tortyr"]),
    ("hankkeet vuosina 2019–2020", [("vuosina 2019–2020", "år:2019-2020")], ["hankkeet"]),
    ("mellan 2019 och 2021", [("mellan 2019 och 2021", "år:2019-2021")], []),
], ids=["sv-start", "fi-start-after", "en-start", "fi-end", "en-end", "sv-active", "fi-range", "sv-between"])
def test_years_are_read_as_the_year_they_mean(text, expected, rest):
    assert readings(text) == (expected, rest)


@pytest.mark.parametrize("text, reading", [
    ("mål 6.2", "mål:6.2"), ("nationellt mål 6.1", "mål:6.1"), ("tavoite 6.1", "mål:6.1"),
    ("objective 6.2", "mål:6.2"), ("6.2", "mål:6.2"),
], ids=["sv", "sv-national", "fi", "en", "bare-code"])
def test_objective_numbers_are_read_as_the_objective(text, reading):
    assert readings(text) == ([(text, reading)], [])


@pytest.mark.parametrize("text, reading, low, high", [
    ("mindre än en halv miljon", "stöd:<500000", None, Decimal("499999.99")),
    ("över en miljon euro", "stöd:>1000000", Decimal("1000000.01"), None),
    ("alle 100 000 euroa", "stöd:<100000", None, Decimal("99999.99")),
    ("yli 2 miljoonaa euroa", "stöd:>2000000", Decimal("2000000.01"), None),
    ("vähintään puoli miljoonaa euroa", "stöd:>=500000", Decimal("500000"), None),
    ("at least 900,000 euros", "stöd:>=900000", Decimal("900000"), None),
    ("between 100 000 and 400 000 euros", "stöd:100000-400000", Decimal("100000"), Decimal("400000")),
    ("mellan en halv och en miljon euro", "stöd:500000-1000000", Decimal("500000"), Decimal("1000000")),
], ids=["sv-less-words", "sv-more", "fi-less", "fi-more", "fi-at-least", "en-at-least", "en-between",
        "sv-between-words"])
def test_amounts_with_comparison_words_are_read_as_a_support_filter(text, reading, low, high):
    understood = read_structure(parse_query(text))
    (interpretation,) = understood.interpretations
    assert (interpretation.original, interpretation.reading) == (text, reading)
    node = interpretation.filter
    assert (node.field, node.low, node.high) == ("support", low, high)
    assert understood.parsed.clauses == [] and node in understood.parsed.required


@pytest.mark.parametrize("text, said, rest", [
    ("stöd över 500000", "stöd över 500000", []),
    ("projekt med eu-stöd på minst 500 000 euro", "eu-stöd på minst 500 000 euro", ["projekt", "med"]),
    ("hankkeet joiden tuki yli 500 000 euroa", "tuki yli 500 000 euroa", ["hankkeet", "joiden"]),
    ("funding of more than 500,000 euros", "funding of more than 500,000 euros", []),
], ids=["sv", "sv-link", "fi", "en-link"])
def test_the_word_naming_the_support_is_read_with_its_amount(text, said, rest):
    (reading,), words = readings(text)
    assert reading[0] == said and reading[1].startswith("stöd:>") and words == rest


def test_a_support_word_without_an_amount_stays_a_word():
    assert readings("stöd till barn") == ([], ["stöd", "till", "barn"])


@pytest.mark.parametrize("text", ["barn under 18 år", "mål för integration", "under tre år", "over the years", "0E"],
                         ids=["age", "goal-word", "duration", "english-over", "zero-with-currency-letter"])
def test_words_without_a_number_of_their_kind_stay_words(text):
    assert readings(text)[0] == []


def test_a_phrase_or_a_field_is_never_reread():
    understood = read_structure(parse_query('"projekt 2021" år:2020'))
    assert understood.interpretations == []
    assert understood.parsed.required == [FieldFilter("year", "2020", 2020, 2020)]
