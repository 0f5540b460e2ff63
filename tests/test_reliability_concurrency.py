"""Concurrency: searches during rebuilds see the old or the new index, never a mix; one build at a time.

Two versions of the page differ in one project, in a way that changes both what Whoosh
finds and what the records say (an added sentence with the query's words). Searches run in
several processes while another process rebuilds the index again and again, alternating the
two pages; every answer must be exactly one of the two complete answers.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest


from reliability_helpers import (
    cli_command, generations, live_name, python_command, run_cli, start, synthetic_page, wait_for,
)

QUERY = "trauma barn"
SEARCHERS = 3
REBUILDS = 4

# Searches in a loop, each through the command line (a fresh open of the index every time),
# until the stop file appears. argv: index, output file, stop file, query.
SEARCH_LOOP = r"""
import contextlib, gc, io, json, sys, time
from pathlib import Path
from amif_search.cli import main

index, out, stop, query = sys.argv[1:5]
results = []
deadline = time.monotonic() + 300
while not Path(stop).exists() and time.monotonic() < deadline:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["search", query, "--index", index, "--json"])
    results.append({"code": code, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()})
    gc.collect()  # the command line leaves closing the index to the end of the process
Path(out).write_text(json.dumps(results))
"""

# Rebuilds the index from each page in turn. argv: index, rebuilds, pages...
BUILD_LOOP = r"""
import contextlib, io, json, sys
from amif_search.cli import main

index, rebuilds, pages = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for n in range(rebuilds):
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(["index", "build", "--source", pages[n % len(pages)], "--index", index, "--quiet"])
    print(json.dumps({"code": code, "stderr": stderr.getvalue()}), flush=True)
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory, source_text) -> tuple[Path, Path]:
    """The real page (A), and the same page with one project changed (B)."""
    folder = tmp_path_factory.mktemp("pages")
    old, new = folder / "a.txt", folder / "b.txt"
    old.write_text(source_text, encoding="utf-8")
    sentence = "Projektinsatserna stödjer också multiprofessionellt samarbete"
    assert sentence in source_text
    new.write_text(source_text.replace(sentence, sentence + ". Projektet stöder barn med trauma", 1),
                   encoding="utf-8")
    return old, new


@pytest.fixture(scope="module")
def answers(tmp_path_factory, pages) -> tuple[dict, dict]:
    """The complete answers of an index of A and of an index of B."""
    from amif_search.collection import build_index

    found = []
    for page in pages:
        location = tmp_path_factory.mktemp("answer") / "index"
        build_index([page], location)
        done = run_cli("search", QUERY, "--index", location, "--json")
        assert done.returncode == 0, done.stderr
        found.append(json.loads(done.stdout))
    assert found[0] != found[1] and found[0]["total"] < found[1]["total"]
    return found[0], found[1]


@pytest.fixture(scope="module")
def medium_page(tmp_path_factory, projects) -> Path:
    """A page whose build takes a few seconds, long enough to overlap another build."""
    path = tmp_path_factory.mktemp("medium") / "medium.txt"
    path.write_text(synthetic_page(projects, 250), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def long_page(tmp_path_factory, projects) -> Path:
    """A page whose build lasts several times another build's start and half-second wait: the
    medium page's build now ends within about a second, sometimes before the second build
    has even asked for the lock."""
    path = tmp_path_factory.mktemp("long") / "long.txt"
    path.write_text(synthetic_page(projects, 1500), encoding="utf-8")
    return path


def test_searches_during_rebuilds_see_the_old_or_the_new_index_never_a_mix(tmp_path, pages, answers):
    from amif_search.collection import build_index

    index, stop = tmp_path / "index", tmp_path / "stop"
    build_index([pages[0]], index)
    outputs = [tmp_path / f"searcher-{n}.json" for n in range(SEARCHERS)]
    searchers = [start(python_command(SEARCH_LOOP, index, out, stop, QUERY)) for out in outputs]
    try:
        builder = start(python_command(BUILD_LOOP, index, REBUILDS, pages[1], pages[0]))
        built, build_errors = builder.communicate(timeout=300)
    finally:
        stop.touch()
        for searcher in searchers:
            searcher.communicate(timeout=120)
    assert builder.returncode == 0, build_errors
    assert [json.loads(line) for line in built.splitlines()] == [{"code": 0, "stderr": ""}] * REBUILDS

    results = [result for out in outputs for result in json.loads(out.read_text())]
    assert len(results) >= 3 * SEARCHERS
    failures = [r for r in results if r["code"] != 0 or r["stderr"]]
    assert failures == []
    seen = [json.loads(r["stdout"]) for r in results]
    mixed = [answer for answer in seen if answer not in answers]
    assert mixed == []
    assert answers[0] in seen and answers[1] in seen  # the searches did overlap the swaps

    done = run_cli("index", "info", "--verify", "--index", index)
    assert done.returncode == 0, done.stdout + done.stderr


def _start_long_build(index: Path, page: Path):
    """Start a build and return once it holds the lock (its generation folder exists)."""
    before = generations(index)
    first = start(cli_command("index", "build", "--source", page, "--index", index, "--quiet"))
    assert wait_for(lambda: len(generations(index)) > len(before), timeout=120, process=first)
    assert first.poll() is None, first.communicate()
    return first


def test_a_second_build_gives_up_after_waiting_with_one_clear_line(tmp_path, pages, long_page):
    index = tmp_path / "index"
    first = _start_long_build(index, long_page)
    try:
        second = run_cli("index", "build", "--source", pages[0], "--index", index, "--wait", "0.5")
        still_building = first.poll() is None
    finally:
        out, err = first.communicate(timeout=300)
    assert still_building, "the first build ended before the second gave up; make the long page larger"
    line = second.error_line()  # exit code 2
    assert f"{index}: " in line and " 0.5 s" in line
    assert 0.5 <= second.seconds < 10
    assert (first.returncode, err) == (0, "")
    assert len(generations(index)) == 1
    assert run_cli("index", "info", "--verify", "--index", index).returncode == 0


def test_a_second_build_waits_for_the_first_and_then_builds(tmp_path, pages, medium_page, answers):
    index = tmp_path / "index"
    first = _start_long_build(index, medium_page)
    second = start(cli_command("index", "build", "--source", pages[1], "--index", index, "--quiet", "--wait", "120"))
    first_out, first_err = first.communicate(timeout=300)
    first_live = live_name(index)
    second_out, second_err = second.communicate(timeout=300)
    assert (first.returncode, first_err) == (0, "")
    assert (second.returncode, second_err) == (0, "")
    assert generations(index) == sorted([first_live, live_name(index)])
    assert live_name(index) > first_live  # the second build was published after the first
    done = run_cli("search", QUERY, "--index", index, "--json")
    assert json.loads(done.stdout) == answers[1]


# A Collection used to read its generation lazily (the glossary at the first search, the
# Whoosh TOC whenever a thread opened a searcher), so one kept open failed once cleanup had
# removed its generation two rebuilds later. It now follows the index to the live generation.


def test_a_collection_opened_before_two_rebuilds_still_answers(tmp_path, pages, answers):
    from amif_search.collection import Collection, build_index

    index = tmp_path / "index"
    build_index([pages[0]], index)
    with Collection(index) as collection:
        for page in pages:
            build_index([page], index)
        assert collection.search(QUERY).total in (answers[0]["total"], answers[1]["total"])


def test_a_new_thread_of_a_collection_opened_before_two_rebuilds_still_answers(tmp_path, pages, answers):
    from amif_search.collection import Collection, build_index

    index = tmp_path / "index"
    build_index([pages[0]], index)
    with Collection(index) as collection:
        assert collection.search(QUERY).total == answers[0]["total"]
        for page in pages:
            build_index([page], index)
        found = []

        def search() -> None:
            try:
                found.append(collection.search(QUERY).total)
            except Exception as exc:  # reported by the assertion below, with its kind
                found.append(exc)

        thread = threading.Thread(target=search)
        thread.start()
        thread.join()
        assert found in ([answers[0]["total"]], [answers[1]["total"]])
