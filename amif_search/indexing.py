"""The index's life: where it lives, building it, updating it, and when it must be rebuilt."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .text.analysis import Lexicon
from .errors import IndexNotFoundError, IndexWriteError, SourceError
from .fields import text_fields
from .i18n import _
from .index import store
from .model import Project
from .resources import default_sources

__all__ = ["IndexInfo", "Verification", "UpdateReport", "resolve_index_dir", "build_index", "update_index",
           "rebuild_reason"]

Progress = Callable[[int, int], None]


@dataclass
class IndexInfo:
    """What ``index info`` shows."""

    location: Path
    generation: Path
    manifest: store.Manifest
    stale_sources: list[str]
    missing_sources: list[str]

    @property
    def project_count(self) -> int:
        return len(self.manifest.projects)


@dataclass
class Verification:
    """The index checked against its sources (``index info --verify``)."""

    sources: int
    missing_sources: list[str]
    expected: int
    not_indexed: list[str]
    stale: list[str]
    extra: list[str]
    manifest_mismatch: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing_sources or self.not_indexed or self.stale or self.extra or self.manifest_mismatch)

    def to_json(self) -> dict:
        return dict(vars(self), ok=self.ok)


def resolve_index_dir(index_dir: str | Path | None = None) -> Path:
    """``index_dir``, else $AMIF_SEARCH_INDEX, else ``index`` in the user data folder.

    The same however the tool is started: ``python -m amif_search`` inside a checkout and an
    installed ``amif-search`` find the same index (a checkout once had an index of its own,
    so that the two answered from different indexes)."""
    if index_dir:
        return Path(index_dir).expanduser()
    env = os.environ.get(store.INDEX_ENV)
    if env:
        return Path(env).expanduser()
    return store.user_data_dir() / "index"


def build_index(sources: Iterable[str | Path] | None = None, index_dir: str | Path | None = None, *,
                progress: Progress | None = None, lock_timeout: float = 30.0) -> IndexInfo:
    """Parse ``sources`` (default: the packaged pages) and build a fresh index from them."""
    from .source import read_sources  # noqa: PLC0415

    location = resolve_index_dir(index_dir)
    paths = [Path(p) for p in (sources if sources is not None else default_sources())]
    if not paths:
        raise SourceError(_("inga källdokument att indexera"))
    expanded = _expand_sources(paths)
    read: dict[str, tuple[str, int, int]] = {}
    projects = read_sources(expanded, read)
    infos = _source_infos(expanded, projects, read)
    with _writing(location), store.build_lock(location, lock_timeout):
        generation, manifest = _write(location, projects, infos, progress)
    return IndexInfo(location, generation, manifest, [], [])


@contextmanager
def _writing(location: Path):
    """Turn a failure to write (a full disk, a read-only folder) into one line naming the
    file and the cause."""
    try:
        yield
    except OSError as exc:
        path = exc.filename if isinstance(exc.filename, str) and exc.filename else location
        raise IndexWriteError(_("{path}: indexet kan inte skrivas ({reason})").format(
            path=path, reason=exc.strerror or exc)) from None
    except sqlite3.Error as exc:
        raise IndexWriteError(_("{path}: indexet kan inte skrivas ({reason})").format(
            path=location, reason=exc)) from None


def _expand_sources(paths: list[Path]) -> list[Path]:
    """Folders stand for the .txt entries in them, in name order: every one but a folder,
    so that a FIFO, a symlink loop or a file that vanished is reported when it is read,
    not skipped without a word."""
    expanded: list[Path] = []
    for path in paths:
        _check_path_encoding(path)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.txt") if not p.is_dir())
            for found_path in found:
                _check_path_encoding(found_path)
            if not found:
                raise SourceError(_("{path}: en mapp utan någon .txt-källa").format(path=path))
            expanded.extend(found)
        else:
            expanded.append(path)
    return expanded


def _check_path_encoding(path: Path) -> None:
    """A source path must be text: the manifest, the messages and the JSON output name it."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise SourceError(_("{path}: sökvägen är inte UTF-8; byt namn på filen").format(path=shown)) from None


def _source_infos(paths: list[Path], projects: list[Project],
                  read: dict[str, tuple[str, int, int]]) -> list[store.SourceInfo]:
    """What the index records of each source: the digest, size and time of the bytes that
    were parsed, not of the file as it is now (it may have been edited meanwhile)."""
    counts: dict[str, int] = {}
    for project in projects:
        counts[project.source] = counts.get(project.source, 0) + 1
    infos = []
    for path in paths:
        sha256, size, mtime_ns = read[str(path)]
        infos.append(store.SourceInfo(str(path.resolve()), sha256, size, counts.get(path.name, 0), mtime_ns))
    return infos


def _write(location: Path, projects: list[Project], infos, progress: Progress | None):
    from .glossary.concepts import glossary_to_json, load_glossary  # noqa: PLC0415
    from .index.writer import write_whoosh  # noqa: PLC0415

    glossary = load_glossary()
    # The glossary's Swedish terms join the corpus in the lexicon of compound members.
    lexicon = Lexicon.from_texts((_texts(p) for p in projects),
                                 extra_words=glossary.swedish_words())
    total = len(projects)

    def write(folder: Path, items: list[Project], lex: Lexicon) -> None:
        write_whoosh(folder, items, lex, progress=(lambda n: progress(n, total)) if progress else None)

    return store.write_generation(location, projects, infos, lexicon, write,
                                  extra={"glossary_digest": glossary.digest},
                                  glossary=json.dumps(glossary_to_json(glossary), ensure_ascii=False))


@dataclass
class UpdateReport:
    """What ``index update`` changed."""

    location: Path
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: int
    rebuilt: bool = False
    reason: str | None = None

    @property
    def project_count(self) -> int:
        return len(self.added) + len(self.changed) + self.unchanged


def _texts(project: Project) -> str:
    """The words of a project that the lexicon of compound members learns from."""
    return " ".join(field.value(project) or "" for field in text_fields() if field.in_lexicon)


def update_index(sources: Iterable[str | Path] | None = None, index_dir: str | Path | None = None, *,
                 progress: Progress | None = None, lock_timeout: float = 30.0) -> UpdateReport:
    """Re-index only the projects that were added, changed or removed since the last build.

    Sources default to those the index was built from. The update is written as a new
    generation (unchanged Whoosh segments are hard-linked, not copied) and swapped in
    atomically, like a build. When the analysis, schema or glossary changed, or there is
    no index yet, a full build is made instead.
    """
    from collections import Counter  # noqa: PLC0415

    from .index.writer import update_whoosh  # noqa: PLC0415
    from .source import read_sources  # noqa: PLC0415

    location = resolve_index_dir(index_dir)
    try:
        live = store.live_generation(location)
        manifest = store.read_manifest(live)
    except IndexNotFoundError:
        info = build_index(sources, location, progress=progress, lock_timeout=lock_timeout)
        return UpdateReport(location, sorted(info.manifest.projects), [], [], 0, True, _("inget index fanns"))
    if sources is None:
        sources = [Path(s.path) for s in manifest.sources]
    expanded = _expand_sources([Path(p) for p in sources])
    reason = rebuild_reason(manifest, sources_too=False)
    if not reason and [str(p.resolve()) for p in expanded] == [s.path for s in manifest.sources] \
            and not any(s.changed() for s in manifest.sources):
        # The same files, unchanged (size and mtime, else their digest): nothing to parse.
        return UpdateReport(location, [], [], [], len(manifest.projects))
    if reason:
        info = build_index(expanded, location, progress=progress, lock_timeout=lock_timeout)
        return UpdateReport(location, [], sorted(info.manifest.projects), [], 0, True, reason)
    read: dict[str, tuple[str, int, int]] = {}
    projects = read_sources(expanded, read)
    infos = _source_infos(expanded, projects, read)
    with _writing(location), store.build_lock(location, lock_timeout):
        live = store.live_generation(location)   # another build may have finished meanwhile
        manifest = store.read_manifest(live)
        old = manifest.projects
        new = {p.id: p for p in projects}
        added = [p for p in projects if p.id not in old]
        changed = [p for p in projects if p.id in old and old[p.id] != p.content_hash()]
        removed = [pid for pid in old if pid not in new]
        if not (added or changed or removed) and [s.sha256 for s in infos] == [s.sha256 for s in manifest.sources]:
            return UpdateReport(location, [], [], [], len(projects))
        records = store.open_records(live)
        try:
            previous = records.get_many([p.id for p in changed] + removed)
        finally:
            records.close()
        stored = store.open_lexicon(live)
        try:
            counts = Counter(dict(stored.counts.items()))
        finally:
            stored.close()
        counts.subtract(Lexicon.from_texts(_texts(p) for p in previous.values()).counts)
        counts.update(Lexicon.from_texts(_texts(p) for p in added + changed).counts)
        lexicon = Lexicon({word: n for word, n in counts.items() if n > 0})

        generation = store.begin_generation(location)
        try:
            store.copy_generation(live, generation)
            total = len(added) + len(changed)
            update_whoosh(store.whoosh_folder(generation), [p.id for p in changed] + removed, changed + added, lexicon,
                          progress=(lambda n: progress(n, total)) if progress else None)
            store.change_records(generation, removed, changed, added, lexicon)
            store.write_documents(generation, projects)
            store.save_lexicon(generation, lexicon)
            store.publish_generation(location, generation, infos, {p.id: p.content_hash() for p in projects},
                                     manifest.extra)
        except BaseException:
            import shutil  # noqa: PLC0415

            shutil.rmtree(generation, ignore_errors=True)
            raise
    unchanged = len(projects) - len(added) - len(changed)
    return UpdateReport(location, [p.id for p in added], [p.id for p in changed], removed, unchanged)


def rebuild_reason(manifest: store.Manifest, sources_too: bool = True) -> str | None:
    from .text.analysis import ANALYSIS_VERSION  # noqa: PLC0415
    from .index.schema import SCHEMA_VERSION  # noqa: PLC0415

    if manifest.schema_version != SCHEMA_VERSION or manifest.analysis_version != ANALYSIS_VERSION:
        return _("indexet skrevs med schema {schema}/analys {analysis}, den här versionen använder "
                 "{our_schema}/{our_analysis}").format(schema=manifest.schema_version,
                                                       analysis=manifest.analysis_version,
                                                       our_schema=SCHEMA_VERSION, our_analysis=ANALYSIS_VERSION)
    for source in manifest.sources if sources_too else ():
        if source.changed():
            return _("källan {path} har ändrats sedan indexet byggdes").format(path=source.path)
    from .glossary.concepts import glossary_digest  # noqa: PLC0415

    digest = glossary_digest()
    if digest and digest != manifest.extra.get("glossary_digest"):
        return _("ordlistan har ändrats sedan indexet byggdes")
    return None
