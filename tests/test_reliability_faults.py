"""Faults that must give an answer or one clear line (issue 14): a source edited during a
build, a search that cannot write, sources that are not regular files, a full disk, a
missing HOME, a path that is not UTF-8.

A full disk is made with RLIMIT_FSIZE (a write past the limit fails as on a full disk, with
EFBIG); the tests run as any user, so a read-only index is made the same way.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
from pathlib import Path

import pytest

from reliability_helpers import SOURCE, cli_command, cli_env, run, run_cli
from test_web_api import call

from amif_search import source as source_module
from amif_search.collection import Collection, build_index, open_collection
from amif_search.errors import IndexStateError
from amif_search.index import store
from amif_search.web import create_app


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _run_limited(args: list, limit: int, env: dict | None = None):
    """Run the CLI where no file may grow past ``limit`` bytes: a full disk."""
    import subprocess
    import time

    from reliability_helpers import Finished

    started = time.monotonic()
    done = subprocess.run(cli_command(*args), capture_output=True, text=True, env=env or cli_env(), timeout=120,
                          preexec_fn=_file_size_limit(limit), stdin=subprocess.DEVNULL)
    return Finished(done.returncode, done.stdout, done.stderr, time.monotonic() - started, 0.0)


@pytest.fixture
def own_page(tmp_path) -> tuple[Path, Path]:
    """A copy of the real page and an index built from it."""
    page = tmp_path / "page.txt"
    shutil.copyfile(SOURCE, page)
    index = tmp_path / "index"
    build_index([page], index)
    return page, index


def _edit(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Projektbeskrivning: ", "Projektbeskrivning: Ändrad. ", 1), encoding="utf-8")


# -- 5. a source edited during a build ---------------------------------------------------


def test_a_source_edited_while_it_is_built_leaves_the_index_stale_not_up_to_date(tmp_path, monkeypatch):
    page = tmp_path / "page.txt"
    shutil.copyfile(SOURCE, page)
    parse = source_module.parse_document

    def parse_then_edit(text, name):
        projects = parse(text, name)
        _edit(page)   # after its bytes were read, before the build records the source
        return projects

    monkeypatch.setattr(source_module, "parse_document", parse_then_edit)
    build_index([page], tmp_path / "index")
    monkeypatch.undo()
    with Collection(tmp_path / "index") as collection:
        assert collection.info().stale_sources == [str(page.resolve())]


# -- 6. a search that cannot write --------------------------------------------------------


def test_a_search_on_a_stale_index_that_cannot_be_written_answers_from_the_old_one(own_page):
    page, index = own_page
    expected = run_cli("search", "trauma barn", "--index", index, "--json")
    _edit(page)
    for args in (["search", "trauma barn"], ["list"]):
        done = _run_limited([*args, "--index", index], limit=0)
        assert done.returncode == 0, done.stderr
        assert done.stderr.count("\n") == 1 and str(page.resolve()) in done.stderr
    done = _run_limited(["search", "trauma barn", "--index", index, "--json"], limit=0)
    answer = json.loads(done.stdout)
    assert answer["hits"] == json.loads(expected.stdout)["hits"]
    assert any(str(page.resolve()) in warning for warning in answer["warnings"])


def test_the_api_and_the_server_answer_from_a_stale_index_they_cannot_update(own_page, monkeypatch):
    page, index = own_page
    _edit(page)

    def read_only(location, timeout=30.0):
        raise IndexStateError(f"{location}: indexet kan inte skrivas (Read-only file system)")

    monkeypatch.setattr(store, "build_lock", read_only)
    collection = open_collection(index)
    result = collection.search("trauma barn")
    assert result.total > 0 and any(str(page.resolve()) in w for w in result.warnings)
    reply = call(create_app(collection), "/api/search?q=trauma+barn")
    assert reply.status == 200 and reply.json()["total"] == result.total
    assert any(str(page.resolve()) in w for w in reply.json()["warnings"])
    collection.close()


# -- 7. sources that are not regular files ------------------------------------------------


def test_dev_zero_as_a_source_is_refused_without_reading_it_all(tmp_path):
    done = run(cli_command("index", "build", "--source", "/dev/zero", "--index", tmp_path / "index"),
               timeout=60, address_space_mb=1500)
    assert "/dev/zero" in done.error_line()
    assert done.seconds < 20


def test_a_fifo_as_a_source_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "page.txt"
    os.mkfifo(fifo)
    done = run_cli("index", "build", "--source", fifo, "--index", tmp_path / "index", timeout=30)
    assert str(fifo) in done.error_line()


def test_a_folder_reports_each_source_it_cannot_read(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copyfile(SOURCE, folder / "a.txt")
    os.mkfifo(folder / "b.txt")
    (folder / "c.txt").symlink_to(folder / "c.txt")          # a loop
    (folder / "d.txt").symlink_to(tmp_path / "vanished.txt")  # a file that is gone
    done = run_cli("index", "build", "--source", folder, "--index", tmp_path / "index", timeout=30)
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    for name in ("b.txt", "c.txt", "d.txt"):
        assert sum(name in line for line in lines) == 1, done.stderr
    assert len(lines) == 3


# -- 8. exit 2 with a named cause ----------------------------------------------------------


def test_a_full_disk_during_a_build_is_one_line_naming_the_file(tmp_path):
    index = tmp_path / "index"
    done = _run_limited(["index", "build", "--source", SOURCE, "--index", index], limit=16 * 1024)
    line = done.error_line()
    assert str(index) in line and ("too large" in line.lower() or "disk I/O error" in line)


def test_a_full_disk_during_an_update_is_one_line_and_the_index_stays_whole(own_page):
    page, index = own_page
    _edit(page)
    done = _run_limited(["index", "update", "--index", index], limit=0)
    assert str(index) in done.error_line()
    assert run_cli("index", "info", "--verify", "--index", index).returncode == 1  # stale, whole


@pytest.mark.parametrize("home", ["", None], ids=["empty", "unset"])
def test_a_missing_home_is_one_line_naming_it(tmp_path, home):
    env = cli_env()
    for name in ("XDG_DATA_HOME", "AMIF_SEARCH_KEY_FILE", "HOME"):
        env.pop(name, None)
    if home is not None:
        env["HOME"] = home
    done = run_cli("index", "build", "--source", SOURCE, "--index", tmp_path / "index", env=env)
    assert "HOME" in done.error_line()


def test_an_unwritable_home_is_one_line_naming_the_key(tmp_path):
    env = cli_env(HOME="/proc/self/no-such-home")
    env.pop("XDG_DATA_HOME", None)
    env.pop("AMIF_SEARCH_KEY_FILE", None)
    done = run_cli("index", "build", "--source", SOURCE, "--index", tmp_path / "index", env=env)
    assert "/proc/self/no-such-home/.local/share/amif-search/index.key" in done.error_line()


def test_a_source_deleted_during_the_build_is_built_from_what_was_read(tmp_path):
    page = tmp_path / "page.txt"
    shutil.copyfile(SOURCE, page)
    code = ("import sys; from pathlib import Path; from amif_search import source; parse = source.parse_document\n"
            "def parse_then_delete(text, name):\n"
            "    projects = parse(text, name); Path(name).unlink(); return projects\n"
            "source.parse_document = parse_then_delete\n"
            "from amif_search.cli import main; sys.exit(main(sys.argv[1:]))")
    index = tmp_path / "index"
    done = run([*cli_command()[:1], "-c", code, "index", "build", "--source", str(page), "--index", str(index)])
    assert done.returncode == 0, done.stderr
    verify = run_cli("index", "info", "--verify", "--json", "--index", index)
    assert json.loads(verify.stdout)["verification"]["missing_sources"] == [str(page.resolve())]


def test_a_source_path_that_is_not_utf8_is_one_line(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    shutil.copyfile(SOURCE, folder / name)
    line = run_cli("index", "build", "--source", folder, "--index", tmp_path / "index").error_line()
    assert "caf\\xe9.txt" in line



# -- 11. small ones -------------------------------------------------------------------------


def test_control_characters_of_a_source_never_reach_the_terminal(tmp_path):
    page = tmp_path / "page.txt"
    text = SOURCE.read_text(encoding="utf-8")
    first_title = "Navigator 2.0"
    assert first_title in text
    page.write_text(text.replace(first_title, first_title + " \x1b]0;owned\x07\x1b[2J\x9b31m", 1), encoding="utf-8")
    index = tmp_path / "index"
    assert run_cli("index", "build", "--source", page, "--index", index).returncode == 0
    for args in (["list"], ["search", "navigator"], ["show", _navigator_id(index)]):
        done = run_cli(*args, "--index", index)
        assert done.returncode == 0, done.stderr
        assert not any(ch in done.stdout for ch in "\x1b\x07\x9b"), args
        assert "\ufffd]0;owned" in done.stdout


def _navigator_id(index: Path) -> str:
    done = run_cli("list", "--json", "--index", index)
    return next(p["id"] for p in json.loads(done.stdout)["projects"] if p["title"].startswith("Navigator"))


@pytest.mark.parametrize("args", [["search", "barn"], ["list"]], ids=" ".join)
def test_output_closed_by_its_reader_is_exit_0_without_a_word(built_index, args):
    import subprocess

    for _attempt in range(3):
        reader, writer = os.pipe()
        process = subprocess.Popen(cli_command(*args, "--index", built_index), stdout=writer,
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=cli_env())
        os.close(writer)
        os.close(reader)   # as 'head' does once it has its line: every write now fails
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert err == b""


def test_the_openapi_description_lists_head_and_options(collection):
    reply = call(create_app(collection), "/api/openapi.json")
    for path, operations in reply.json()["paths"].items():
        assert {"get", "head", "options"} <= set(operations), path
    assert "plain text" in reply.json()["info"]["description"]
