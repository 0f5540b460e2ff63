"""The page parser: every field of every project of the real page, and every kind of bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from amif_search.errors import SourceError
from amif_search.source import assign_unique_ids, parse_amount, parse_document, read_source, slugify

# (id, objective, short name, implementer, start, end, EU support, first words of the title)
EXPECTED = [
    ("sylvia-6-2022", "6.1", "Sylvia 6", "Arbets- och näringsministeriet", date(2022, 1, 1), date(2022, 12, 31),
     "2679894.24", "Sylvia 6 – Effektivisering av placeringen"),
    ("sylvia5-2021", "6.1", "Sylvia5", "Arbets- och näringsministeriet", date(2021, 2, 1), date(2021, 12, 31),
     "2346028.39", "Sylvia5 – Effektivisering"),
    ("navigator-2-0-2021", "6.1", None, "Suomen pakolaisapu", date(2021, 4, 1), date(2022, 6, 30),
     "317451.10", "Navigator 2.0"),
    ("paloma3-2022", "6.2", "PALOMA3", "Institutet för hälsa och välfärd", date(2022, 1, 1), date(2022, 12, 31),
     "964558.28", "Förstärkning och utvidgning av det nationella kompetenscentret Paloma"),
    ("lanu-2022", "6.2", "LANU", "Stiftelsen Diakonissanstalten i Helsingfors sr", date(2022, 1, 1),
     date(2022, 12, 31), "501845.10", "LANU – Rehabilitering av barn och unga som utsatts för tortyr"),
    ("oppet-arbetsliv-2021", "6.2", "Öppet arbetsliv", "Spring House Oy", date(2021, 11, 1), date(2022, 12, 31),
     "175575.36", "Öppet arbetsliv – Flyktingens och arbetsgemenskapens"),
    ("rehabilitering-krigstraumatiserade-2021", "6.2", None, "Stiftelsen Diakonissanstalten i Helsingfors sr",
     date(2021, 10, 1), date(2022, 12, 31), "591434.85", "Rehabilitering för krigstraumatiserade"),
    ("delaktig-2021", "6.2", "Delaktig", "NTM-centralen i Nyland", date(2021, 4, 1), date(2022, 12, 31),
     "910090.00", "Delaktig i produktion av tjänster som stöder integration"),
    ("terminologiarbete-framjande-2021", "6.2", None, "Sininauhasäätiö sr", date(2021, 2, 1), date(2022, 1, 31),
     "86930.00", "Terminologiarbete för främjande av integrationen av kvotflyktingar"),
    ("tuuli-2019", "6.2", "TUULI", "Institutet för hälsa och välfärd", date(2019, 10, 1), date(2022, 6, 30),
     "497360.00", "Mental hälsa vid migration: Psykoedukation"),
    ("paloma2-2019", "6.2", "PALOMA2", "Institutet för hälsa och välfärd", date(2019, 2, 1), date(2021, 12, 31),
     "1732192.00", "Grundande av en riksomfattande stödjande struktur"),
    ("lanu-2019", "6.2", "LANU", "Stiftelsen för Helsingfors Diakonissanstalt", date(2019, 1, 1),
     date(2021, 12, 31), "997797.00", "LANU - Rehabilitering av barn och unga som utsatts för tortyr"),
]


def test_the_page_has_twelve_projects_in_page_order(projects):
    assert [p.id for p in projects] == [row[0] for row in EXPECTED]


@pytest.mark.parametrize("row", EXPECTED, ids=[row[0] for row in EXPECTED])
def test_every_field_of_every_project_matches_the_page(projects, row):
    pid, objective, short, implementer, start, end, support, title = row
    project = next(p for p in projects if p.id == pid)
    assert project.objective.code == objective
    assert project.short_name == short
    assert project.implementer == implementer
    assert (project.start, project.end) == (start, end)
    assert project.eu_support == Decimal(support)
    assert project.title.startswith(title)
    assert len(project.description) > 200
    assert project.specific_objective.startswith("6: Säkerställande av att placeringen")


def test_objective_titles_and_totals_match_the_page(projects):
    titles = {p.objective.code: p.objective.title for p in projects}
    assert titles["6.1"].startswith("Effektivisering av placering i kommunerna")
    assert titles["6.2"] == "Främjande av integreringen av kvotflyktingar"
    assert sum(p.eu_support for p in projects) == Decimal("11801156.32")
    assert sum(p.eu_support for p in projects if p.objective.code == "6.1") == Decimal("5343373.73")
    assert sum(p.eu_support for p in projects if p.objective.code == "6.2") == Decimal("6457782.59")
    assert sum(p.objective.code == "6.1" for p in projects) == 3


def test_descriptions_are_whole_and_free_of_labels(projects):
    lanu = next(p for p in projects if p.id == "lanu-2022")
    assert lanu.description.startswith("Insatserna för tortyrutsatta och krigstraumatiserade barn")
    assert lanu.description.endswith("ändamålsenlig vård.")
    assert all("Projektbeskriv" not in p.description[:30] for p in projects)
    assert all("\u00a0" not in p.description and "  " not in p.description for p in projects)


def test_repairs_of_the_page_are_recorded_as_notes(projects):
    navigator = next(p for p in projects if p.id == "navigator-2-0-2021")
    assert any("'Projekgenomförare' before the period" in note for note in navigator.notes)
    terminology = next(p for p in projects if p.id == "terminologiarbete-framjande-2021")
    assert any("full stop" in note for note in terminology.notes)
    oppet = next(p for p in projects if p.id == "oppet-arbetsliv-2021")
    assert oppet.notes == ()  # the one project with correct labels


def test_parsing_twice_gives_the_same_ids(source_path, projects):
    assert [p.id for p in read_source(source_path)] == [p.id for p in projects]


def test_ids_stay_unique_when_projects_collide(projects):
    lanu = next(p for p in projects if p.id == "lanu-2022")
    clone = lanu.__class__(**{**lanu.__dict__, "description": "Ett annat projekt.", "id": ""})
    ids = [p.id for p in assign_unique_ids([lanu, clone])]
    assert ids[0] == "lanu-2022"
    assert ids[1].startswith("lanu-2022-") and ids[1] != ids[0]


def test_an_added_project_changes_no_existing_id(source_text):
    extra = ("\nNytt projekt – Något helt annat\n\n • Projektbeskrivning: Text.\n\n"
             " • Projektgenomförare: X, Verksamhetsperiod: 1.1.2023 - 31.12.2023, EU-stöd: 10 euro\n")
    before = [p.id for p in parse_document(source_text, "page.txt")]
    after = [p.id for p in parse_document(source_text + extra, "page.txt")]
    assert after[:-1] == before
    assert after[-1] == "nytt-projekt-2023"


@pytest.mark.parametrize("text,expected", [
    ("2 346 028, 39", "2346028.39"),
    ("910 090", "910090.00"),
    ("\u00a0317 451,10", "317451.10"),
    ("1.732.192", "1732192.00"),
    ("86930", "86930.00"),
    ("tvåhundra", None),
    ("12,345,67", None),
], ids=["space-in-decimals", "no-cents", "nbsp", "dotted-thousands", "plain", "words", "two-commas"])
def test_amounts_are_read_exactly(text, expected):
    value = parse_amount(text)
    assert (None if value is None else str(value)) == expected


def test_slugs_are_ascii_without_function_words():
    assert slugify("Öppet arbetsliv") == "oppet-arbetsliv"
    assert slugify("Rehabilitering för krigstraumatiserade") == "rehabilitering-krigstraumatiserade"


# -- bad input -----------------------------------------------------------------------

GOOD_PROJECT = (
    "Nationellt mål 6.2: Främjande\n\n"
    "Projekt A\n\n"
    " • Projektbeskrivning: Något.\n\n"
    " • Projektgenomförare: Org, Verksamhetsperiod: 1.1.2022 - 31.12.2022, EU-stöd: 1 000 euro\n"
)


def _problems(text: str) -> list[str]:
    with pytest.raises(SourceError) as caught:
        parse_document(text, "page.txt")
    return caught.value.lines()


@pytest.mark.parametrize("text,line,message", [
    ("Nationellt mål 6.2: X\n\nProjekt A\n\n • Projektbeskrivning: Något.\n",
     3, "saknar raden Projektgenomförare"),
    (GOOD_PROJECT.replace("1 000 euro", "tusen euro"), 7, "'tusen' är inget belopp i euro"),
    (GOOD_PROJECT.replace("1.1.2022", "31.02.2022"), 7, "omöjligt datum 31.02.2022"),
    (GOOD_PROJECT.replace("31.12.2022", "31.12.2021"), 7, "perioden slutar (31.12.2021) innan den börjar (01.01.2022)"),
    (GOOD_PROJECT.replace("Org, ", ""), 7, "projektgenomföraren saknas"),
    (GOOD_PROJECT.replace(", EU-stöd: 1 000 euro", ""), 7, "inget belopp för EU-stöd hittades"),
    (GOOD_PROJECT.replace("Verksamhetsperiod: 1.1.2022 - 31.12.2022", "Verksamhetsperiod: 2022"), 7,
     "ingen period (D.M.ÅÅÅÅ - D.M.ÅÅÅÅ) hittades"),
    ("Projekt A\n\n • Projektbeskrivning: X\n\n • Projektgenomförare: O, Verksamhetsperiod: 1.1.2022 - 1.2.2022, "
     "EU-stöd: 5 euro\n", 1, "står före rubriken 'Nationellt mål'"),
], ids=["missing-implementer-line", "amount-not-a-number", "impossible-date", "end-before-start",
        "empty-implementer", "missing-amount", "missing-period", "no-objective"])
def test_each_bad_project_is_reported_with_file_and_line(text, line, message):
    problems = _problems(text)
    assert any(p.startswith(f"page.txt:{line}: ") and message in p for p in problems), problems


def test_every_problem_of_a_file_is_reported_not_only_the_first():
    text = GOOD_PROJECT.replace("1 000 euro", "x euro") + (
        "\nProjekt B\n\n • Projektbeskrivning: Y.\n\n"
        " • Projektgenomförare: Org, Verksamhetsperiod: 1.1.2022 - 31.02.2022, EU-stöd: 5 euro\n")
    problems = _problems(text)
    assert len(problems) == 2
    assert "page.txt:7:" in problems[0] and "page.txt:13:" in problems[1]


def test_a_project_without_its_bullets_is_reported_not_dropped():
    text = GOOD_PROJECT + "\nProjekt B utan beskrivning\n\nProjekt C\n\n • Projektbeskrivning: Z.\n\n" \
        " • Projektgenomförare: O, Verksamhetsperiod: 1.1.2022 - 2.2.2022, EU-stöd: 3 euro\n"
    problems = _problems(text)
    assert any("page.txt:9:" in p and "text mellan projekten" in p for p in problems)


@pytest.mark.parametrize("content,message", [
    (b"", "filen är tom"),
    (b"  \n\n \n", "filen är tom"),
    (b"Bara en rad text utan projekt.\n", "inga projekt hittades"),
    (b"Projekt\n\xff\xfe trasig\n", "ingen UTF-8-text (byte 0xff vid position 8)"),
    (b"\x00\x01\x02binary", "är en binär fil, inte text"),
], ids=["empty", "blank", "no-project", "not-utf8", "binary"])
def test_unreadable_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert message in caught.value.lines()[0]
    assert str(path) in caught.value.lines()[0]


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"rad ett\nrad tv\xe5\n")
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert caught.value.lines() == [f"{path}:2: ingen UTF-8-text (byte 0xe5 vid position 14)"]


def test_a_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(SourceError, match="filen finns inte"):
        read_source(tmp_path / "nothing.txt")
