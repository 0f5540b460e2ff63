"""Limits: huge, binary and pathological sources, huge queries, each handled or refused by
the command line in bounded time and memory, with one line per problem and exit code 2.

The bounds are loose (this is no benchmark): they tell 'refused at once' from 'read it all',
and 'some megabytes' from 'all the memory there is'. Each command runs in a real process,
whose own peak memory (ru_maxrss, from wait4) is checked.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from reliability_helpers import SOURCE, live_name, python_command, run, run_cli

SECONDS = 10.0      # wall time of a refusal or a small build
MEGABYTES = 300     # peak memory of a refusal or a small build

# Runs the command line's main() with a query made in the process, since an argument of
# the real command line cannot be longer than 128 KiB (Linux's MAX_ARG_STRLEN).
# argv: query piece, repetitions, index.
SEARCH_MADE_QUERY = r"""
import sys
from amif_search.cli import main
piece, times, index = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sys.exit(main(["search", piece * times, "--index", index]))
"""


def _bounded(done, seconds: float = SECONDS, megabytes: float = MEGABYTES) -> None:
    assert done.seconds < seconds, f"took {done.seconds:.1f} s"
    assert done.max_rss_mb < megabytes, f"used {done.max_rss_mb:.0f} MB"


def _write_repeated(path: Path, piece: bytes, size: int) -> Path:
    with path.open("wb") as handle:
        written = 0
        while written < size:
            handle.write(piece)
            written += len(piece)
    return path


# -- sources ---------------------------------------------------------------------------


def test_a_100_mb_source_is_refused_before_it_is_read(tmp_path):
    page = _write_repeated(tmp_path / "huge.txt", SOURCE.read_bytes() * 64, 100 * 2**20)
    index = tmp_path / "index"
    done = run_cli("index", "build", "--source", page, "--index", index)
    line = done.error_line()
    assert str(page) in line and str(page.stat().st_size) in line
    _bounded(done)
    assert not (index / "CURRENT").exists()


def test_a_source_just_under_the_size_limit_is_read_and_reported_in_bounded_time(tmp_path, source_text):
    # 60 MB of text that is no project: all of it is read and parsed, then refused.
    from amif_search.source import MAX_SOURCE_BYTES

    paragraph = ("Med åtgärder som stöds inom ramen för det nationella målet säkerställs tillgången till "
                 "placering i kommunerna.\n\n").encode("utf-8")
    page = tmp_path / "large.txt"
    page.write_text(source_text + "\n\n", encoding="utf-8")
    with page.open("ab") as handle:
        handle.write(paragraph * ((MAX_SOURCE_BYTES - 4 * 2**20) // len(paragraph)))
    done = run_cli("index", "build", "--source", page, "--index", tmp_path / "index")
    assert f"{page}:" in done.error_line()
    _bounded(done, seconds=40, megabytes=1024)


def _page_with_padding_after_64_kib(text: str) -> bytes:
    return (text + "\n\n" + "Text.\n" * 12_000).encode("utf-8") + b"\x00\x01\x02"


BINARIES = {
    "executable": lambda text: Path(sys.executable).resolve().read_bytes()[:4 * 2**20],
    "random-bytes": lambda text: random.Random(8).randbytes(2**20),
    "utf-16-page": lambda text: text.encode("utf-16"),
    "windows-1252-page": lambda text: text.encode("cp1252"),
    "text-then-nul-bytes-after-64-kib": _page_with_padding_after_64_kib,
}


@pytest.mark.parametrize("kind", list(BINARIES))
def test_a_binary_source_is_refused_with_one_line(tmp_path, source_text, kind):
    page = tmp_path / "page.txt"
    page.write_bytes(BINARIES[kind](source_text))
    done = run_cli("index", "build", "--source", page, "--index", tmp_path / "index")
    assert f"{page}" in done.error_line()
    _bounded(done)


def test_very_long_lines_are_parsed_in_bounded_time(tmp_path, source_text):
    # A 1 MB word where a label would be, and one as the implementer: both once took
    # quadratic time (a misspelt-label check letter by letter; a backtracking regex).
    word = "a" * 2**20
    extra = ["", "Ett projekt till", "", " • Projektbeskrivning: En beskrivning.", "",
             f" • {word}: en rad utan etikett",
             "", " • Projektgenomförare: X, Verksamhetsperiod: 1.1.2022 - 31.12.2022, EU-stöd: 1 euro"]
    lines = source_text.replace("Spring House Oy", word, 1).splitlines() + extra
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    unlabelled = len(lines) - 2  # the only problem; the project with the long implementer is read
    done = run_cli("index", "build", "--source", page, "--index", tmp_path / "index")
    assert f"{page}:{unlabelled}: " in done.error_line()
    _bounded(done)


def test_many_identical_projects_are_all_indexed(tmp_path, source_text):
    # Identical projects have identical content digests, which once made the ID loop endless.
    lines = source_text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Navigator"))
    block = lines[start:start + 5]
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines[:start] + block * 30 + lines[start + 5:]) + "\n", encoding="utf-8")
    index = tmp_path / "index"
    done = run_cli("index", "build", "--source", page, "--index", index, "--quiet")
    assert (done.returncode, done.stderr) == (0, "")
    _bounded(done)
    projects = json.loads((index / live_name(index) / "manifest.json").read_text())["projects"]
    assert len(projects) == 12 + 29
    assert len([pid for pid in projects if pid.startswith("navigator-2-0-2021")]) == 30


def test_a_project_with_a_40_kb_word_is_indexed_in_bounded_time_and_memory(tmp_path, source_text):
    page = tmp_path / "page.txt"
    page.write_text(source_text.replace("Projektet främjar ordnandet",
                                        "Projektet " + "kommun" * 7000 + " främjar ordnandet", 1), encoding="utf-8")
    done = run_cli("index", "build", "--source", page, "--index", tmp_path / "index", "--quiet",
                   timeout=60, address_space_mb=2048)
    assert (done.returncode, done.stderr) == (0, "")
    _bounded(done, megabytes=500)


# -- queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("piece, times", [
    ("x", 1_000_000),          # 1 MB, one word
    ("trauma barn ", 87_382),  # 1 MB of words
], ids=["1-mb-word", "1-mb-of-words"])
def test_a_1_mb_query_is_refused(built_index, piece, times):
    done = run(python_command(SEARCH_MADE_QUERY, piece, times, built_index))
    assert f"{len(piece) * times}" in done.error_line()
    _bounded(done)


@pytest.mark.parametrize("query", [
    "x" * 100_000,               # as long as a command-line argument can be (with room to spare)
    " ".join(["ord"] * 10_000),  # 10 000 words
    " ".join(["barn"] * 65),     # one word more than a query may have, in a short query
    "(" * 1000 + "barn",         # nested deeper than the parser goes
    "-(" * 900 + "barn",
], ids=["100-kb", "10000-words", "65-words", "1000-parentheses", "900-negated-groups"])
def test_an_oversized_query_is_refused_with_one_line(built_index, query):
    done = run_cli("search", query, "--index", built_index)
    done.error_line()
    assert query[:50] not in done.stderr  # the message describes the query, it does not repeat it
    _bounded(done)


def test_the_largest_query_allowed_is_answered_in_bounded_time(built_index):
    # 64 words that all need a typo correction, as long as a query may be.
    from amif_search.query import MAX_QUERY_LENGTH, MAX_QUERY_TERMS

    typos = ["traumatiserde", "kommunernsa", "flyktingarn", "integreing", "psykisj", "rehabiliteing",
             "arbetslibet", "kompetenscentrat"]
    words = [typos[n % len(typos)] + "x" * (n // len(typos)) for n in range(MAX_QUERY_TERMS)]
    query = " ".join(words)[:MAX_QUERY_LENGTH]
    done = run_cli("search", query, "--index", built_index, "--json")
    assert done.returncode in (0, 1) and done.stderr == ""
    assert json.loads(done.stdout)["query"] == query
    _bounded(done)
