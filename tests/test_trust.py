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

from amif_search.collection import open_collection
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
    collection = open_collection(private_index, build=False)
    expected = _ids(collection.search("trauma barn"))
    _plant_newer_toc(private_index, marker)
    answers = []
    thread = threading.Thread(target=lambda: answers.append(_ids(collection.search("trauma barn"))))
    thread.start()
    thread.join(30)
    collection.close()
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
    collection = open_collection(private_index, build=False)
    try:
        segment = next(p for p in _whoosh(private_index).iterdir() if p.suffix != ".toc")
        data = segment.read_bytes()
        segment.unlink()
        segment.write_bytes(data)   # the same bytes, another file
        storage = collection.engine._ix.storage
        with pytest.raises(IndexStateError, match=segment.name):
            storage.open_file(segment.name)
        with pytest.raises(IndexStateError):
            storage.open_file("_MAIN_999.toc")
        assert "_MAIN_999.toc" not in storage.list()
    finally:
        collection.close()


# -- the signing key ----------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "00" * 31], ids=["empty", "31-bytes"])
def test_a_short_signing_key_is_refused_with_a_way_out(tmp_path, source_path, content):
    key = tmp_path / "short.key"
    key.write_text(content)
    env = cli_env(AMIF_SEARCH_KEY_FILE=str(key))
    index = tmp_path / "index"
    line = run_cli("index", "build", "--source", source_path, "--index", index, env=env).error_line()
    assert str(key) in line and "index build" in line
    assert not (index / "CURRENT").exists()
    key.unlink()   # the way out the message names
    assert run_cli("index", "build", "--source", source_path, "--index", index, env=env).returncode == 0
    assert len(bytes.fromhex(key.read_text())) == 32


def test_a_key_that_cannot_be_written_whole_is_never_left_in_place(tmp_path, monkeypatch):
    key = tmp_path / "data" / "index.key"
    monkeypatch.setenv("AMIF_SEARCH_KEY_FILE", str(key))

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(IndexStateError, match="No space left") as refused:
        store._signing_key(create=True)
    assert str(key) in refused.value.message
    assert not key.exists() and list(key.parent.iterdir()) == []


def test_processes_creating_the_key_at_once_agree_on_one(tmp_path):
    key = tmp_path / "index.key"
    code = ("import sys, time; from amif_search.index import store; start = float(sys.argv[1]);"
            "time.sleep(max(0, start - time.time())); print(store._signing_key(create=True).hex())")
    start = str(time.time() + 1.0)
    processes = [subprocess.Popen(python_command(code, start), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=cli_env(AMIF_SEARCH_KEY_FILE=str(key)), text=True) for _ in range(6)]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0] * 6, outputs
    assert {out.strip() for out, _err in outputs} == {key.read_text()}


# -- symlinks and the folder ------------------------------------------------------------


def test_a_lock_symlink_is_refused_and_its_target_never_created(private_index, tmp_path, source_path):
    target = tmp_path / "created-by-the-build"
    (private_index / ".lock").unlink(missing_ok=True)
    (private_index / ".lock").symlink_to(target)
    line = run_cli("index", "build", "--source", source_path, "--index", private_index).error_line()
    assert ".lock" in line
    assert not target.exists()


def test_a_generation_symlinked_to_another_index_is_not_served(private_index, tmp_path, built_index):
    other = tmp_path / "other"
    other.mkdir()
    name = live_name(private_index)
    (other / name).mkdir()
    os.rename(private_index / name, other / name / "real")
    (private_index / name).symlink_to(other / name / "real")
    line = run_cli("search", "trauma", "--index", private_index).error_line()
    assert name in line


def test_a_generation_moved_under_another_name_is_refused(private_index):
    name = live_name(private_index)
    moved = "gen-1-1"
    os.rename(private_index / name, private_index / moved)
    (private_index / "CURRENT").write_text(moved + "\n")
    line = run_cli("search", "trauma", "--index", private_index).error_line()
    assert name in line and moved in line


def test_a_symlink_inside_a_generation_is_refused(private_index, tmp_path):
    whoosh = _whoosh(private_index)
    segment = next(p for p in whoosh.iterdir() if p.suffix != ".toc")
    os.rename(segment, tmp_path / segment.name)
    segment.symlink_to(tmp_path / segment.name)
    assert segment.name in run_cli("search", "trauma", "--index", private_index).error_line()


@pytest.mark.parametrize("mode", [0o777, 0o757], ids=["world-writable", "others-writable"])
def test_an_index_folder_other_users_can_write_is_refused(private_index, mode):
    os.chmod(private_index, mode)
    line = run_cli("search", "trauma", "--index", private_index).error_line()
    assert str(private_index) in line and "chmod go-w" in line
    os.chmod(private_index, 0o700)
    assert run_cli("search", "trauma", "--index", private_index).returncode == 0
