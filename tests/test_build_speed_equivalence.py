"""The faster build writes what the plain one wrote.

The index writer remembers each word's forms, works out the postings of analysed text itself
and keeps them by term, writes a term's postings a block at a time, and for a large
collection writes in several processes, one segment each. None of that may change what is
indexed: here the same projects are written the plain way (the analysis stage by stage,
Whoosh's own writer) and the fast ways, and the indexes are compared posting by posting,
and file by file where both have one segment.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from amif_search.text.analysis import Lexicon, SwedishAnalyzer
from amif_search.index import writer as index_writer
from amif_search.index.schema import build_schema
from amif_search.index.writer import project_texts, update_whoosh, write_whoosh
from amif_search.source import read_source
from reliability_helpers import (alive, children, is_writer, python_command, start, synthetic_page, wait_for,
                                 writing_processes)
from test_analysis_cache import _field_text, _stages

PROJECTS = 60


@pytest.fixture(scope="module")
def many(tmp_path_factory, projects):
    page = tmp_path_factory.mktemp("page") / "page.txt"
    page.write_text(synthetic_page(projects, PROJECTS), encoding="utf-8")
    return read_source(page)


@pytest.fixture(scope="module")
def lexicon(many):
    return Lexicon.from_texts(f"{p.title} {p.description} {p.implementer}" for p in many)


def _plain_document(project, analyzer) -> dict:
    doc = {"id": project.id, "objective": project.objective.code, "start_year": project.start.year,
           "end_year": project.end.year, "support_cents": int(project.eu_support * 100)}
    for source, text in project_texts(project).items():
        for form, value in _field_text(_stages(analyzer, text)).items():
            doc[source + form] = value
    return doc


def _write_plain(folder: Path, projects, lexicon) -> None:
    """The index as written before: every text through the stages, Whoosh's own writer."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = ix.writer(limitmb=256)
    analyzer = SwedishAnalyzer(Lexicon(lexicon.counts))
    for project in projects:
        writer.add_document(**_plain_document(project, analyzer))
    writer.commit(optimize=True)


def _write(folder: Path, projects, lexicon, **kwargs) -> list[int]:
    folder.mkdir()
    counts: list[int] = []
    write_whoosh(folder, projects, lexicon, progress=counts.append, **kwargs)
    return counts


def _content(folder: Path) -> dict:
    """Everything searching reads: per term its postings by project ID (with weights and
    positions), document frequencies, per-document and total field lengths, document order."""
    ix = whoosh_index.open_dir(str(folder))
    reader = ix.reader()
    try:
        column = reader.column_reader("id")
        ids = [column[d] for d in range(reader.doc_count_all())]
        terms = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                positions = matcher.value_as("positions") if matcher.supports("positions") else None
                postings.append((ids[matcher.id()], matcher.weight(), positions))
                matcher.next()
            terms[fieldname, text] = (reader.doc_frequency(fieldname, text), reader.frequency(fieldname, text),
                                      postings)
        lengths = {name: (reader.field_length(name),
                          [reader.doc_field_length(d, name) for d in range(reader.doc_count_all())])
                   for name in ix.schema.names() if ix.schema[name].scorable}
        return {"ids": ids, "count": reader.doc_count(), "terms": terms, "lengths": lengths}
    finally:
        reader.close()
        ix.close()


def _segment_files(folder: Path) -> list[dict[str, bytes]]:
    """The files of each segment (inside its compound file, if it has one), named without
    the segment's random ID, in no particular order."""
    ix = whoosh_index.open_dir(str(folder))
    found = []
    for segment in ix._read_toc().segments:
        store = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
        names = store.list() if segment.is_compound() else segment.list_files(ix.storage)
        found.append({name.replace(segment.segment_id(), "ID"): store.open_file(name).read() for name in names})
    ix.close()
    return sorted(found, key=lambda files: sorted(files.items()))


def _segments(folder: Path) -> int:
    ix = whoosh_index.open_dir(str(folder))
    count = len(ix._read_toc().segments)
    ix.close()
    return count


@pytest.fixture(scope="module")
def plain(tmp_path_factory, many, lexicon) -> Path:
    folder = tmp_path_factory.mktemp("plain") / "whoosh"
    _write_plain(folder, many, lexicon)
    return folder


def test_one_process_writes_the_same_files(tmp_path, plain, many, lexicon):
    counts = _write(tmp_path / "one", many, lexicon, processes=1)
    assert counts == list(range(1, PROJECTS + 1))
    assert _segment_files(tmp_path / "one") == _segment_files(plain)


@pytest.mark.parametrize("processes", [2, 3])
def test_several_processes_index_the_same(tmp_path, plain, many, lexicon, processes):
    counts = _write(tmp_path / "many", many, lexicon, processes=processes)
    assert counts == sorted(set(counts)) and counts[-1] == PROJECTS
    assert _segments(tmp_path / "many") == processes
    assert _content(tmp_path / "many") == _content(plain)
    assert writing_processes() == []


def test_postings_spilled_to_disk_give_the_same_index(tmp_path, plain, many, lexicon, monkeypatch):
    # Pools of a few kilobytes spill sorted runs to disk every few projects.
    real = index_writer._SegmentWriter.__init__

    def small_pools(self, *args, **kwargs):
        real(self, *args, **kwargs)
        self.pool.limit = 20_000
        self.text._limit = 60_000

    monkeypatch.setattr(index_writer._SegmentWriter, "__init__", small_pools)
    monkeypatch.setattr(index_writer._PostingPool, "BATCH", 7)
    monkeypatch.setattr(index_writer._TextPostings, "BATCH", 5)
    runs = []
    real_save = index_writer._TextPostings._save
    monkeypatch.setattr(index_writer._TextPostings, "_save", lambda self: runs.append("text") or real_save(self))
    real_write_run = index_writer._PostingPool._write_run
    monkeypatch.setattr(index_writer._PostingPool, "_write_run",
                        lambda self, f, items: runs.append("other") or real_write_run(self, f, items))
    _write(tmp_path / "one", many, lexicon, processes=1)
    assert runs.count("text") > 5 and runs.count("other") > 2
    assert _segment_files(tmp_path / "one") == _segment_files(plain)
    assert not list(tmp_path.rglob("*.run"))


def _update_plain(folder: Path, remove_ids, add, lexicon) -> None:
    ix = whoosh_index.open_dir(str(folder))
    writer = ix.writer(limitmb=256)
    analyzer = SwedishAnalyzer(Lexicon(lexicon.counts))
    for pid in remove_ids:
        writer.delete_by_term("id", pid)
    for project in add:
        writer.add_document(**_plain_document(project, analyzer))
    writer.commit()
    ix.close()


def test_updates_write_the_same_files(tmp_path, many, lexicon):
    # After a few updates Whoosh merges the small segments into the new one, so postings
    # of merged segments meet those of the new documents in one commit.
    steps = [(many[5 * n:5 * n + 5], [p.id for p in many[5 * n - 5:5 * n - 3]] if n else []) for n in range(8)]
    folders = {}
    for way in ("plain", "fast"):
        folder = folders[way] = tmp_path / way
        folder.mkdir()
        whoosh_index.create_in(str(folder), build_schema())
        counts: list[int] = []
        for add, remove in steps:
            if way == "plain":
                _update_plain(folder, remove, add, lexicon)
            else:
                update_whoosh(folder, remove, add, lexicon, progress=counts.append)
        if way == "fast":
            assert counts == [n for add, _ in steps for n in range(1, len(add) + 1)]
    assert _segments(folders["fast"]) < len(steps)   # small segments were merged
    plain, fast = _content(folders["plain"]), _content(folders["fast"])
    assert fast == plain and fast["count"] == 40 - 2 * 7
    assert _segment_files(folders["fast"]) == _segment_files(folders["plain"])


def test_a_failing_process_fails_the_build_and_leaves_no_process(tmp_path, many, lexicon):
    broken = [*many[:-5], dataclasses.replace(many[-5], start=None), *many[-4:]]   # in the other process's share
    with pytest.raises(AttributeError, match="has no attribute 'year'"):   # the writing process's own exception
        _write(tmp_path / "broken", broken, lexicon, processes=2)
    assert writing_processes() == []
    assert _segments(tmp_path / "broken") == 0   # nothing committed


def test_an_interrupted_build_ends_its_processes(tmp_path, many, lexicon):
    def progress(count):
        raise KeyboardInterrupt

    (tmp_path / "stopped").mkdir()
    with pytest.raises(KeyboardInterrupt):
        write_whoosh(tmp_path / "stopped", many, lexicon, progress=progress, processes=2)
    assert writing_processes() == []


def test_small_collections_are_written_in_one_process_large_ones_on_every_core(monkeypatch):
    import threading

    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert index_writer._process_count(12) == 1
    assert index_writer._process_count(100_000) == 2
    # The other writing processes start afresh rather than as copies of this one, so a
    # program running threads (a server) may use them too.
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert index_writer._process_count(100_000) == 2


KILLED_BUILD = r"""
import sys
from pathlib import Path
from amif_search.text.analysis import Lexicon
from amif_search.index.writer import write_whoosh
from amif_search.source import read_source

projects = read_source(Path(sys.argv[1]))
lexicon = Lexicon.from_texts(f"{p.title} {p.description} {p.implementer}" for p in projects)
write_whoosh(Path(sys.argv[2]), projects, lexicon, processes=2, progress=lambda n: print(n, flush=True))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("moment", ["adding", "committing"])
def test_writing_processes_die_with_a_killed_build(tmp_path, projects, moment):
    page = tmp_path / "page.txt"
    page.write_text(synthetic_page(projects, 2000), encoding="utf-8")
    whoosh = tmp_path / "whoosh"
    whoosh.mkdir()
    process = start(python_command(KILLED_BUILD, page, whoosh))
    try:
        # The build writes one share itself and starts a process for the other.
        assert wait_for(lambda: any(is_writer(c) for c in children(process.pid)), timeout=120, process=process)
        writers = children(process.pid)
        if moment == "committing":   # the column files are written as a segment's commit begins
            assert wait_for(lambda: any(whoosh.glob("*.col")), timeout=120, process=process)
        os.kill(process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 0.5   # each has seconds of work left
        process.wait(timeout=30)   # not communicate(): the children hold the same output pipe
        while any(alive(c) for c in writers) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not any(alive(c) for c in writers)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=60)
