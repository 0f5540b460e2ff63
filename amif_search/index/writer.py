"""Writing projects into Whoosh: every text analysed before Whoosh sees it.

Each word of a project's text fields (:mod:`amif_search.fields`) is written under four forms
(exact stem, compound member, derivational root, spelling without å/ä/ö), one field per text
and form (see :mod:`amif_search.index.schema`).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import unicodedata
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import IndexingError, PostingPool, SegmentWriter

from .. import fields as F
from ..memo import BoundedCache
from ..text.analysis import Lexicon, SwedishAnalyzer, Token
from ..model import Project
from .schema import FORM_SEPARATOR, FORMS, GROUP_SEPARATOR, build_schema

__all__ = ["write_whoosh", "update_whoosh", "document", "project_texts", "WordForms"]


def _word_forms(token: Token) -> tuple[str, str, str, str]:
    """What one word puts at its position in each form's field: exact stem, compound
    members, derivational roots, folded spellings."""
    parts = token.parts
    if not parts:
        return token.stem, "", token.root, token.fold
    return (token.stem,
            FORM_SEPARATOR.join(dict.fromkeys(p.stem for p in parts)),
            FORM_SEPARATOR.join(dict.fromkeys([token.root] + [p.root for p in parts])),
            FORM_SEPARATOR.join(dict.fromkeys([token.fold] + [p.fold for p in parts])))


class WordForms:
    """The forms of each distinct word, worked out once per build.

    A word's forms depend on the word alone, and the same words recur across thousands of
    projects, so a text's fields are built by looking its words up.
    """

    # Words remembered; the memory starts afresh when full.
    LIMIT = 500_000

    def __init__(self, analyzer: SwedishAnalyzer) -> None:
        self.analyzer = analyzer
        self._words = analyzer.tokenizer.words
        self._forms: BoundedCache[str, tuple[str, str, str, str]] = BoundedCache(self.LIMIT)

    def _add(self, word: str) -> tuple[str, str, str, str]:
        forms = self._forms[word] = _word_forms(self.analyzer.analyse_word(word))
        return forms

    def field_text(self, text: str) -> dict[str, str]:
        """The value of each form's field for ``text``."""
        get = self._forms.get
        rows = [get(word) or self._add(word) for word in self._words(unicodedata.normalize("NFC", text))]
        if not rows:
            return dict.fromkeys(FORMS, "")
        exact, part, root, folded = zip(*rows)
        join = GROUP_SEPARATOR.join
        return {"": join(exact), "_part": join(part), "_root": join(root), "_fold": join(folded)}


def project_texts(project: Project) -> dict[str, str]:
    """The raw text of each text field of a project, by its name in the index."""
    return {field.index_name: field.value(project) or "" for field in F.text_fields()}


def document(project: Project, analyzer: SwedishAnalyzer, forms: WordForms | None = None) -> dict:
    """The Whoosh document of a project (``forms``: the build's remembered words)."""
    if forms is None:
        forms = WordForms(analyzer)
    doc = {field.index_name: field.index_value(project) for field in F.indexed_fields()}
    for source, text in project_texts(project).items():
        for form, value in forms.field_text(text).items():
            doc[source + form] = value
    return doc


class _PostingPool(PostingPool):
    """Whoosh's pool of postings, which sorts them in runs on disk when they outgrow its
    memory, writing and reading those runs a batch of postings at a time: Whoosh pickles
    each posting on its own, which cost a third of a large build. The postings come out
    the same, in the same order."""

    BATCH = 10_000

    def add(self, item):
        # Whoosh's accounting, without its type checks: item = (field, text, docnum, weight, value).
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items):
        batch = []
        for item in items:
            batch.append(item)
            if len(batch) >= self.BATCH:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


class _DocumentLengths:
    """The document lengths of a segment being committed, read once a field: Whoosh's
    commit reads the length column again for every posting."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._fields: dict[str, list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(d, fieldname, default)
                                                 for d in range(self._reader.doc_count_all())]
        return lengths[docnum]


class _SegmentWriter(SegmentWriter):
    """Whoosh's segment writer with :class:`_PostingPool` and :class:`_DocumentLengths`,
    writing each segment as separate files, not one compound file: Whoosh reads a compound
    file's parts through ``BytesIO`` copies of its memory map, which cost a one-query process
    at 100 000 projects 0.85 s of copying; separate files are read in place."""

    def __init__(self, ix, limitmb: int = 128, **kwargs) -> None:
        kwargs.setdefault("compound", False)
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _PostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self):
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, _DocumentLengths(reader) if reader else None,
                                      self.pool.iter_postings())
        self.fieldwriter.close()
        if reader:
            reader.close()


# Below this many projects a second process costs more than it saves.
_PARALLEL_FROM = 400
# At most this many writing processes (one Whoosh segment each).
_MAX_PROCESSES = 4
# Memory for Whoosh's pool of postings, shared by the writing processes.
_LIMIT_MB = 256


def _process_count(projects: int) -> int:
    """How many processes to write ``projects`` documents with: one per available core, but
    never in a process that runs other threads (forking those is unsafe)."""
    import threading  # noqa: PLC0415

    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if threading.active_count() > 1 or not hasattr(os, "fork"):
        return 1
    return max(1, min(cores, _MAX_PROCESSES, projects // _PARALLEL_FROM))


def _add_serially(writer, projects: list[Project], lexicon: Lexicon, progress) -> None:
    analyzer = SwedishAnalyzer(lexicon)
    forms = WordForms(analyzer)
    for number, project in enumerate(projects, start=1):
        writer.add_document(**document(project, analyzer, forms))
        if progress is not None:
            progress(number)


def write_whoosh(folder: Path, projects: list[Project], lexicon: Lexicon, progress=None,
                 processes: int | None = None) -> None:
    """Create a Whoosh index in ``folder`` holding ``projects``.

    With more than one process (by default, one per core for a large collection) each
    writes a contiguous share of the projects as a segment of its own, so the documents keep
    their order and numbers; the index then has one segment per process.
    """
    ix = whoosh_index.create_in(str(folder), build_schema())
    processes = _process_count(len(projects)) if processes is None else processes
    if processes > 1:
        writer = _SegmentWriter(ix)
        try:
            segments = _write_segments(ix, projects, lexicon, progress, processes)
            _commit_segments(writer, segments)
        except BaseException:
            writer.cancel()
            raise
        return
    writer = _SegmentWriter(ix, limitmb=_LIMIT_MB)
    try:
        _add_serially(writer, projects, lexicon, progress)
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise


def update_whoosh(folder: Path, remove_ids: list[str], add: list[Project], lexicon: Lexicon, progress=None,
                  processes: int | None = None) -> None:
    """Delete and add documents in an existing Whoosh index (a copy of the live one).

    One process unless told otherwise: an update is usually small, and when it merges
    segments with deletions the several-process commit counts document frequencies without
    the deleted documents, where Whoosh's own commit counts them (the postings are the same).
    """
    ix = whoosh_index.open_dir(str(folder))
    processes = 1 if processes is None else processes
    writer = _SegmentWriter(ix, limitmb=_LIMIT_MB)
    try:
        for pid in remove_ids:
            writer.delete_by_term(F.field_named("id").index_name, pid)
        if processes > 1:
            _commit_segments(writer, _write_segments(ix, add, lexicon, progress, processes))
        else:
            _add_serially(writer, add, lexicon, progress)
            writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()


def _commit_segments(writer, segments: list) -> None:
    """Commit ``writer`` (its deletions and the merging of small segments, as a plain commit
    would) with the new ``segments`` after the index's own, as Whoosh's MpWriter does."""
    final = writer._merge_segments(None, None, None)
    final += segments
    if writer._added:   # small segments merged into the writer's own segment
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(final)
    writer._finish()


def _write_segments(ix, projects: list[Project], lexicon: Lexicon, progress, processes: int) -> list:
    """Write ``projects`` as ``processes`` segments, each in a forked process of its own; the
    segments in the projects' order.

    The children share the parent's projects and lexicon (copy-on-write), ignore Ctrl-C
    (the parent ends them), and die with the parent, so none outlives a failed or killed build.
    """
    import multiprocessing  # noqa: PLC0415
    from multiprocessing.connection import wait  # noqa: PLC0415

    context = multiprocessing.get_context("fork")
    size = -(-len(projects) // processes)
    shares = [projects[i:i + size] for i in range(0, len(projects), size)]
    limitmb = max(32, _LIMIT_MB // len(shares))
    for stream in (sys.stdout, sys.stderr):   # else a child would write out the parent's buffer again
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    children, connections = [], {}
    done: dict[int, int] = {}
    segments: dict[int, object] = {}
    try:
        for number, share in enumerate(shares):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_write_segment, name=f"amif-search-writer-{number}",
                                    args=(send, ix, share, lexicon, limitmb, os.getpid()), daemon=True)
            child.start()
            send.close()
            children.append(child)
            connections[receive] = number
            done[number] = 0
        reported = 0
        while connections:
            for connection in wait(list(connections)):
                number = connections[connection]
                try:
                    message = connection.recv()
                except EOFError:
                    raise IndexingError(f"a writing process ended without a segment "
                                        f"(exit code {children[number].exitcode})") from None
                if isinstance(message, int):
                    done[number] = message
                    count = sum(done.values())
                    if progress is not None and count > reported:
                        reported = count
                        progress(count)
                    continue
                kind, value = message
                if kind == "error":
                    raise value   # the child's exception, so the caller reports it as its own
                segments[number] = value
                del connections[connection]
                connection.close()
        for child in children:
            child.join()
        return [segments[number] for number in range(len(shares))]
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
        for child in children:
            child.join()
        for connection in connections:
            connection.close()


def _write_segment(connection, ix, projects: list[Project], lexicon: Lexicon, limitmb: int, parent: int) -> None:
    """In a child process: write ``projects`` as one segment and send it to the parent,
    with the number of projects written so far after each one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    try:
        writer = _SegmentWriter(ix, _lk=False, limitmb=limitmb)
        analyzer = SwedishAnalyzer(lexicon)
        forms = WordForms(analyzer)
        for number, project in enumerate(projects, start=1):
            writer.add_document(**document(project, analyzer, forms))
            connection.send(number)
        # Close the segment but leave the index's temporary folder to the parent.
        connection.send(("segment", writer._finalize_segment()))
    except BaseException as exc:
        import pickle  # noqa: PLC0415

        try:
            pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an exception that cannot cross: its name and message
            exc = IndexingError(f"a writing process failed: {type(exc).__name__}: {exc}")
        try:
            connection.send(("error", exc))
        except OSError:
            pass
    finally:
        connection.close()


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when the parent dies (Linux), even by SIGKILL."""
    try:
        import ctypes  # noqa: PLC0415

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:   # the parent died before prctl took effect
        os._exit(1)
