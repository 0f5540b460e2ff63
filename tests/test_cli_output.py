"""Output formats, sorting, paging and the habits of the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest

from amif_search.cli import main


def run(capsys, *args):
    from amif_search.i18n import detect_language, set_language

    try:
        code = main(list(args))
    finally:
        set_language(detect_language())  # --ui en is for this command only, not for the tests after it
    out, err = capsys.readouterr()
    return code, out, err


def test_unquoted_words_are_one_query(capsys, built_index):
    code, out, err = run(capsys, "search", "trauma", "barn", "--json", "--index", str(built_index))
    assert code == 0, err
    data = json.loads(out)
    assert data["query"] == "trauma barn" and data["total"] == 3


def test_search_json_has_the_totals_and_facets_of_the_issue(capsys, built_index):
    code, out, _err = run(capsys, "search", "trauma barn", "--json", "--index", str(built_index))
    data = json.loads(out)
    assert code == 0 and data["eu_support_total"] == "2091076.95"
    assert set(data["facets"]) == {"objective", "start_year", "implementer"}
    for values in data["facets"].values():
        assert set(values[0]) == {"value", "count", "eu_support"}
        assert sum(v["count"] for v in values) == data["total"]
        assert f"{sum(float(v['eu_support']) for v in values):.2f}" == data["eu_support_total"]


def test_the_table_says_the_total_support_and_facets_on_request(capsys, built_index):
    code, out, _err = run(capsys, "search", "trauma barn", "--facets", "--index", str(built_index))
    assert code == 0
    assert "3 projekt, EU-stöd sammanlagt 2 091 076,95 €" in out
    assert "Startår\n" in out and "6.2 Främjande av integreringen av kvotflyktingar" in out
    code, out, _err = run(capsys, "--lang", "en", "list", "--index", str(built_index))
    assert "12 projects, EU support in total €11,801,156.32" in out


def _records(capsys, built_index, command, fmt, key):
    args = [*command, "--index", str(built_index)]
    code, out, _err = run(capsys, *args, "--format", fmt)
    assert code == 0
    if fmt == "jsonl":
        return [json.loads(line) for line in out.splitlines()]
    assert fmt == "csv" and out.startswith("\ufeff") and "\r\n" in out
    return list(csv.DictReader(io.StringIO(out.encode("utf-8").decode("utf-8-sig"), newline="")))


def _as_text(record):
    return {k: "" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else str(v)
            for k, v in record.items()}


@pytest.mark.parametrize("command,key", [
    (["search", "flyktingar", "--limit", "20"], "hits"),
    (["list"], "projects"),
], ids=["search", "list"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_csv_and_jsonl_round_trip_to_the_records_of_json(capsys, built_index, command, key, fmt):
    code, out, _err = run(capsys, *command, "--json", "--index", str(built_index))
    expected = json.loads(out)[key]
    got = _records(capsys, built_index, command, fmt, key)
    if fmt == "jsonl":
        assert got == expected
    else:
        assert got == [_as_text(record) for record in expected]
    assert any("," in r.get("description", r.get("snippet", "")) for r in got)  # quoting was needed


def test_tsv_has_tabs_no_bom_and_the_chosen_fields(capsys, built_index):
    code, out, _err = run(capsys, "list", "--format", "tsv", "--fields", "id,eu_support", "--sort", "-support",
                          "--index", str(built_index))
    lines = out.splitlines()
    assert code == 0 and lines[0] == "id\teu_support" and lines[1] == "sylvia-6-2022\t2679894.24"
    assert len(lines) == 13


def test_fields_checks_its_names(capsys, built_index):
    code, _out, err = run(capsys, "list", "--fields", "id,colour", "--index", str(built_index))
    assert code == 2 and "okänt fält colour" in err and "eu_support" in err


def test_glossary_list_speaks_the_same_formats(capsys):
    code, out, _err = run(capsys, "glossary", "list", "--format", "csv", "--fields", "id,headword")
    rows = list(csv.reader(io.StringIO(out.encode().decode("utf-8-sig"))))
    assert code == 0 and rows[0] == ["id", "headword"] and len(rows) > 300
    code, out, _err = run(capsys, "glossary", "list", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == len(rows) - 1
    assert set(json.loads(out.splitlines()[0])) >= {"id", "headword", "terms"}


def test_list_pages_and_says_when_the_offset_is_past_the_end(capsys, built_index):
    code, out, _err = run(capsys, "list", "--limit", "2", "--offset", "10", "--json", "--index", str(built_index))
    data = json.loads(out)
    assert code == 0 and data["total"] == 12 and len(data["projects"]) == 2 and data["offset"] == 10
    code, out, err = run(capsys, "list", "--offset", "12", "--index", str(built_index))
    assert code == 1 and out == "" and "Det finns bara 12 projekt; inget att visa från nummer 13" in err
    code, out, err = run(capsys, "search", "trauma barn", "--offset", "3", "--index", str(built_index))
    assert code == 1 and "Det finns bara 3 träffar; inget att visa från nummer 4" in err
    assert "visar 0" not in out + err


def test_search_sorts_newest_first(capsys, built_index):
    code, out, _err = run(capsys, "search", "flyktingar", "--sort", "-start", "--format", "jsonl", "--fields", "start",
                          "--index", str(built_index))
    starts = [json.loads(line)["start"] for line in out.splitlines()]
    assert code == 0 and len(starts) > 3 and starts == sorted(starts, reverse=True)
    code, _out, err = run(capsys, "search", "barn", "--sort", "title", "--index", str(built_index))
    assert code == 2 and "okänd sortering title" in err


def test_title_text_after_a_highlight_is_bold_again(capsys, built_index):
    code, out, _err = run(capsys, "search", "LANU", "--color", "always", "--index", str(built_index))
    line = next(line for line in out.splitlines() if "[lanu-2022]" in line)
    after = line.split("LANU", 1)[1]
    assert "\x1b[1m" in after.split("Rehabilitering")[0], repr(line)


def test_wrapping_follows_the_terminal_width(capsys, built_index, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _err = run(capsys, "search", "trauma barn", "--index", str(built_index))
    assert code == 0 and max(len(line) for line in out.splitlines()[3:]) <= 60
    monkeypatch.setenv("COLUMNS", "200")
    _code, wide, _err = run(capsys, "search", "trauma barn", "--index", str(built_index))
    assert max(len(line) for line in wide.splitlines()[3:]) > 100


def test_show_with_an_unknown_id_suggests_the_close_ones(capsys, built_index):
    code, _out, err = run(capsys, "show", "lanu-2023", "--index", str(built_index))
    assert code == 1
    assert err.strip() == "amif-search: fel: inget projekt har ID:t lanu-2023; menade du lanu-2022, lanu-2019?"
    code, _out, err = run(capsys, "show", "zzzz-0000", "--index", str(built_index))
    assert err.strip() == "amif-search: fel: inget projekt har ID:t zzzz-0000"


def test_shell_completion_completes_project_ids(built_index, monkeypatch):
    import subprocess
    import sys

    env = {"_AMIF_SEARCH_COMPLETE": "bash_complete", "COMP_WORDS": f"amif-search show --index {built_index} lan",
           "COMP_CWORD": "4"}
    import os

    done = subprocess.run([sys.executable, "-c", "from amif_search.cli import run; run()"], capture_output=True,
                          text=True, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["plain,lanu-2019", "plain,lanu-2022"] or \
        sorted(done.stdout.split()) == ["plain,lanu-2019", "plain,lanu-2022"]


SOFFICE = __import__("shutil").which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice (Debian package libreoffice-calc-nogui)")
def test_libreoffice_reads_the_csv_as_utf8_with_every_cell_in_place(capsys, built_index, tmp_path):
    import html
    import os
    import re
    import subprocess

    code, out, _err = run(capsys, "list", "--format", "csv", "--index", str(built_index))
    (tmp_path / "projects.csv").write_bytes(out.encode("utf-8"))
    done = subprocess.run([SOFFICE, "--headless", "--infilter=Text - txt - csv (StarCalc):44,34,,1",
                           "--convert-to", "html", "--outdir", str(tmp_path), str(tmp_path / "projects.csv")],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path), "LANG": "C.UTF-8"})  # a desktop's locale
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "projects.html").read_text(encoding="utf-8")
    rows = [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row,
                                                                                         re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)]
    assert rows[0][:2] == ["id", "title"] and len(rows) == 13 and {len(row) for row in rows} == {10}
    assert rows[1][:3] == ["sylvia-6-2022", "Sylvia 6 – Effektivisering av placeringen av flyktingar i kommunerna",
                           "Sylvia 6"]
    assert any("näringsministeriet" in cell for row in rows for cell in row)
