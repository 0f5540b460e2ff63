"""Atomic builds: a build killed with SIGKILL at any moment leaves the previous index whole.

Each test starts from a copy of an index of the real page, starts a real build process of
another page into it, kills it (kill -9) at one moment, and then checks, with real CLI
processes, that the previous index answers searches exactly as before, that ``index info
--verify`` passes, and that the next build removes what the killed one left behind.

Two kinds of moments: those a large build passes through that can be seen from outside
(a new generation folder, Whoosh files appearing), polled for; and the instants of
publishing (manifest and CURRENT being written), which are too short to hit from outside,
so the build process kills itself there.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from reliability_helpers import (
    SOURCE, cli_command, generations, kill, live_name, python_command, run, run_cli, start, synthetic_page,
    temporary_files, wait_for,
)

# Large enough that a build takes several seconds and passes visibly through its phases.
BIG_PROJECTS = 2000
QUERIES = ("trauma barn",)

# The build process kills itself at one instant of publishing. argv: point, CLI arguments.
KILL_AT_POINT = r"""
import os, signal, sys
from pathlib import Path
from amif_search.index import store

point = sys.argv[1]
real_replace, real_write = os.replace, store.write_atomically

def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def replace(src, dst, *args, **kwargs):
    if point == "manifest-tmp-written" and Path(dst).name == store.MANIFEST \
            or point == "current-tmp-written" and Path(dst).name == store.CURRENT:
        die()
    return real_replace(src, dst, *args, **kwargs)

def write(path, data, **kwargs):
    if point == "before-current" and Path(path).name == store.CURRENT:
        die()
    return real_write(path, data, **kwargs)

if point == "before-manifest":
    store.publish_generation = die
store.os.replace = replace
store.write_atomically = write

from amif_search.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def big_page(tmp_path_factory, projects) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text(synthetic_page(projects, BIG_PROJECTS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_page(tmp_path_factory, projects) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.txt"
    path.write_text(synthetic_page(projects, 40, tag="parti"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> tuple[Path, dict]:
    """An index of the real page, and its answers to QUERIES as the CLI prints them."""
    from amif_search.collection import build_index

    location = tmp_path_factory.mktemp("previous") / "index"
    build_index([SOURCE], location)
    answers = {}
    for query in QUERIES:
        done = run_cli("search", query, "--index", location, "--json")
        assert done.returncode == 0, done.stderr
        answers[query] = json.loads(done.stdout)
    return location, answers


@pytest.fixture
def index(tmp_path, previous) -> Path:
    target = tmp_path / "index"
    shutil.copytree(previous[0], target)
    return target


def _new_generation(index: Path, before: list[str]) -> Path | None:
    fresh = [name for name in generations(index) if name not in before]
    return index / fresh[0] if fresh else None


def _assert_previous_index_whole(index: Path, live: str, answers: dict) -> None:
    assert live_name(index) == live
    for query, expected in answers.items():
        done = run_cli("search", query, "--index", index, "--json")
        assert (done.returncode, done.stderr) == (0, "")
        assert json.loads(done.stdout) == expected
    done = run_cli("index", "info", "--verify", "--json", "--index", index)
    assert (done.returncode, done.stderr) == (0, "")
    report = json.loads(done.stdout)
    assert report["generation"] == live
    assert report["verification"]["ok"] is True
    assert report["verification"]["expected"] == 12


class LeftoversRemain(AssertionError):
    """The next build did not remove what a killed build left behind."""


def _assert_next_build_cleans_up(index: Path, live: str, killed: str | None) -> None:
    # --wait 0: the kernel released the killed build's lock, nothing stale is left to wait for.
    done = run_cli("index", "build", "--source", SOURCE, "--index", index, "--quiet", "--wait", "0")
    assert (done.returncode, done.stderr) == (0, "")
    expected = sorted([live, live_name(index)])  # the live generation and the one before it
    if generations(index) != expected or temporary_files(index):
        raise LeftoversRemain(f"after the next build: {generations(index)} and {temporary_files(index)}, "
                              f"expected {expected} (the killed build's was {killed})")


def _new_whoosh_file(index: Path, before: list[str], suffix: str) -> bool:
    generation = _new_generation(index, before)
    return generation is not None and any((generation / "whoosh").glob(f"*{suffix}"))


# Moments of a large build, recognised from outside: the condition, then a pause before the kill.
POLLED_MOMENTS = {
    # The generation folder exists, records.sqlite is being written (about a second in).
    "writing-records": (lambda index, before: _new_generation(index, before) is not None, 0.0),
    # Whoosh is adding documents (in memory and to temporary files): its term file has just
    # appeared. About a second passes before the commit begins on a quiet machine, less on a
    # fast one, so the pause is short: a longer one reached the end of the build in CI.
    "adding-documents": (lambda index, before: _new_whoosh_file(index, before, ".trm"), 0.1),
    # Whoosh is committing: column files are written, the table of contents is not.
    "committing": (lambda index, before: _new_whoosh_file(index, before, ".col"), 0.0),
}


def _kill_when(index: Path, command: list[str], moment: str) -> Path:
    """Run ``command``, kill -9 it at ``moment``; the generation folder it left."""
    condition, pause = POLLED_MOMENTS[moment]
    before = generations(index)
    process = start(command)
    try:
        reached = wait_for(lambda: condition(index, before), timeout=300, process=process)
        time.sleep(pause)
        assert process.poll() is None, f"the build ended before it could be killed: {process.communicate()}"
        assert reached, f"the build never reached {moment}"
    finally:
        kill(process)
    killed = _new_generation(index, before)
    assert killed is not None
    return killed


@pytest.mark.parametrize("moment", list(POLLED_MOMENTS))
def test_a_large_build_killed_leaves_the_previous_index_searchable(index, previous, big_page, moment):
    live = live_name(index)
    killed = _kill_when(index, cli_command("index", "build", "--source", big_page, "--index", index, "-q"), moment)
    if moment == "committing":
        # Killed inside the commit: no table of contents but the empty one of a new index.
        assert [p.name for p in (killed / "whoosh").glob("*.toc")] in ([], ["_MAIN_0.toc"])
    _assert_previous_index_whole(index, live, previous[1])
    _assert_next_build_cleans_up(index, live, killed.name)


def test_an_update_killed_while_adding_leaves_the_previous_index_whole(index, previous, big_page):
    # An update hard-links the live generation's Whoosh segments into the new one; a kill
    # must leave the live files as they were (read_manifest checks their digests).
    live = live_name(index)
    killed = _kill_when(index, cli_command("index", "update", "--source", big_page, "--index", index, "-q"),
                        "adding-documents")
    _assert_previous_index_whole(index, live, previous[1])
    _assert_next_build_cleans_up(index, live, killed.name)




@pytest.mark.parametrize("point", [
    "before-manifest",
    "manifest-tmp-written",
    "before-current",
    "current-tmp-written",
])
def test_a_build_killed_while_publishing_leaves_the_previous_index_searchable(index, previous, small_page, point):
    live, before = live_name(index), generations(index)
    done = run(python_command(KILL_AT_POINT, point, "index", "build", "--source", small_page, "--index", index, "-q"))
    assert done.returncode == -9
    killed = _new_generation(index, before)
    assert killed is not None and (killed / "whoosh").is_dir()
    assert (killed / "manifest.json").exists() == (point in ("before-current", "current-tmp-written"))
    assert bool(temporary_files(index)) == (point == "current-tmp-written")
    _assert_previous_index_whole(index, live, previous[1])
    _assert_next_build_cleans_up(index, live, killed.name)
