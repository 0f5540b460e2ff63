"""The command line as a user meets it: search, list, show, index, exit codes, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from amif_search.cli import cli, main
from tests.test_source import EXPECTED


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_trauma_barn_finds_both_lanu_projects_then_the_war_trauma_project(capsys, built_index):
    code, out, err = run(capsys, "search", "trauma barn", "--index", str(built_index), "--json")
    assert code == 0, err
    ids = [hit["id"] for hit in json.loads(out)["hits"]]
    assert set(ids[:2]) == {"lanu-2022", "lanu-2019"}
    assert ids[2] == "rehabilitering-krigstraumatiserade-2021"


def test_search_text_output_names_the_fields_and_highlights_nothing_when_piped(capsys, built_index):
    code, out, _err = run(capsys, "search", "tortyr", "--index", str(built_index))
    assert code == 0
    assert "Projektgenomförare: Stiftelsen Diakonissanstalten i Helsingfors sr" in out
    assert "Verksamhetsperiod: 1.1.2022–31.12.2022" in out
    assert "EU-stöd: 501 845,10 €" in out
    assert "\x1b[" not in out


def test_colour_highlights_the_matched_member_inside_a_compound(capsys, built_index):
    code, out, _err = run(capsys, "search", "trauma", "--index", str(built_index), "--color", "always")
    assert code == 0
    assert "krigs\x1b[33m\x1b[1mtraumatiserade\x1b[0m" in out


def test_json_hit_has_the_documented_fields(capsys, built_index):
    code, out, _err = run(capsys, "search", "tortyr", "--index", str(built_index), "--json", "--limit", "1")
    data = json.loads(out)
    assert set(data) >= {"query", "total", "hits", "corrections", "did_you_mean", "warnings"}
    assert data["query"] == "tortyr" and data["total"] == 3   # the third through a related concept
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "short_name", "objective", "implementer", "start", "end",
                        "eu_support", "score", "snippet"}
    assert isinstance(hit["eu_support"], str) and hit["eu_support"].count(".") == 1
    assert len(hit["eu_support"].split(".")[1]) == 2
    assert hit["start"][4] == "-" and isinstance(hit["score"], float)


@pytest.mark.parametrize("option,value,expected", [
    ("--objective", "6.1", {"sylvia-6-2022", "sylvia5-2021", "navigator-2-0-2021"}),
    ("--year", "2019", {"tuuli-2019", "paloma2-2019", "lanu-2019"}),
    ("--implementer", "Spring House", {"oppet-arbetsliv-2021"}),
], ids=["objective", "year", "implementer"])
def test_filters_on_list(capsys, built_index, option, value, expected):
    code, out, _err = run(capsys, "list", option, value, "--json", "--index", str(built_index))
    assert code == 0
    assert {p["id"] for p in json.loads(out)["projects"]} == expected


def test_list_json_gives_all_twelve_projects_exactly(capsys, built_index):
    code, out, _err = run(capsys, "list", "--json", "--index", str(built_index))
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 12
    by_id = {p["id"]: p for p in data["projects"]}
    for pid, objective, short, implementer, start, end, support, title in EXPECTED:
        project = by_id[pid]
        assert (project["objective"], project["short_name"], project["implementer"]) == (objective, short, implementer)
        assert (project["start"], project["end"]) == (start.isoformat(), end.isoformat())
        assert project["eu_support"] == support
        assert project["title"].startswith(title)


def test_show_prints_one_project(capsys, built_index):
    code, out, _err = run(capsys, "show", "lanu-2019", "--index", str(built_index))
    assert code == 0
    assert out.startswith("LANU - Rehabilitering av barn och unga som utsatts för tortyr")
    assert "997 797,00 €" in out and "amif-so6-quota-refugee-placement.sv.txt:79" in out


@pytest.mark.parametrize("args,code,message", [
    (["search", "zzzqqqxxx"], 1, None),
    (["show", "nope-2000"], 1, "amif-search: fel: inget projekt har ID:t nope-2000"),
    (["search", "färg:röd"], 2, "amif-search: fel: okänt fält färg:"),
    (["search", ""], 2, "amif-search: fel: frågan är tom"),
    (["list", "--objective", "9.9"], 1, None),
    (["search", "x", "--limit", "0"], 2, "Ogiltigt värde för '--limit'"),
], ids=["nothing-found", "unknown-id", "unknown-field", "empty-query", "empty-filter", "bad-limit"])
def test_exit_codes_follow_grep(capsys, built_index, args, code, message):
    got, out, err = run(capsys, *args, "--index", str(built_index))
    assert got == code
    if message:
        assert message in err
        assert "Traceback" not in err and len(err.strip().splitlines()) <= 2


def test_a_bad_source_is_one_line_per_problem_and_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Nationellt mål 6.2: X\n\nProjekt\n\n • Projektbeskrivning: Y\n\n"
                   " • Projektgenomförare: O, Verksamhetsperiod: 31.02.2022 - 1.1.2023, EU-stöd: mycket euro\n",
                   encoding="utf-8")
    code, _out, err = run(capsys, "index", "build", "--source", str(bad), "--index", str(tmp_path / "ix"))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        f"amif-search: fel: {bad}:7: omöjligt datum 31.02.2022 (Verksamhetsperiod)",
        f"amif-search: fel: {bad}:7: 'mycket' är inget belopp i euro (EU-stöd)",
    ]
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_index_build_and_info(capsys, tmp_path, source_path):
    location = tmp_path / "ix"
    code, out, _err = run(capsys, "index", "build", "--source", str(source_path), "--index", str(location))
    assert code == 0 and "12" in out
    code, out, _err = run(capsys, "index", "info", "--json", "--index", str(location))
    info = json.loads(out)
    assert info["projects"] == 12 and info["sources"][0]["projects"] == 12
    assert info["location"] == str(location) and not info["sources"][0]["changed"]


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))


@pytest.mark.parametrize("path", [()] + list(_commands(cli)), ids=lambda p: " ".join(p) or "main")
def test_every_command_has_help(capsys, path):
    code, out, _err = run(capsys, *path, "--help")
    assert code == 0 and "Användning: amif-search" in out  # Swedish, the default language


def test_version_and_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "amif_search", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().startswith("amif-search 0.")


def test_structure_in_words_is_read_shown_and_filtered(capsys, built_index):
    code, out, _err = run(capsys, "search", "vuonna 2022 alkaneet", "--index", str(built_index), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["interpretations"] == [{"from": "vuonna 2022 alkaneet", "as": "startår:2022", "field": "start_year",
                                        "kind": "filter"}]
    assert data["hits"] and all(hit["start"].startswith("2022-") for hit in data["hits"])
    code, out, _err = run(capsys, "search", "trauma år 2022", "--index", str(built_index))
    assert "år 2022 lästes som år:2022" in out.splitlines()[0]


def test_json_counts_the_query_concepts_beside_each_hits_matched_concepts(capsys, built_index):
    code, out, _err = run(capsys, "search", "trauma barn", "--index", str(built_index), "--json")
    data = json.loads(out)
    assert data["query_concepts"] == 2
    counts = [hit["matched_concepts"] for hit in data["hits"]]
    assert counts[:2] == [2, 2] and 1 in counts and counts == sorted(counts, reverse=True)


def test_text_output_separates_full_matches_from_partial_ones(capsys, built_index):
    code, out, _err = run(capsys, "search", "trauma barn", "--index", str(built_index))
    lines = out.splitlines()
    full, partial = lines.index("Matchar hela frågan:"), lines.index("Matchar en del av frågan:")
    assert full < partial
    assert "[lanu-2022]" in "\n".join(lines[full:partial]) and "[lanu-2019]" in "\n".join(lines[full:partial])


def test_text_output_says_first_when_no_project_matches_the_whole_query(capsys, built_index):
    code, out, _err = run(capsys, "search", "pizzabagare barn", "--index", str(built_index))
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Finns inte i projekten: pizzabagare"
    assert lines[1] == "Inget projekt matchar hela frågan; de här matchar en del av den."
    assert "Matchar hela frågan:" not in lines


@pytest.mark.parametrize("query", ["vilka projekt hjälper barn", "which projects help children",
                                   "mitkä hankkeet auttavat lapsia", "barn genom trots kring enligt"],
                         ids=["sv", "en", "fi", "sv-prepositions"])
def test_function_words_of_three_languages_are_neither_searched_nor_corrected(capsys, built_index, query):
    code, out, _err = run(capsys, "search", query, "--index", str(built_index), "--json")
    data = json.loads(out)
    assert data["corrections"] == [] and data["unknown"] in ([], ["hjälper"], ["help"], ["auttavat"])
    assert data["query_concepts"] <= 2


def test_a_generic_concept_does_not_carry_a_project_into_a_longer_query(capsys, built_index):
    # 'flykting' occurs in nearly every project; with 'tortyr' only the torture projects remain.
    code, out, _err = run(capsys, "search", "flyktingar tortyr", "--index", str(built_index), "--json")
    ids = {hit["id"] for hit in json.loads(out)["hits"]}
    code, out, _err = run(capsys, "search", "tortyr", "--index", str(built_index), "--json")
    assert ids == {hit["id"] for hit in json.loads(out)["hits"]}


@pytest.mark.parametrize("query", ["Suomen pakolaisapu", "Finlands flyktinghjälp", "Finnish Refugee Council"],
                         ids=["fi", "sv", "en"])
def test_an_implementer_named_in_any_language_lifts_its_projects_and_is_shown(capsys, built_index, query):
    code, out, _err = run(capsys, "search", query, "--index", str(built_index), "--json")
    data = json.loads(out)
    assert data["hits"][0]["implementer"] == "Suomen pakolaisapu"
    (reading,) = data["interpretations"]
    assert (reading["from"], reading["field"], reading["kind"]) == (query, "implementer", "boost")
    assert len(data["hits"]) > 1   # a boost, not a filter


def test_a_topic_no_project_is_about_finds_nothing_even_beside_a_generic_word(capsys, built_index):
    code, out, _err = run(capsys, "search", "pizzabagare flyktingar", "--index", str(built_index), "--json")
    data = json.loads(out)
    assert (code, data["hits"], data["unknown"]) == (1, [], ["pizzabagare"])


def test_an_incidental_unknown_word_in_a_longer_question_does_not_empty_the_answer(capsys, built_index):
    query = "hur hittar kvotflyktingar arbete i kommunerna snabbast"
    code, out, _err = run(capsys, "search", query, "--index", str(built_index), "--json")
    data = json.loads(out)
    assert code == 0 and data["unknown"] == ["snabbast"] and data["hits"]
    assert all(hit["matched_concepts"] < data["query_concepts"] for hit in data["hits"])   # none claims all
