"""What the index trusts: only the files that were checked, no symlinks, no FIFOs, a key of
full length, a folder no other user can write (issue 14, the security boundary).

A malicious pickle is planted as a Whoosh table of contents *after* the index was checked:
Whoosh lists the folder and unpickles the newest TOC at each thread's first search, so this
is the moment that a check at opening alone cannot cover.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from reliability_helpers import cli_command, cli_env, live_name, python_command, run, run_cli
from test_reliability_index import _current_toc_generation, _plant_toc

from amif_search.catalogue import open_catalogue
from amif_search.errors import IndexStateError
from amif_search.index import store


def _whoosh(index: Path) -> Path:
    return index / live_name(index) / "whoosh"


def _plant_newer_toc(index: Path, marker: Path) -> Path:
    whoosh = _whoosh(index)
    return _plant_toc(whoosh, marker, _current_toc_generation(whoosh) + 1)


def _ids(result) -> list[str]:
    return [hit.project.id for hit in result.hits]


def test_a_toc_planted_after_opening_is_never_read_by_a_new_thread_of_the_api(private_index, tmp_path):
    marker = tmp_path / "pwned"
    catalogue = open_catalogue(private_index, build=False)
    expected = _ids(catalogue.search("trauma barn"))
    _plant_newer_toc(private_index, marker)
    answers = []
    thread = threading.Thread(target=lambda: answers.append(_ids(catalogue.search("trauma barn"))))
    thread.start()
    thread.join(30)
    catalogue.close()
    assert not marker.exists()
    assert answers == [expected]


# Runs the command line with a TOC planted right after the files were checked and before
# Whoosh opens the folder: the window a create-and-delete loop won 64 times in 74.
PLANT_AFTER_CHECK = r"""
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from amif_search.index import store
from test_reliability_index import _current_toc_generation, _plant_toc

marker = Path(sys.argv[2])
real = store.check_files

def check_then_plant(generation, manifest, **kwargs):
    real(generation, manifest, **kwargs)
    whoosh = generation / "whoosh"
    _plant_toc(whoosh, marker, _current_toc_generation(whoosh) + 1)

store.check_files = check_then_plant
real_read = store.read_manifest

def read_then_plant(generation, verify_files=True, **kwargs):
    manifest = real_read(generation, verify_files, **kwargs)
    if verify_files:
        whoosh = generation / "whoosh"
        _plant_toc(whoosh, marker, _current_toc_generation(whoosh) + 1)
    return manifest

store.read_manifest = read_then_plant
from amif_search.cli import main
sys.exit(main(sys.argv[3:]))
"""


def test_a_toc_planted_between_the_check_and_whoosh_opening_never_runs_in_the_cli(private_index, tmp_path):
    marker = tmp_path / "pwned"
    expected = run_cli("search", "trauma barn", "--index", private_index, "--json")
    done = run(python_command(PLANT_AFTER_CHECK, Path(__file__).parent, marker,
                              "search", "trauma barn", "--index", private_index, "--json"))
    assert not marker.exists()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hits"] == json.loads(expected.stdout)["hits"]


def test_a_toc_planted_while_the_server_runs_is_never_read(private_index, tmp_path):
    marker = tmp_path / "pwned"
    server = subprocess.Popen(cli_command("serve", "--port", "0", "--threads", "4", "--index", private_index),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              env=cli_env(LANGUAGE="en"), text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"http://\S+/", line).group(0)
        _plant_newer_toc(private_index, marker)   # before any worker thread has searched
        answers = []

        def ask() -> None:
            with urllib.request.urlopen(url + "api/search?q=trauma+barn", timeout=20) as reply:
                answers.append((reply.status, [hit["id"] for hit in json.load(reply)["hits"]]))

        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert not marker.exists()
    assert len(answers) == 6 and {status for status, _ids in answers} == {200}
    assert len({tuple(ids) for _status, ids in answers}) == 1 and answers[0][1]


def test_a_toc_planted_before_opening_is_refused_with_one_line(private_index, tmp_path):
    marker = tmp_path / "pwned"
    _plant_newer_toc(private_index, marker)
    line = run_cli("search", "trauma barn", "--index", private_index).error_line()
    assert str(private_index) in line
    assert not marker.exists()


@pytest.mark.parametrize("command", [("search", "trauma"), ("index", "info", "--verify")], ids=" ".join)
def test_a_fifo_named_like_a_toc_is_refused_without_hanging(private_index, command):
    whoosh = _whoosh(private_index)
    os.mkfifo(whoosh / f"_MAIN_{_current_toc_generation(whoosh) + 1}.toc")
    done = run_cli(*command, "--index", private_index, timeout=30)
    assert done.seconds < 20
    assert "_MAIN_" in done.error_line()


def test_the_storage_refuses_a_file_replaced_after_the_check(private_index):
    catalogue = open_catalogue(private_index, build=False)
    try:
        segment = next(p for p in _whoosh(private_index).iterdir() if p.suffix != ".toc")
        data = segment.read_bytes()
        segment.unlink()
        segment.write_bytes(data)   # the same bytes, another file
        storage = catalogue.engine._ix.storage
        with pytest.raises(IndexStateError, match=segment.name):
            storage.open_file(segment.name)
        with pytest.raises(IndexStateError):
            storage.open_file("_MAIN_999.toc")
        assert "_MAIN_999.toc" not in storage.list()
    finally:
        catalogue.close()
