"""Writing the index with several processes gives the index one process would write."""

from __future__ import annotations

import dataclasses
import sys

import pytest
from whoosh import index as whoosh_index

from amif_search.text.analysis import Lexicon
from amif_search.index import store, writer
from amif_search.index.engine import Engine
from amif_search.query import parse_query
from reliability_helpers import writing_processes


@pytest.fixture(scope="module")
def lexicon(projects):
    return Lexicon.from_texts([t for p in projects for t in writer.project_texts(p).values()])


def _contents(folder) -> dict:
    """Every term of every field with its postings (docnum, frequency), and field lengths."""
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        postings = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            postings[(fieldname, text)] = list(matcher.items_as("weight"))
        lengths = {(d, f): reader.doc_field_length(d, f) for d in range(reader.doc_count_all())
                   for f in ix.schema.scorable_names()}
        ids = list(reader.column_reader("id"))
    ix.close()
    return {"postings": postings, "lengths": lengths, "ids": ids}


def test_two_processes_write_what_one_writes(tmp_path, projects, lexicon):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    writer.write_whoosh(one, projects, lexicon, processes=1)
    counts = []
    writer.write_whoosh(two, projects, lexicon, progress=counts.append, processes=2)
    assert _contents(one) == _contents(two)
    assert counts == sorted(counts) and counts[-1] == len(projects)
    assert len(whoosh_index.open_dir(str(two)).reader().leaf_readers()) == 2
    searches = ["trauma barn", "flyktingar kommun", '"barn och unga"', "tortyr -lanu"]
    answers = []
    for folder in (one, two):
        engine = Engine(folder, lexicon, {p.name: store.identity_of(p.stat()) for p in folder.iterdir()})
        answers.append([[(h.id, round(h.score, 9)) for h in engine.search(parse_query(q)).hits] for q in searches])
        engine.close()
    assert answers[0] == answers[1]


@pytest.mark.parametrize("which", ["first", "last"])
def test_a_project_that_cannot_be_written_fails_the_build_with_its_own_error(tmp_path, projects, lexicon, which):
    """The first share is written by the building process itself, the last by another one:
    either way the build fails with the error the project gave, and no process is left."""
    broken = dataclasses.replace(projects[0 if which == "first" else -1], start=None)
    items = [broken, *projects[1:]] if which == "first" else [*projects[:-1], broken]
    folder = tmp_path / "failed"
    folder.mkdir()
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'year'"):
        writer.write_whoosh(folder, items, lexicon, processes=2)
    assert writing_processes() == []
    assert [p.name for p in folder.iterdir() if p.name.startswith(".share")] == []


def test_repeated_updates_index_what_whoosh_own_writer_indexes(tmp_path, projects, lexicon):
    """Updates that delete and add, often enough for Whoosh to merge segments, leave the
    postings and the frequency statistics Whoosh's own writer leaves."""
    from amif_search.text.analysis import SwedishAnalyzer
    from amif_search.index.schema import build_schema

    steps = [(projects[3 * n:3 * n + 3], [p.id for p in projects[3 * n - 3:3 * n - 2]] if n else [])
             for n in range(4)]
    contents = []
    for way in ("whoosh", "ours"):
        folder = tmp_path / way
        folder.mkdir()
        whoosh_index.create_in(str(folder), build_schema())
        for add, remove in steps:
            if way == "ours":
                writer.update_whoosh(folder, remove, add, lexicon)
                continue
            ix = whoosh_index.open_dir(str(folder))
            plain = ix.writer()
            for pid in remove:
                plain.delete_by_term("id", pid)
            for project in add:
                plain.add_document(**writer.document(project, SwedishAnalyzer(lexicon)))
            plain.commit()
            ix.close()
        ix = whoosh_index.open_dir(str(folder))
        with ix.reader() as reader:
            ids = list(reader.column_reader("id"))
            contents.append({(f, t): (reader.doc_frequency(f, t), reader.frequency(f, t),
                                      [(ids[d], w) for d, w in reader.postings(f, t).items_as("weight")])
                             for f, t in reader.all_terms()})
        ix.close()
    assert contents[0] == contents[1]


SCRIPT = """
import sys
from pathlib import Path
from amif_search.index.writer import write_whoosh
from amif_search.source import read_source
from amif_search.text.analysis import Lexicon

print("the script's own code ran")
projects = read_source(Path(sys.argv[1]))
lexicon = Lexicon.from_texts(f"{p.title} {p.description}" for p in projects)
write_whoosh(Path(sys.argv[2]), projects, lexicon, processes=2)
print("built")
"""


def test_a_script_without_a_main_guard_builds_on_two_processes_and_runs_once(tmp_path, projects):
    # Unlike multiprocessing's spawn, the second writer does not import the calling script again.
    from reliability_helpers import run, synthetic_page

    page, script, folder = tmp_path / "page.txt", tmp_path / "build_it.py", tmp_path / "whoosh"
    page.write_text(synthetic_page(projects, 600), encoding="utf-8")
    script.write_text(SCRIPT, encoding="utf-8")
    folder.mkdir()
    finished = run([sys.executable, str(script), str(page), str(folder)], timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines() == ["the script's own code ran", "built"]
    ix = whoosh_index.open_dir(str(folder))
    assert len(ix._segments()) == 2 and ix.doc_count() == 600
    ix.close()
