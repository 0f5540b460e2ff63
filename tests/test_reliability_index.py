"""Versions, foreign and tampered indexes, and nothing lost between the sources and the index.

Opening a Whoosh index unpickles its table of contents, so an index folder from elsewhere
could run code. These tests build indexes as other releases or other installations would
(real processes with another version or another signing key), tamper with them, and run the
command line on them: every such index is rebuilt or refused with one line and exit code 2,
and a malicious pickle planted in it never runs.
"""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest

from reliability_helpers import SOURCE, cli_env, live_name, python_command, run, run_cli, synthetic_page

# Builds with the command line as another release would: an older analysis, or an older
# schema with a field this release no longer has. argv: what, then CLI arguments.
OLDER_RELEASE = r"""
import sys
from amif_search.text import analysis
from amif_search.index import engine, schema

what = sys.argv[1]
if what == "analysis":
    analysis.ANALYSIS_VERSION -= 1
else:
    from whoosh.fields import ID
    schema.SCHEMA_VERSION -= 1
    current = schema.build_schema
    def older():
        fields = current()
        fields.add("legacy", ID())
        return fields
    engine.build_schema = older

from amif_search.cli import main
sys.exit(main(sys.argv[2:]))
"""

# Opens a folder with Whoosh alone, as amif-search must never do with an unchecked index.
WHOOSH_OPEN = "import sys; from whoosh import index; index.open_dir(sys.argv[1])"


@pytest.fixture(scope="module")
def reference(built_index) -> dict:
    """What a search of the real page answers, as the command line prints it."""
    done = run_cli("search", "trauma barn", "--index", built_index, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _manifest(index: Path) -> dict:
    return json.loads((index / live_name(index) / "manifest.json").read_text(encoding="utf-8"))


def _resign(generation: Path, key: bytes, **changes) -> None:
    """Rewrite a generation's manifest with ``changes``, digests and signature made to match,
    as someone holding ``key`` would."""
    from amif_search.index import store

    path = generation / "manifest.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    body.pop("signature")
    body.update(changes)
    body["files"] = store._file_digests(generation)
    body["signature"] = store._signature(key, body)
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def _our_key() -> bytes:
    from amif_search.index import store

    return store._signing_key(create=False)


def _refused(index: Path, *command: str) -> str:
    """Run a command on ``index``: it must refuse with one line and exit code 2."""
    before = sorted(p.name for p in index.iterdir())
    done = run_cli(*command, "--index", index)
    line = done.error_line()
    assert sorted(p.name for p in index.iterdir()) == before  # refused, not rebuilt over
    return line


# -- versions ---------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["analysis", "schema"])
def test_an_index_of_an_older_release_is_rebuilt_when_searched(tmp_path, reference, what):
    from amif_search.text import analysis
    from amif_search.index import schema

    index = tmp_path / "index"
    done = run(python_command(OLDER_RELEASE, what, "index", "build", "--source", SOURCE, "--index", index, "-q"))
    assert done.returncode == 0, done.stderr
    old = _manifest(index)
    assert (old["analysis_version"], old["schema_version"]) != (analysis.ANALYSIS_VERSION, schema.SCHEMA_VERSION)

    done = run_cli("search", "trauma barn", "--index", index, "--json")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == reference
    new = _manifest(index)
    assert (new["analysis_version"], new["schema_version"]) == (analysis.ANALYSIS_VERSION, schema.SCHEMA_VERSION)
    assert new["built_at"] >= old["built_at"] and new["files"] != old["files"]


def test_an_index_of_an_older_release_is_refused_when_building_is_not_allowed(tmp_path):
    from amif_search.text import analysis
    from amif_search.collection import open_collection
    from amif_search.errors import IndexStateError

    index = tmp_path / "index"
    done = run(python_command(OLDER_RELEASE, "analysis", "index", "build", "--source", SOURCE, "--index", index))
    assert done.returncode == 0, done.stderr
    with pytest.raises(IndexStateError) as refused:
        open_collection(index, build=False)
    assert str(index) in refused.value.message and "\n" not in refused.value.message
    assert f"{analysis.ANALYSIS_VERSION - 1}" in refused.value.message
    assert f"{analysis.ANALYSIS_VERSION}" in refused.value.message
    # index info shows the index as it is, without rebuilding it.
    done = run_cli("index", "info", "--json", "--index", index)
    assert json.loads(done.stdout)["analysis_version"] == analysis.ANALYSIS_VERSION - 1


def test_an_old_index_whose_sources_are_gone_is_not_rebuilt_from_other_pages(tmp_path, projects):
    page = tmp_path / "own.txt"
    page.write_text(synthetic_page(projects, 30, tag="egen"), encoding="utf-8")
    index = tmp_path / "index"
    done = run(python_command(OLDER_RELEASE, "analysis", "index", "build", "--source", page, "--index", index))
    assert done.returncode == 0, done.stderr
    ids = set(_manifest(index)["projects"])
    page.unlink()
    done = run_cli("search", "trauma barn", "--index", index, "--json")
    assert set(_manifest(index)["projects"]) == ids, "the index now holds other projects"
    assert str(page) in done.error_line()


def test_an_index_of_a_newer_release_is_refused(private_index):
    generation = private_index / live_name(private_index)
    _resign(generation, _our_key(), format_version=_manifest(private_index)["format_version"] + 1,
            package_version="9.0.0")
    for command in (("search", "trauma"), ("index", "info"), ("index", "update")):
        line = _refused(private_index, *command)
        assert str(private_index) in line and "9.0.0" in line


# -- tampered and foreign indexes --------------------------------------------------------


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _change_a_record(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("UPDATE projects SET record = replace(record, 'Sylvia', 'Sylvio')")
    connection.commit()
    connection.close()


TAMPERINGS = {
    "whoosh-segment-byte": lambda g: _flip_a_byte(next((g / "whoosh").glob("*.pst"))),
    "whoosh-file-added": lambda g: (g / "whoosh" / "MAIN_extra.seg").write_bytes(b"\0" * 64),
    "records-row-changed": lambda g: _change_a_record(g / "records.sqlite"),
    "lexicon-changed": lambda g: _flip_a_byte(g / "lexicon.sqlite"),
    "lexicon-added": lambda g: (g / "lexicon.json").write_text('{"counts": {"trauma": 99}}'),
    "seal-and-segment-changed": lambda g: (_flip_a_byte(next((g / "whoosh").glob("*.pst"))),
                                           (g / "seal.json").write_text("{}")),
    "glossary-removed": lambda g: (g / "glossary.json").unlink(),
}


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_an_index_with_a_changed_file_is_refused(private_index, tampering):
    TAMPERINGS[tampering](private_index / live_name(private_index))
    line = _refused(private_index, "search", "trauma")
    assert str(private_index) in line


MANIFEST_CHANGES = {
    # The files' digests made to match, but the signature left as it was.
    "digests-edited": lambda g: _edit_manifest(g, files=_digests(g)),
    "signature-removed": lambda g: _edit_manifest(g, signature=None),
    "not-json": lambda g: (g / "manifest.json").write_text("{not json"),
    "missing": lambda g: (g / "manifest.json").unlink(),
    "another-format": lambda g: _edit_manifest(g, format="whoosh"),
}


def _digests(generation: Path) -> dict:
    from amif_search.index import store

    return store._file_digests(generation)


def _edit_manifest(generation: Path, **changes) -> None:
    path = generation / "manifest.json"
    body = json.loads(path.read_text(encoding="utf-8"))
    body.update(changes)
    path.write_text(json.dumps({k: v for k, v in body.items() if v is not None}), encoding="utf-8")


@pytest.mark.parametrize("change", list(MANIFEST_CHANGES))
def test_an_index_with_a_changed_manifest_is_refused(private_index, change):
    generation = private_index / live_name(private_index)
    _flip_a_byte(next((generation / "whoosh").glob("*.pst")))
    MANIFEST_CHANGES[change](generation)
    assert str(generation.parent) in _refused(private_index, "search", "trauma")


def test_an_index_with_the_manifest_of_another_build_is_refused(private_index, tmp_path):
    from amif_search.collection import build_index

    other = tmp_path / "other"
    build_index([SOURCE], other)
    generation = private_index / live_name(private_index)
    shutil.copy(other / live_name(other) / "manifest.json", generation / "manifest.json")
    assert str(private_index) in _refused(private_index, "search", "trauma")


@pytest.fixture
def foreign_key(tmp_path) -> Path:
    """Another installation's signing key."""
    path = tmp_path / "other-installation.key"
    path.write_text("ab" * 32)
    return path


def test_an_index_signed_by_another_installation_is_refused_then_rebuilt_on_request(tmp_path, foreign_key,
                                                                                     reference):
    index = tmp_path / "index"
    done = run_cli("index", "build", "--source", SOURCE, "--index", index,
                   env=cli_env(AMIF_SEARCH_KEY_FILE=str(foreign_key)))
    assert done.returncode == 0, done.stderr
    for command in (("search", "trauma"), ("index", "info", "--verify"), ("list",), ("index", "update")):
        assert str(index) in _refused(index, *command)
    # What the message advises works.
    assert run_cli("index", "build", "--source", SOURCE, "--index", index).returncode == 0
    done = run_cli("search", "trauma barn", "--index", index, "--json")
    assert json.loads(done.stdout) == reference


# -- a malicious pickle ------------------------------------------------------------------


class _Payload:
    """Unpickled, it creates a marker file: proof that unpickling ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _plant_toc(whoosh: Path, marker: Path, generation: int) -> Path:
    """A Whoosh table of contents, valid up to its pickled schema, which is the payload."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import _CURRENT_TOC_VERSION
    from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

    name = f"_MAIN_{generation}.toc"
    stream = FileStorage(str(whoosh)).create_file(name)
    for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
        stream.write_varint(size)
    stream.write_int(-12345)
    stream.write_int(_CURRENT_TOC_VERSION)
    for part in (2, 7, 4):
        stream.write_varint(part)
    stream.write_string(pickle.dumps(_Payload(marker), 2))
    stream.write_int(generation)
    stream.write_int(0)
    stream.write_pickle([])
    stream.close()
    return whoosh / name


def _current_toc_generation(whoosh: Path) -> int:
    return max(int(p.name.split("_")[2].split(".")[0]) for p in whoosh.glob("_MAIN_*.toc"))


def test_the_planted_pickle_runs_when_whoosh_opens_the_folder(private_index, tmp_path):
    # The control: without amif-search's checks the payload runs, so its absence below means something.
    marker = tmp_path / "pwned"
    whoosh = private_index / live_name(private_index) / "whoosh"
    _plant_toc(whoosh, marker, _current_toc_generation(whoosh) + 1)
    run(python_command(WHOOSH_OPEN, whoosh))
    assert marker.exists()


def _replace_toc(index: Path, marker: Path) -> None:
    whoosh = index / live_name(index) / "whoosh"
    _plant_toc(whoosh, marker, _current_toc_generation(whoosh))


def _add_newer_toc(index: Path, marker: Path) -> None:
    whoosh = index / live_name(index) / "whoosh"
    _plant_toc(whoosh, marker, _current_toc_generation(whoosh) + 1)


def _add_newer_toc_and_resign_with_a_foreign_key(index: Path, marker: Path, key: bytes = b"\x42" * 32) -> None:
    _add_newer_toc(index, marker)
    _resign(index / live_name(index), key)


def _bare_whoosh_index(index: Path, marker: Path) -> None:
    # A Whoosh index with no manifest at all, named as a generation.
    for generation in index.glob("gen-*"):
        (generation / "manifest.json").unlink()
    _add_newer_toc(index, marker)


PLANTINGS = {
    "toc-replaced": _replace_toc,
    "newer-toc-added": _add_newer_toc,
    "foreign-signature": _add_newer_toc_and_resign_with_a_foreign_key,
    "no-manifest": _bare_whoosh_index,
}


@pytest.mark.parametrize("planting", list(PLANTINGS))
def test_a_planted_pickle_is_refused_before_it_can_run(private_index, tmp_path, planting):
    marker = tmp_path / "pwned"
    PLANTINGS[planting](private_index, marker)
    assert str(private_index) in _refused(private_index, "search", "trauma")
    assert not marker.exists()


@pytest.mark.parametrize("command", [("index", "info", "--verify"), ("list",), ("show", "lanu-2022"),
                                     ("index", "update")], ids=" ".join)
def test_no_command_unpickles_a_foreign_index(private_index, tmp_path, command):
    marker = tmp_path / "pwned"
    _add_newer_toc_and_resign_with_a_foreign_key(private_index, marker)
    _refused(private_index, *command)
    assert not marker.exists()


# -- nothing lost: index info --verify ---------------------------------------------------


@pytest.fixture
def page_and_index(tmp_path, source_text) -> tuple[Path, Path]:
    from amif_search.collection import build_index

    page, index = tmp_path / "page.txt", tmp_path / "index"
    page.write_text(source_text, encoding="utf-8")
    build_index([page], index)
    return page, index


NEW_PROJECT = """
Ett nytt projekt om trauma

 • Projektbeskrivning: Ett projekt som läggs till på sidan efter bygget.

 • Projektgenomförare: Testföreningen, Verksamhetsperiod: 1.1.2023 - 31.12.2023, EU-stöd: 1 000 euro
"""


def _add_project(text: str) -> str:
    return text.rstrip("\n") + "\n" + NEW_PROJECT


def _change_project(text: str) -> str:
    return text.replace("Spring House Oy", "Spring House Ab", 1)


def _remove_project(text: str) -> str:
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Sylvia5"))
    end = next(n for n, line in enumerate(lines) if n > start and line.startswith("Navigator"))
    return "\n".join(lines[:start] + lines[end:]) + "\n"


@pytest.mark.parametrize("edit, field, ids", [
    (_add_project, "not_indexed", ["nytt-projekt-trauma-2023"]),
    (_change_project, "stale", ["oppet-arbetsliv-2021"]),
    (_remove_project, "extra", ["sylvia5-2021"]),
], ids=["missing-from-index", "stale", "extra"])
def test_verify_reports_each_project_the_index_lacks_or_has_wrong(page_and_index, edit, field, ids):
    page, index = page_and_index
    page.write_text(edit(page.read_text(encoding="utf-8")), encoding="utf-8")
    done = run_cli("index", "info", "--verify", "--json", "--index", index)
    assert (done.returncode, done.stderr) == (1, "")
    verification = json.loads(done.stdout)["verification"]
    assert verification["ok"] is False
    assert verification[field] == ids
    others = {"not_indexed", "stale", "extra", "missing_sources", "manifest_mismatch"} - {field}
    assert all(verification[name] == [] for name in others)
    text = run_cli("index", "info", "--verify", "--index", index)
    assert text.returncode == 1
    report = [line for line in text.stdout.splitlines() if ids[0] in line]
    assert len(report) == 1  # one line names what is wrong


def test_verify_passes_on_an_index_that_matches_its_sources(page_and_index):
    done = run_cli("index", "info", "--verify", "--json", "--index", page_and_index[1])
    assert done.returncode == 0
    assert json.loads(done.stdout)["verification"]["expected"] == 12


def test_verify_reports_a_source_that_is_gone(page_and_index):
    page, index = page_and_index
    page.unlink()
    done = run_cli("index", "info", "--verify", "--json", "--index", index)
    assert done.returncode == 1
    assert json.loads(done.stdout)["verification"]["missing_sources"] == [str(page.resolve())]


def test_verify_reports_a_source_that_no_longer_parses_one_line_per_problem(page_and_index):
    page, index = page_and_index
    page.write_text(page.read_text(encoding="utf-8").replace("EU-stöd:", "EU-bidrag:"), encoding="utf-8")
    done = run_cli("index", "info", "--verify", "--index", index)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 12 and all(line.startswith("amif-search: ") and f"{page}:" in line for line in lines)


def test_a_build_reports_every_project_it_cannot_read_and_changes_nothing(page_and_index):
    page, index = page_and_index
    live = live_name(index)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("EU-stöd: 86 930 euro", "").replace("1.2.2019 - 31.12.2021", "1.2.2019"),
                    encoding="utf-8")
    done = run_cli("index", "build", "--source", page, "--index", index)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and all(f"{page}:" in line for line in lines)
    assert live_name(index) == live
