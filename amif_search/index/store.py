"""Where an index lives on disk, and how it is written, swapped in and opened safely.

An index folder holds generations; ``CURRENT`` names the live one::

    index/
      CURRENT                  the live generation's name, replaced atomically
      .lock                    held by the one process that builds
      gen-<time>-<pid>/
        manifest.json          versions, sources, per-project hashes, file digests, signature
        records.sqlite         the projects themselves (read with sqlite3, never unpickled)
        lexicon.json           the collection's words, for compound splitting and typos
        whoosh/                the Whoosh index

A build writes a new generation beside the live one and then replaces ``CURRENT``, so a
build killed at any moment leaves the previous index whole; leftovers are removed by the
next build. Whoosh unpickles its table of contents when it opens an index, so an index is
opened only after its manifest has been checked: signed with a key that only this user's
installation has, and the digest of every file that Whoosh or sqlite will read matching.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import __version__
from .. import analysis as _analysis
from ..analysis import Lexicon
from ..i18n import _
from ..errors import IndexLockedError, IndexNotFoundError, IndexStateError
from ..model import Project
from . import schema as _schema

__all__ = ["Manifest", "SourceInfo", "write_generation", "read_manifest", "live_generation",
           "build_lock", "user_data_dir", "FORMAT_NAME", "INDEX_ENV"]

FORMAT_NAME = "amif-search-index"
FORMAT_VERSION = 1
INDEX_ENV = "AMIF_SEARCH_INDEX"
CURRENT = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
RECORDS = "records.sqlite"
LEXICON = "lexicon.json"
WHOOSH_DIR = "whoosh"
GLOSSARY = "glossary.json"
KEY_ENV = "AMIF_SEARCH_KEY_FILE"


@dataclass
class SourceInfo:
    """A source document an index was built from."""

    path: str
    sha256: str
    size: int
    projects: int
    mtime_ns: int = 0

    @classmethod
    def of(cls, path: Path, projects: int) -> "SourceInfo":
        stat = path.stat()
        return cls(str(path), _digest(path), stat.st_size, projects, stat.st_mtime_ns)

    def changed(self) -> bool | None:
        """Whether the file differs from when the index was built; None when it is gone."""
        path = Path(self.path)
        try:
            stat = path.stat()
        except OSError:
            return None
        if stat.st_size != self.size:
            return True
        if stat.st_mtime_ns == self.mtime_ns:
            return False
        return _digest(path) != self.sha256


@dataclass
class Manifest:
    """What an index is: versions, sources, projects and the digests of its files."""

    built_at: str
    sources: list[SourceInfo]
    projects: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)
    schema_version: int = field(default_factory=lambda: _schema.SCHEMA_VERSION)
    analysis_version: int = field(default_factory=lambda: _analysis.ANALYSIS_VERSION)
    package_version: str = __version__
    format: str = FORMAT_NAME
    format_version: int = FORMAT_VERSION
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "format": self.format,
            "format_version": self.format_version,
            "schema_version": self.schema_version,
            "analysis_version": self.analysis_version,
            "package_version": self.package_version,
            "built_at": self.built_at,
            "sources": [vars(s) for s in self.sources],
            "projects": self.projects,
            "files": self.files,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        return cls(
            built_at=data["built_at"],
            sources=[SourceInfo(**s) for s in data["sources"]],
            projects=dict(data["projects"]),
            files=dict(data["files"]),
            schema_version=int(data["schema_version"]),
            analysis_version=int(data["analysis_version"]),
            package_version=str(data["package_version"]),
            format=data["format"],
            format_version=int(data["format_version"]),
            extra=dict(data.get("extra", {})),
        )


def user_data_dir() -> Path:
    """The per-user data folder (XDG_DATA_HOME/amif-search, else ~/.local/share/amif-search)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "amif-search"


def _key_path() -> Path:
    return Path(os.environ.get(KEY_ENV) or user_data_dir() / "index.key")


def _signing_key(create: bool) -> bytes | None:
    """This installation's secret for signing manifests, created on first build."""
    path = _key_path()
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError):
        raise IndexStateError(_("{path}: indexets signeringsnyckel kan inte läsas; ta bort den och bygg om indexet").format(
            path=path)) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key.hex().encode())
    finally:
        os.close(fd)
    return key


def _signature(key: bytes, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_digests(generation: Path) -> dict[str, str]:
    """sha256 of every file in a generation but the manifest, by relative path."""
    files = {}
    for path in sorted(generation.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            files[path.relative_to(generation).as_posix()] = _digest(path)
    return files


@contextmanager
def build_lock(index_dir: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold the index's build lock; wait at most ``timeout`` seconds for another build."""
    import fcntl  # noqa: PLC0415

    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / LOCK, "a+")
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLockedError(_(
                        "{path}: en annan process bygger det här indexet; gav upp efter {seconds:g} s "
                        "väntan").format(path=index_dir, seconds=timeout)) from None
                time.sleep(0.1)
        yield
    finally:
        handle.close()


def live_generation(index_dir: Path) -> Path:
    """The folder of the live generation, or :class:`IndexNotFoundError`."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFoundError(_("{path}: här finns inget index (bygg ett med 'amif-search index build')").format(
            path=index_dir)) from None
    except (OSError, UnicodeDecodeError):
        raise IndexStateError(_("{path}: kan inte läsas; bygg om indexet").format(path=index_dir / CURRENT)) from None
    if not name.startswith("gen-") or "/" in name or name in (".", ".."):
        raise IndexStateError(_("{path}: pekar inte på någon generation av indexet; bygg om indexet").format(
            path=index_dir / CURRENT))
    generation = index_dir / name
    if not generation.is_dir():
        raise IndexStateError(_("{path}: den aktuella generationen {name} saknas; bygg om indexet").format(
            path=index_dir, name=name))
    return generation


def read_manifest(generation: Path, verify_files: bool = True) -> Manifest:
    """Read and check a generation's manifest before anything else of it is read."""
    where = generation / MANIFEST
    try:
        data = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexStateError(_("{path}: saknas; mappen är inget index som amif-search har byggt").format(
            path=where)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise IndexStateError(_("{path}: kan inte läsas; bygg om indexet").format(path=where)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise IndexStateError(_("{path}: inget amif-search-index; öppnas inte").format(path=where))
    signature = data.pop("signature", None)
    key = _signing_key(create=False)
    if key is None or not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(key, data)):
        raise IndexStateError(_(
            "{path}: indexet har inte byggts av den här installationen (signaturen stämmer inte); det öppnas "
            "inte, eftersom Whoosh packar upp (unpickle) data när ett index öppnas. Bygg om det med "
            "'amif-search index build'").format(path=generation.parent))
    try:
        manifest = Manifest.from_json(data)
    except (KeyError, TypeError, ValueError):
        raise IndexStateError(_("{path}: manifestet är ofullständigt; bygg om indexet").format(path=where)) from None
    if manifest.format_version > FORMAT_VERSION:
        raise IndexStateError(_("{path}: skrivet av en nyare amif-search ({version}); uppgradera eller bygg om "
                                "indexet").format(path=generation.parent, version=manifest.package_version))
    if verify_files:
        actual = _file_digests(generation)
        if actual != manifest.files:
            changed = sorted(set(actual) ^ set(manifest.files) | {k for k in actual if actual.get(k) != manifest.files.get(k)})
            raise IndexStateError(_("{path}: indexets filer har ändrats efter bygget ({files}); det öppnas inte. "
                                    "Bygg om indexet").format(path=generation.parent, files=", ".join(changed[:3])))
    return manifest


def begin_generation(index_dir: Path) -> Path:
    """A new, empty generation folder beside the live one. The caller holds the build lock."""
    index_dir.mkdir(parents=True, exist_ok=True)
    cleanup_leftovers(index_dir)
    generation = index_dir / f"gen-{time.time_ns()}-{os.getpid()}"
    generation.mkdir()
    return generation


def publish_generation(index_dir: Path, generation: Path, sources: list[SourceInfo],
                       projects: dict[str, str], extra: dict | None = None) -> Manifest:
    """Sign a complete generation's manifest and make it the live one, atomically."""
    manifest = Manifest(
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        sources=sources,
        projects=projects,
        files=_file_digests(generation),
        extra=dict(extra or {}),
    )
    body = manifest.to_json()
    body["signature"] = _signature(_signing_key(create=True), manifest.to_json())
    _write_atomically(generation / MANIFEST, json.dumps(body, ensure_ascii=False, indent=1))
    _fsync_dir(generation)
    _write_atomically(index_dir / CURRENT, generation.name + "\n")
    _fsync_dir(index_dir)
    cleanup_leftovers(index_dir)
    return manifest


def write_lexicon(path: Path, lexicon: Lexicon) -> None:
    path.write_text(json.dumps({"counts": lexicon.counts, "stems": sorted(lexicon.stems),
                                "roots": sorted(lexicon.roots)}, ensure_ascii=False), encoding="utf-8")


def write_generation(
    index_dir: Path,
    projects: list[Project],
    sources: list[SourceInfo],
    lexicon: Lexicon,
    write_whoosh: Callable[[Path, list[Project], Lexicon], None],
    extra: dict | None = None,
    files: dict[str, str] | None = None,
) -> tuple[Path, Manifest]:
    """Write a complete new generation and make it live. The caller holds the build lock."""
    generation = begin_generation(index_dir)
    try:
        write_records(generation / RECORDS, projects)
        write_lexicon(generation / LEXICON, lexicon)
        for file_name, text in (files or {}).items():
            (generation / file_name).write_text(text, encoding="utf-8")
        (generation / WHOOSH_DIR).mkdir()
        write_whoosh(generation / WHOOSH_DIR, projects, lexicon)
        manifest = publish_generation(index_dir, generation, sources,
                                      {p.id: p.content_hash() for p in projects}, extra)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return generation, manifest


def copy_generation(source: Path, target: Path) -> None:
    """Copy a generation's files into ``target`` for an update: Whoosh's segment files never
    change once written, so they are hard-linked; everything else is copied."""
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        destination = target / relative
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        if path.name == MANIFEST:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        if relative.parts[0] == WHOOSH_DIR and path.suffix != ".toc":
            try:
                os.link(path, destination)
                continue
            except OSError:
                pass
        shutil.copy2(path, destination)


def cleanup_leftovers(index_dir: Path, keep_previous: int = 1) -> None:
    """Remove every generation but the live one and the newest complete one before it.

    The one before is kept a while so that a search that read CURRENT just before a swap can
    still open what it read. A generation newer than the live one was never live (its build
    was killed before the swap): it goes. Runs under the build lock, so no other build is
    writing a generation meanwhile.
    """
    try:
        live = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        live = None
    generations = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    previous = [p for p in generations if live is not None and p.name < live and (p / MANIFEST).exists()]
    keep = set(previous[-keep_previous:]) if keep_previous else set()
    for path in generations:
        if path.name == live or path in keep or _is_own_unfinished(path):
            continue
        shutil.rmtree(path, ignore_errors=True)
    for tmp in index_dir.glob("*.tmp-*"):
        try:
            tmp.unlink()
        except OSError:
            pass


def _is_own_unfinished(path: Path) -> bool:
    """A generation being written by this very process (never removed under its feet)."""
    return path.name.endswith(f"-{os.getpid()}") and not (path / MANIFEST).exists()


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_records(path: Path, projects: Iterable[Project]) -> None:
    """Store the projects as JSON rows in SQLite, in source order."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE projects (seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
                           "hash TEXT NOT NULL, record TEXT NOT NULL)")
        connection.executemany(
            "INSERT INTO projects (id, hash, record) VALUES (?, ?, ?)",
            ((p.id, p.content_hash(), json.dumps(p.to_record(), ensure_ascii=False)) for p in projects),
        )
        connection.commit()
    finally:
        connection.close()


def update_records(path: Path, removed: Iterable[str], changed: Iterable[Project], added: Iterable[Project]) -> None:
    """Apply an update to a copied records file: removed rows go, changed rows keep their place."""
    connection = sqlite3.connect(path)
    try:
        connection.executemany("DELETE FROM projects WHERE id = ?", ((pid,) for pid in removed))
        connection.executemany(
            "UPDATE projects SET hash = ?, record = ? WHERE id = ?",
            ((p.content_hash(), json.dumps(p.to_record(), ensure_ascii=False), p.id) for p in changed))
        connection.executemany(
            "INSERT INTO projects (id, hash, record) VALUES (?, ?, ?)",
            ((p.id, p.content_hash(), json.dumps(p.to_record(), ensure_ascii=False)) for p in added))
        connection.commit()
    finally:
        connection.close()


class RecordStore:
    """Read access to a generation's projects."""

    def __init__(self, path: Path) -> None:
        try:
            self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._connection.execute("SELECT count(*) FROM projects").fetchone()
        except sqlite3.Error as exc:
            raise IndexStateError(_("{path}: projektposterna kan inte läsas ({reason}); bygg om indexet").format(
                path=path, reason=exc)) from None

    def hashes(self) -> dict[str, str]:
        return dict(self._connection.execute("SELECT id, hash FROM projects"))

    def get_many(self, ids: list[str]) -> dict[str, Project]:
        found: dict[str, Project] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for pid, record in self._connection.execute(
                    f"SELECT id, record FROM projects WHERE id IN ({marks})", chunk):
                found[pid] = Project.from_record(json.loads(record))
        return found

    def all(self) -> list[Project]:
        return [Project.from_record(json.loads(r)) for (r,) in
                self._connection.execute("SELECT record FROM projects ORDER BY seq")]

    def count(self) -> int:
        return self._connection.execute("SELECT count(*) FROM projects").fetchone()[0]

    def close(self) -> None:
        self._connection.close()


def load_lexicon(path: Path) -> Lexicon:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stems, roots = data.get("stems"), data.get("roots")
        return Lexicon({str(k): int(v) for k, v in data["counts"].items()},
                       stems=[str(x) for x in stems] if isinstance(stems, list) else None,
                       roots=[str(x) for x in roots] if isinstance(roots, list) and isinstance(stems, list) else None)
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        raise IndexStateError(_("{path}: lexikonet kan inte läsas; bygg om indexet").format(path=path)) from None
