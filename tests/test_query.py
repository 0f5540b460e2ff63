"""The query language, and how each malformed query is read or refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from amif_search.errors import QueryError
from amif_search.query import MAX_QUERY_LENGTH, FieldFilter, Not, Or, Phrase, Word, parse_query


def test_words_are_soft_clauses():
    parsed = parse_query("trauma barn")
    assert parsed.clauses == [Word("trauma"), Word("barn")]
    assert parsed.required == [] and parsed.excluded == []


def test_phrase_or_and_not_prefix():
    parsed = parse_query('"barn och unga" tortyr OR trauma -vuxna +kommun trauma*')
    assert Phrase(("barn", "och", "unga")) in parsed.clauses
    assert Or((Word("tortyr"), Word("trauma"))) in parsed.clauses
    assert Word("trauma", prefix=True) in parsed.clauses
    assert parsed.excluded == [Word("vuxna")]
    assert parsed.required == [Word("kommun")]


def test_explicit_and_makes_both_sides_required():
    parsed = parse_query("tortyr AND barn")
    assert parsed.required == [Word("tortyr"), Word("barn")]
    assert parse_query("tortyr OCH barn").required == [Word("tortyr"), Word("barn")]


@pytest.mark.parametrize("text,expected", [
    ("mål:6.2", FieldFilter("objective", "6.2")),
    ("objective:6.1", FieldFilter("objective", "6.1")),
    ("år:2022", FieldFilter("year", "2022", 2022, 2022)),
    ("year:2019-2021", FieldFilter("year", "2019-2021", 2019, 2021)),
    ("stöd:>500000", FieldFilter("support", ">500000", Decimal("500000.01"), None)),
    ("support:<=100000", FieldFilter("support", "<=100000", None, Decimal("100000"))),
    ("stöd:100000-600000", FieldFilter("support", "100000-600000", Decimal("100000"), Decimal("600000"))),
    ("genomförare:Diakonissanstalten", FieldFilter("implementer", "Diakonissanstalten")),
    ('implementer:"hälsa och välfärd"', FieldFilter("implementer", "hälsa och välfärd")),
], ids=lambda v: v if isinstance(v, str) else None)
def test_field_filters_with_swedish_names_and_english_aliases(text, expected):
    assert parse_query(text).required == [expected]


def test_an_abbreviation_genitive_is_no_field():
    assert parse_query("ANM:s").clauses == [Word("ANM")]


@pytest.mark.parametrize("text,warning,clauses", [
    ('"barn och unga', "citattecken stängdes inte", [Phrase(("barn", "och", "unga"))]),
    ("(trauma OR tortyr barn", "parentes stängdes inte", None),
    ("trauma) barn", "slutparentes utan startparentes", [Word("trauma"), Word("barn")]),
    ("trauma AND", "operatorn AND saknar något på ena sidan", [Word("trauma")]),
    ("OR tortyr", "operatorn OR saknar något på ena sidan", [Word("tortyr")]),
], ids=["unbalanced-quote", "unclosed-parenthesis", "stray-parenthesis", "trailing-and", "leading-or"])
def test_malformed_queries_are_read_sensibly_with_a_warning(text, warning, clauses):
    parsed = parse_query(text)
    assert any(warning in w for w in parsed.warnings), parsed.warnings
    if clauses is not None:
        assert parsed.clauses == clauses


@pytest.mark.parametrize("text,message", [
    ("", "frågan är tom"),
    ("   \t ", "frågan är tom"),
    ("färg:röd", "okänt fält färg: (kända fält: id:, titel:, mål:, genomförare:, år:, startår:, slutår:, stöd:, "
                 "beskrivning:)"),
    ("NOT", "NOT behöver ett ord efter sig"),
    ("-", "frågan har inget ord"),
    ("AND", "frågan har inget ord att söka efter"),
    ("-vuxna", "frågan utesluter bara"),
    ("mål:", "fältet mål: behöver ett värde"),
    ("år:nästa", "år: väntar sig ett år som 2022 eller 2019-2021, inte 'nästa'"),
    ("år:2022-2019", "år: intervallet 2022-2019 slutar innan det börjar"),
    ("stöd:mycket", "stöd: väntar sig ett belopp i euro"),
    ("mål:sex", "mål: väntar sig en målkod som 6.2"),
    ("t*", "ett prefix behöver minst två bokstäver"),
    ("x" * (MAX_QUERY_LENGTH + 1), "frågan är för lång"),
    (" ".join(["ord"] * 65), "frågan har för många ord"),
], ids=["empty", "blank", "unknown-field", "lone-not", "lone-minus", "lone-and", "only-excluded", "empty-field",
        "bad-year", "reversed-range", "bad-amount", "bad-objective", "short-prefix", "too-long", "too-many-words"])
def test_queries_that_cannot_be_understood_are_refused_with_a_message(text, message):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in str(caught.value)


def test_not_wraps_its_operand():
    assert parse_query("trauma NOT vuxna").excluded == [Word("vuxna")]
    assert not isinstance(parse_query("trauma NOT vuxna").clauses[0], Not)


def test_control_characters_are_spaces():
    assert parse_query("trauma\x00barn").clauses == [Word("trauma"), Word("barn")]
