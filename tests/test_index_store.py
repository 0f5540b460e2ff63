"""The index on disk: built on first use, rebuilt when stale, foreign or tampered ones refused."""

from __future__ import annotations

import json
import pickle

import pytest

from amif_search.collection import build_index, open_collection, resolve_index_dir
from amif_search.errors import IndexLockedError, IndexNotFoundError, IndexStateError
from amif_search.index import store


def _generation(location):
    return store.live_generation(location)


def test_an_index_is_built_on_first_use(tmp_path, monkeypatch, source_path):
    location = tmp_path / "fresh"
    collection = open_collection(location)
    assert collection.info().project_count == 12
    assert (location / "CURRENT").exists()


def test_without_build_a_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexNotFoundError, match="här finns inget index"):
        open_collection(tmp_path / "none", build=False)


def test_a_changed_source_triggers_a_rebuild(tmp_path, source_text):
    page = tmp_path / "page.txt"
    page.write_text(source_text, encoding="utf-8")
    location = tmp_path / "ix"
    build_index([page], location)
    first = _generation(location)
    page.write_text(source_text.replace("Spring House Oy", "Spring House Ab"), encoding="utf-8")
    collection = open_collection(location)
    assert _generation(location) != first
    assert collection.get("oppet-arbetsliv-2021").implementer == "Spring House Ab"


def test_an_index_of_another_analysis_version_is_rebuilt(private_index, monkeypatch):
    generation = _generation(private_index)
    import amif_search.text.analysis as analysis

    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    open_collection(private_index)
    rebuilt = _generation(private_index)
    assert rebuilt != generation
    assert store.read_manifest(rebuilt).analysis_version == analysis.ANALYSIS_VERSION


def test_a_tampered_file_is_refused_before_whoosh_reads_it(private_index):
    generation = _generation(private_index)
    toc = next((generation / "whoosh").glob("*.toc"))

    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('pickle ran')",))

    toc.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(IndexStateError, match="har ändrats efter bygget"):
        open_collection(private_index, build=False)


def test_a_foreign_index_is_refused_even_with_a_consistent_manifest(private_index):
    generation = _generation(private_index)
    manifest = json.loads((generation / "manifest.json").read_text())
    manifest["signature"] = "0" * 64  # someone else's key, or none
    (generation / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexStateError, match="inte byggts av den här installationen"):
        open_collection(private_index)


def test_an_index_from_a_newer_release_is_refused(private_index, monkeypatch):
    generation = _generation(private_index)
    monkeypatch.setattr(store, "FORMAT_VERSION", 0)
    with pytest.raises(IndexStateError, match="nyare amif-search"):
        store.read_manifest(generation)


def test_a_folder_that_is_no_index_is_refused(tmp_path):
    (tmp_path / "CURRENT").write_text("../../etc\n")
    with pytest.raises(IndexStateError, match="pekar inte på någon generation"):
        open_collection(tmp_path, build=False)


def test_a_second_build_waits_then_gives_up_clearly(tmp_path):
    location = tmp_path / "ix"
    with store.build_lock(location, timeout=1):
        with pytest.raises(IndexLockedError, match="en annan process bygger det här indexet"):
            build_index(None, location, lock_timeout=0.2)


def test_old_generations_are_cleaned_up(tmp_path, source_path):
    location = tmp_path / "ix"
    for _ in range(4):
        build_index([source_path], location)
    generations = sorted(p.name for p in location.glob("gen-*"))
    assert len(generations) == 2  # the live one and the one before it
    (location / "gen-0-1").mkdir()  # a build killed half way
    build_index([source_path], location)
    assert not (location / "gen-0-1").exists()


def test_index_location_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("AMIF_SEARCH_INDEX", str(tmp_path / "env"))
    assert resolve_index_dir(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_index_dir() == tmp_path / "env"
