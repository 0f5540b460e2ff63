"""Writing projects into Whoosh: every text analysed before Whoosh sees it.

Each word of a project's text fields (:mod:`amif_search.fields`) is written under four forms
(exact stem, compound member, derivational root, spelling without å/ä/ö), one field per text
and form (see :mod:`amif_search.index.schema`).
"""

from __future__ import annotations

import heapq
import os
import pickle
import signal
import unicodedata
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.fields import TEXT
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint
from whoosh.util import random_name
from whoosh.writing import IndexingError, PostingPool, SegmentWriter

from .. import fields as F
from ..memo import BoundedCache
from ..text.analysis import Lexicon, SwedishAnalyzer, Token
from ..text.folding import fold
from ..text.words import derivation_root, forget_words, stem
from ..model import Project
from . import internals
from .schema import FORM_SEPARATOR, FORMS, GROUP_SEPARATOR, PositionedTokenizer, build_schema

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
    """Whoosh's pool of postings (for the fields other than analysed text), writing and
    reading its sorted runs a batch of postings at a time, not one by one."""

    BATCH = 10_000

    def add(self, item):
        # Whoosh's accounting, without its type checks: item = (field, text, docnum, weight, value).
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items):
        _dump_batches(f, items, self.BATCH)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            yield from _load_batches(f)
        finally:
            f.close()
            self._remove_run(path)

    def terms(self):
        """(field, term, postings) in order, postings as (docnum, weight, value); a term of
        only spelling words (docnum -1) has none, but still opens its field."""
        for (fieldname, btext), postings in groupby(self.iter_postings(), itemgetter(0, 1)):
            yield fieldname, btext, [(p[2], p[3], p[4]) for p in postings if p[2] != -1]


def _dump_batches(f, items, size: int) -> None:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
            batch = []
    if batch:
        pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)


def _load_batches(f):
    while True:
        try:
            batch = pickle.load(f)
        except EOFError:
            return
        yield from batch


def _positions(value: str) -> dict[str, list[int]]:
    """The positions of each form in an analysed text, as :class:`PositionedTokenizer` reads it."""
    found: dict[str, list[int]] = {}
    for pos, group in enumerate(value.split(GROUP_SEPARATOR)):
        if group:
            for form in group.split(FORM_SEPARATOR):
                if form:
                    if form in found:
                        found[form].append(pos)
                    else:
                        found[form] = [pos]
    return found


def _is_analysed_text(field) -> bool:
    """A field of analysed text, whose postings :class:`_TextPostings` works out itself."""
    return (type(field) is TEXT and type(field.analyzer) is PositionedTokenizer
            and type(field.format) in (Positions, Frequency) and field.scorable
            and not (field.vector or field.column_type or field.stored or field.separate_spelling()))


class _TextPostings:
    """The postings of the analysed text fields, by field and term, in document order.

    Whoosh would tokenize each text again, put every posting into one pool as a tuple of
    field, term, document, weight and value, sort the pool, and spill it to disk in runs
    that it merges a posting at a time. Documents arrive in order, so a term's postings
    are already in order here: only the terms need sorting, runs are merged a term at a
    time, and the postings are the same (``field.index()``'s) in the same order.
    """

    BATCH = 500            # terms to a pickle in a run (a merge holds one a run)
    POSTING = 72           # bytes of memory a posting takes, about
    TERM = 200             # and a term

    def __init__(self, tempstorage, limitmb: int) -> None:
        self._storage = tempstorage
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self._fields: dict[str, dict[str, list]] = {}
        self._runs: list[str] = []
        self._weights = [float(n) for n in range(64)]
        self._values: dict[int, bytes] = {}     # the value of a single position (-1 - position), of a frequency

    def add(self, fieldname: str, field, docnum: int, value: str, boost: float) -> int:
        """Add the postings of one document's text; its length (the field's tokens)."""
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        format_ = field.format
        positions = type(format_) is Positions
        scale = format_.field_boost
        values = self._values
        weights = self._weights
        length = size = 0
        for form, poslist in _positions(value).items():
            n = len(poslist)
            length += n
            if scale == 1.0 and boost == 1.0 and n < 64:
                weight = weights[n]
            else:
                weight = n * 1.0 * scale * boost   # as Whoosh: a sum of 1.0s, by format, by field boost
            if not positions:
                vbytes = values.get(n)
                if vbytes is None:
                    vbytes = values[n] = pack_uint(n)
            elif n == 1:
                vbytes = values.get(-1 - poslist[0])
                if vbytes is None:
                    vbytes = format_.encode(poslist)   # Positions.encode: the same for every field
                    if len(values) < 100_000:
                        values[-1 - poslist[0]] = vbytes
            else:
                vbytes = format_.encode(poslist)
            posting = (docnum, weight, vbytes)
            postings = terms.get(form)
            if postings is None:
                terms[form] = [posting]
                size += self.TERM
            else:
                postings.append(posting)
            size += self.POSTING
        self._size += size
        if self._size > self._limit:
            self._save()
        return length

    def _sorted(self):
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for btext, form in sorted((form.encode("utf-8"), form) for form in terms):
                yield fieldname, btext, terms[form]

    def _save(self) -> None:
        name = "%s.run" % random_name()
        with self._storage.create_file(name).raw_file() as f:
            _dump_batches(f, self._sorted(), self.BATCH)
        self._runs.append(name)
        self._fields = {}
        self._size = 0

    def _read_run(self, name: str):
        f = self._storage.open_file(name).raw_file()
        try:
            yield from _load_batches(f)
        finally:
            f.close()
            self._storage.delete_file(name)

    def terms(self):
        """(field, term, postings) in order; a term's postings from the runs in turn."""
        sources = [self._read_run(name) for name in self._runs] + [self._sorted()]
        self._runs = []
        if len(sources) == 1:
            yield from sources[0]
            return
        merged = heapq.merge(*sources, key=itemgetter(0, 1))   # equal terms in run order
        for (fieldname, btext), parts in groupby(merged, itemgetter(0, 1)):
            postings = next(parts)[2]
            for part in parts:
                postings.extend(part[2])
            yield fieldname, btext, postings

    def cleanup(self) -> None:
        for name in self._runs:
            try:
                self._storage.delete_file(name)
            except OSError:
                pass
        self._runs = []
        self._fields = {}


class _DocumentLengths:
    """The document lengths of a segment being committed, read once a field: Whoosh's
    commit reads the length column again for every posting."""

    def __init__(self, reader) -> None:
        self._reader = reader
        self._fields: dict[str, list] = {}

    def of_field(self, fieldname: str, default=0) -> list:
        """doc_field_length() of every document, by document number."""
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(d, fieldname, default)
                                                 for d in range(self._reader.doc_count_all())]
        return lengths

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        return self.of_field(fieldname, default)[docnum]


def _add_postings(fieldwriter, schema, lengths: _DocumentLengths | None, terms) -> None:
    """Whoosh's ``FieldWriter.add_postings`` for its W3 codec, from (field, term, postings)
    in order, the postings of a term a block at a time rather than one by one (what the
    postings writer's ``add_posting`` does, for a whole block): the same calls to the field
    writer, the same blocks, the same files."""
    lastfield = None
    doc_lengths = None
    for fieldname, btext, postings in terms:
        if fieldname != lastfield:
            if lastfield is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfield = fieldname
            doc_lengths = lengths.of_field(fieldname) if lengths is not None else None
        if not postings:
            continue
        fieldwriter.start_term(btext)
        writer = fieldwriter._postwriter
        limit = writer._blocklimit
        start = 0
        while start < len(postings):
            room = limit - len(writer._ids)
            if room <= 0:
                writer._write_block()
                continue
            block = postings[start:start + room]
            start += room
            docnums = [p[0] for p in block]
            weights = [p[1] for p in block]
            writer._ids.extend(docnums)
            writer._weights.extend(weights)
            top = max(weights)
            if top > writer._maxweight:
                writer._maxweight = top
            # Each value its own object, as Whoosh's are: pickle writes an object that
            # recurs in a block as a reference, and _TextPostings shares equal values.
            writer._values.extend([b"%b" % p[2] for p in block if p[2]])
            if doc_lengths is not None:
                found = [n for n in map(doc_lengths.__getitem__, docnums) if n]
                if found:
                    shortest, longest = min(found), max(found)
                    if writer._minlength is None or shortest < writer._minlength:
                        writer._minlength = shortest
                    if longest > writer._maxlength:
                        writer._maxlength = longest
        fieldwriter.finish_term()
    if lastfield is not None:
        fieldwriter.finish_field()


def _merge_terms(*sources):
    """(field, term, postings) from sources each in order, in order; a term in several (a
    segment merged in by add_reader() holds analysed text too) has their postings merged
    by document number."""
    for key, parts in groupby(heapq.merge(*sources, key=itemgetter(0, 1)), itemgetter(0, 1)):
        first = next(parts)
        rest = [part[2] for part in parts]
        if not rest:
            yield first
        else:
            yield key[0], key[1], list(heapq.merge(first[2], *rest, key=itemgetter(0)))


class _SegmentWriter(SegmentWriter):
    """Whoosh's segment writer, with the analysed text fields' postings in
    :class:`_TextPostings`, the others in :class:`_PostingPool`, and the commit through
    :func:`_add_postings`; the files it writes are the same. A segment's files are left as
    they are, not copied into one compound file: the index is sealed and hard-linked file
    by file (see :mod:`amif_search.index.store`)."""

    def __init__(self, ix, limitmb: int = 128, **kwargs) -> None:
        kwargs.setdefault("compound", False)
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _PostingPool(self._tempstorage, self.newsegment, limitmb=max(8, limitmb // 8))
        self.text = _TextPostings(self._tempstorage, limitmb)
        self._analysed = {name for name, field in self.schema.items() if _is_analysed_text(field)}

    def add_document(self, **fields):
        # Whoosh adds every field but the analysed texts; their postings and lengths are
        # added here (the lengths to the document Whoosh has just finished, whose number
        # the per-document writer still holds). A document with boosts goes Whoosh's way.
        docnum = self.docnum
        text = {}
        if not any(name.startswith("_") for name in fields):
            text = {name: fields.pop(name) for name in sorted(self._analysed & fields.keys())
                    if isinstance(fields[name], str)}
        super().add_document(**fields)
        for fieldname, value in text.items():
            field = self.schema[fieldname]
            self.perdocwriter.add_field(fieldname, field, None, self.text.add(fieldname, field, docnum, value, 1.0))

    def _flush_segment(self):
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = _DocumentLengths(reader) if reader else None
        terms = _merge_terms(self.pool.terms(), self.text.terms())
        if type(self.fieldwriter) is W3FieldWriter:
            _add_postings(self.fieldwriter, self.schema, lengths, terms)
        else:
            self.fieldwriter.add_postings(self.schema, lengths, (
                (fieldname, btext, docnum, weight, value)
                for fieldname, btext, postings in terms for docnum, weight, value in postings))
        self.fieldwriter.close()
        if reader:
            reader.close()

    def _close_segment(self):
        super()._close_segment()
        self.text.cleanup()


# Below this many projects a second process costs more than it saves.
_PARALLEL_FROM = 400
# At most this many writing processes (one Whoosh segment each).
_MAX_PROCESSES = 4
# Memory for the pools of postings of a single writing process.
_LIMIT_MB = 256
# ... and of all the writing processes of a build together.
_SHARED_LIMIT_MB = 64
# Documents analysed before the compound splitter's remembered pieces and the remembered
# stems are dropped: those grow fastest (every new word tries many pieces), and the words
# already seen keep their forms in WordForms, so starting afresh costs little.
_RENEW_EVERY = 250
# Projects to a pickle in the file a writing process reads its share from.
_SHARE_BATCH = 200
# Projects a writing process reports done at a time (so that its reports never fill the
# pipe while the building process is busy with its own segment).
_PROGRESS_EVERY = 20


def _process_count(projects: int) -> int:
    """How many processes to write ``projects`` documents with: one per available core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_PROCESSES, projects // _PARALLEL_FROM))


def _documents(projects, lexicon: Lexicon):
    """The Whoosh document of each project in turn, each distinct word analysed once.

    What the analysis remembers besides the words' forms (the compound splitter's pieces,
    the stems) grows with every new word, so it is started afresh every ``_RENEW_EVERY``
    documents: the memory of a build stays bounded however many projects it writes.
    """
    def fresh() -> SwedishAnalyzer:
        # A lexicon of the same words, whose splitter remembers nothing yet (the caller's
        # keeps nothing from the build either).
        return SwedishAnalyzer(Lexicon(lexicon.counts, lexicon.stems, lexicon.roots))

    analyzer = fresh()
    forms = WordForms(analyzer)
    for number, project in enumerate(projects):
        if number and number % _RENEW_EVERY == 0:
            stem.cache_clear()
            derivation_root.cache_clear()
            fold.cache_clear()
            analyzer = forms.analyzer = fresh()
        else:
            forget_words()   # the stems of the pieces the splitter tries are many
        yield document(project, analyzer, forms)


def _add_serially(writer, projects: list[Project], lexicon: Lexicon, progress) -> None:
    for number, doc in enumerate(_documents(projects, lexicon), start=1):
        writer.add_document(**doc)
        if progress is not None:
            progress(number)


def write_whoosh(folder: Path, projects: list[Project], lexicon: Lexicon, progress=None,
                 processes: int | None = None) -> None:
    """Create a Whoosh index in ``folder`` holding ``projects``.

    With more than one process (by default, one per core for a large collection) each
    writes a contiguous share of the projects as a segment of its own, so the documents keep
    their order and numbers; the index then has one segment per process.
    """
    internals.check_whoosh("writing")
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
    internals.check_whoosh("writing")
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


def document_ids(folder: Path) -> list[str | None]:
    """The project ID of each document of a written Whoosh index, by document number (None
    for a deleted one)."""
    ix = whoosh_index.open_dir(str(folder))
    try:
        with ix.reader() as reader:
            column = reader.column_reader(F.field_named("id").index_name)
            return [None if reader.is_deleted(d) else
                    (value.decode("utf-8") if isinstance(value, bytes) else str(value))
                    for d, value in enumerate(column)]
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
    """Write ``projects`` as ``processes`` segments, in the projects' order: the first share
    here, each other share in a process of its own.

    The other processes are fresh interpreters (:func:`_start_writer`), not forks, so that
    they do not hold a copy of everything this process holds: each reads the lexicon and its
    share of the projects from a file written for it (and removed once read), a batch at a
    time. They ignore Ctrl-C (this process ends them) and die with this process, so none
    outlives a failed or killed build. The pools of postings share ``_SHARED_LIMIT_MB``.
    """
    from multiprocessing.connection import wait  # noqa: PLC0415

    size = -(-len(projects) // processes)
    shares = [projects[i:i + size] for i in range(0, len(projects), size)]
    limitmb = max(16, _SHARED_LIMIT_MB // max(1, len(shares)))
    folder = Path(ix.storage.folder)
    children: list[_Writer] = []
    files: list[Path] = []
    connections: dict = {}
    done = [0] * len(shares)
    segments: dict[int, object] = {}
    reported = [0]

    def report() -> None:
        count = sum(done)
        if progress is not None and count > reported[0]:
            reported[0] = count
            progress(count)

    def receive(connection) -> None:
        number = connections[connection]
        try:
            message = connection.recv()
        except EOFError:
            raise IndexingError(f"a writing process ended without a segment "
                                f"({children[number - 1].ending()})") from None
        if isinstance(message, int):
            done[number] = message
            return
        kind, value = message
        if kind == "error":
            raise value   # the child's exception, so the caller reports it as its own
        segments[number] = value
        del connections[connection]
        connection.close()

    try:
        for number, share in enumerate(shares[1:], start=1):
            path = folder / f".share-{random_name()}"
            files.append(path)
            _save_share(path, lexicon, share)
            child = _start_writer(folder, ix.indexname, path, limitmb)
            children.append(child)
            connections[child.connection] = number
        writer = _SegmentWriter(ix, _lk=False, limitmb=limitmb)
        try:
            for count, doc in enumerate(_documents(shares[0], lexicon), start=1):
                writer.add_document(**doc)
                done[0] = count
                for connection in [c for c in connections if c.poll()]:
                    receive(connection)
                report()
            segments[0] = writer._finalize_segment()   # the index's temporary folder is the caller's
        except BaseException:
            writer._close_segment()
            raise
        while connections:
            for connection in wait(list(connections)):
                receive(connection)
            report()
        for child in children:
            child.process.wait()
        return [segments[number] for number in range(len(shares))]
    finally:
        for child in children:
            child.end()
        for connection in connections:
            connection.close()
        for path in files:
            path.unlink(missing_ok=True)


class _Writer:
    """A writing process: the process, the end of the pipe it reports on, and where its
    error output goes (read when it ends without a segment)."""

    def __init__(self, process, connection, errors) -> None:
        self.process = process
        self.connection = connection
        self.errors = errors

    def ending(self) -> str:
        """How the process ended, with the last line it wrote to its error output, if any."""
        code = self.process.wait()
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return f"exit code {code}" + (f": {lines[-1]}" if lines else "")

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()
        self.errors.close()


def _start_writer(folder: Path, indexname: str, share: Path, limitmb: int) -> _Writer:
    """Start a fresh interpreter that writes the share in the file ``share`` as a segment.

    Not multiprocessing's "spawn": that imports the calling program's main script again in
    the new process, which would run a script's top-level code a second time. The new
    interpreter imports this very package (the folder it was loaded from comes first on its
    path) and reports through a pipe it inherits.
    """
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    from multiprocessing.connection import Connection  # noqa: PLC0415

    package_root = str(Path(__file__).resolve().parents[2])
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from amif_search.index.writer import _writer_main; _writer_main(sys.argv[2:])")
    read_end, write_end = os.pipe()
    errors = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", code, package_root, str(write_end), str(folder), indexname, str(share),
             str(limitmb), str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, pass_fds=(write_end,))
    except BaseException:
        os.close(read_end)
        errors.close()
        raise
    finally:
        os.close(write_end)
    return _Writer(process, Connection(read_end, writable=False), errors)


def _writer_main(argv: list[str]) -> None:
    """The writing process's entry point: the arguments :func:`_start_writer` gives it."""
    from multiprocessing.connection import Connection  # noqa: PLC0415

    fd, folder, indexname, share, limitmb, parent = argv
    _write_segment(Connection(int(fd), readable=False), folder, indexname, share, int(limitmb), int(parent))


def _save_share(path: Path, lexicon: Lexicon, projects: list[Project]) -> None:
    """The lexicon's words, then the projects a batch at a time, for :func:`_load_share`."""
    with open(path, "wb") as f:
        pickle.dump((lexicon.counts, lexicon.stems, lexicon.roots), f, pickle.HIGHEST_PROTOCOL)
        _dump_batches(f, projects, _SHARE_BATCH)


def _load_share(f) -> tuple[Lexicon, object]:
    """The lexicon of a file :func:`_save_share` wrote, and its projects, read as they are used."""
    counts, stems, roots = pickle.load(f)
    return Lexicon(counts, stems, roots), _load_batches(f)


def _write_segment(connection, folder: str, indexname: str, share: str, limitmb: int, parent: int) -> None:
    """In a writing process: write the projects of the file ``share`` as one segment of the
    index in ``folder`` and send it to the parent, with the number of projects written so
    far every ``_PROGRESS_EVERY`` of them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    try:
        with open(share, "rb") as f:
            os.unlink(share)   # read from the open file; nothing is left behind if the build dies
            lexicon, projects = _load_share(f)
            ix = whoosh_index.open_dir(folder, indexname)
            writer = _SegmentWriter(ix, _lk=False, limitmb=limitmb)
            number = 0
            for number, doc in enumerate(_documents(projects, lexicon), start=1):
                writer.add_document(**doc)
                if number % _PROGRESS_EVERY == 0:
                    connection.send(number)
            connection.send(number)
        # Close the segment but leave the index's temporary folder to the parent.
        connection.send(("segment", writer._finalize_segment()))
    except BaseException as exc:
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
