"""Where an index lives on disk, and how it is written, swapped in and opened safely.

An index folder holds generations; ``CURRENT`` names the live one::

    index/
      CURRENT                  the live generation's name, replaced atomically
      .lock                    held by the one process that builds
      gen-<time>-<pid>/
        manifest.json          versions, sources, per-project hashes, file digests, signature
        seal.json              the files' identities when they were hashed, signed (see below)
        records.sqlite         the projects themselves (read with sqlite3, never unpickled), each
                               with the compounds of its title and description as split
        lexicon.sqlite         the collection's words, for compound splitting and typos, read
                               a word at a time (see :mod:`.lexicon_file`)
        whoosh/                the Whoosh index

A build writes a new generation beside the live one and then replaces ``CURRENT``, so a
build killed at any moment leaves the previous index whole; leftovers are removed by the
next build. Whoosh unpickles its table of contents and its posting blocks, so an index is
opened only after its manifest has been checked: signed with a key that only this user's
installation has, and the digest of every file that Whoosh or sqlite will read matching.

Hashing every file costs time in proportion to the index (over a second for 100 000
projects), so each generation also has a *seal*: signed with the same key, it records the
manifest's signature and, for the manifest and each file, (st_dev, st_ino, st_size,
st_mtime_ns, st_ctime_ns) as they were when the file's content was found to match. A file
whose stat still matches its seal entry is the file that was hashed: any write, truncate,
chmod, rename or link of a file, and any change of its times with utime, sets its change
time (ctime) to the present, and an unprivileged process cannot set it back; a file
replaced by another has another inode. A file is sealed only when its ctime lies strictly
before a moment taken on the same filesystem clock before it was hashed, so that a change
made after sealing always shows, even where timestamps are coarse. A file whose stat does
not match (the index was copied, someone edited it) is hashed as before, refused when its
digest differs, and sealed again when it matches. The seal also repeats the manifest
without its projects: an untouched generation opens without reading its manifest either
(the projects are read from it, and its signature checked, when asked for).

An update hard-links the live generation's segment files into the next one, which changes
their ctime: the new generation is sealed after the linking, and after the removal of the
generations that the swap makes obsolete (unlinking changes the ctime too). The previous
generation's seal then no longer holds for the linked files; opening it hashes them.
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
import stat as stat_mode
import threading
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .. import __version__
from ..errors import IndexLockedError, IndexNotFoundError, IndexStateError
from ..files import write_atomically
from ..i18n import _
from ..model import Project

if TYPE_CHECKING:
    from ..summary import Facts, FactsTable
    from ..text.analysis import Lexicon

__all__ = ["Manifest", "SourceInfo", "write_generation", "read_manifest", "check_files", "live_generation",
           "build_lock", "user_data_dir", "FORMAT_NAME", "INDEX_ENV", "live_name", "whoosh_folder",
           "whoosh_identities", "glossary_path", "open_lexicon", "save_lexicon", "open_records",
           "change_records"]

FORMAT_NAME = "amif-search-index"
# 2: the lexicon in marshal form, and the seal. Indexes of format 1 are still read (and
# hashed at every open: they get no seal, which releases of format 1 would take for a
# file added after the build).
# 3: the lexicon in SQLite, read a word at a time; each record keeps its compounds' splits.
# Indexes of formats 1 and 2 are still read (their lexicon loaded whole, their hits' texts
# split when shown); an update writes format 3.
FORMAT_VERSION = 3
SEALED_SINCE = 2
INDEX_ENV = "AMIF_SEARCH_INDEX"
CURRENT = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
SEAL = "seal.json"
SEAL_KIND = "amif-search-seal"
RECORDS = "records.sqlite"
LEXICON = "lexicon.sqlite"
LEXICON_MARSHAL = "lexicon.marshal"   # format 2
LEXICON_JSON = "lexicon.json"   # format 1
LEXICON_FORMAT = "amif-search-lexicon"
WHOOSH_DIR = "whoosh"
GLOSSARY = "glossary.json"
KEY_ENV = "AMIF_SEARCH_KEY_FILE"
MIN_KEY_BYTES = 32
GENERATION_KEY = "generation"   # in a manifest's extra: the generation it was signed for

# (st_dev, st_ino, st_size, st_mtime_ns) of a file when it was checked: what a later open must
# find again. The modification time is part of it because a file deleted and written anew can
# get the freed inode back with the same size; a hard link (as an update makes) keeps it.
Identity = tuple[int, int, int, int]


def identity_of(result: os.stat_result) -> Identity:
    return (result.st_dev, result.st_ino, result.st_size, result.st_mtime_ns)


def read_regular(path: Path, *, follow: bool = False) -> bytes:
    """The bytes of a regular file (OSError for a FIFO, a device, or a symlink unless ``follow``)."""
    with os.fdopen(open_regular(path, follow=follow), "rb") as handle:
        return handle.read()


def open_regular(path: Path | str, *, follow: bool = False) -> int:
    """A descriptor of ``path`` when it is a regular file reached without following a symlink
    in its last part (unless ``follow``); OSError otherwise. Never blocks on a FIFO."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    try:
        if not stat_mode.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


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
        try:
            return _digest(path) != self.sha256
        except OSError:   # no longer a regular file, or unreadable: not what was indexed
            return True


def _schema_version() -> int:
    from .schema import SCHEMA_VERSION  # noqa: PLC0415  (imports Whoosh)

    return SCHEMA_VERSION


def _analysis_version() -> int:
    from ..text.analysis import ANALYSIS_VERSION  # noqa: PLC0415

    return ANALYSIS_VERSION


@dataclass
class Manifest:
    """What an index is: versions, sources, projects and the digests of its files."""

    built_at: str
    sources: list[SourceInfo]
    projects: Mapping[str, str]
    files: dict[str, str] = field(default_factory=dict)
    schema_version: int = field(default_factory=_schema_version)
    analysis_version: int = field(default_factory=_analysis_version)
    package_version: str = __version__
    format: str = FORMAT_NAME
    format_version: int = FORMAT_VERSION
    extra: dict = field(default_factory=dict)
    # Not part of the manifest's body: its signature, whether its files were checked, and
    # what sealing needs: (a moment of the filesystem's clock taken before the manifest was
    # read, the manifest's seal entry or None).
    signature: str = field(default="", repr=False, compare=False)
    files_checked: bool = field(default=False, repr=False, compare=False)
    seal_state: tuple[int, list[int] | None] | None = field(default=None, repr=False, compare=False)
    # Each checked file's identity, by relative path: the only files a reader may open.
    identities: dict[str, Identity] = field(default_factory=dict, repr=False, compare=False)

    def identities_under(self, folder: str) -> dict[str, Identity]:
        """The checked files inside ``folder`` of the generation, by name within it."""
        prefix = folder + "/"
        return {name[len(prefix):]: ident for name, ident in self.identities.items() if name.startswith(prefix)}

    def header(self) -> dict:
        """Everything but the projects (which the seal does not repeat)."""
        return {
            "format": self.format,
            "format_version": self.format_version,
            "schema_version": self.schema_version,
            "analysis_version": self.analysis_version,
            "package_version": self.package_version,
            "built_at": self.built_at,
            "sources": [vars(s) for s in self.sources],
            "files": self.files,
            "extra": self.extra,
        }

    def to_json(self) -> dict:
        body = self.header()
        body["projects"] = dict(self.projects)
        return body

    @classmethod
    def from_json(cls, data: dict, projects: Mapping[str, str] | None = None) -> "Manifest":
        return cls(
            built_at=data["built_at"],
            sources=[SourceInfo(**s) for s in data["sources"]],
            projects=dict(data["projects"]) if projects is None else projects,
            files=dict(data["files"]),
            schema_version=int(data["schema_version"]),
            analysis_version=int(data["analysis_version"]),
            package_version=str(data["package_version"]),
            format=data["format"],
            format_version=int(data["format_version"]),
            extra=dict(data.get("extra", {})),
        )


class _ManifestProjects(Mapping):
    """The projects of a manifest opened through its seal, read from the manifest on first use.

    A search never needs them, and at 100 000 projects parsing and checking them costs as
    much as the rest of opening the index.
    """

    def __init__(self, generation: Path, signature: str) -> None:
        self._generation = generation
        self._signature = signature
        self._projects: dict[str, str] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, str]:
        projects = self._projects
        if projects is None:
            with self._lock:
                if self._projects is None:
                    manifest = _read_signed_manifest(self._generation, _signing_key(create=False))
                    if not hmac.compare_digest(manifest.signature, self._signature):
                        raise _changed_error(self._generation, [MANIFEST])
                    self._projects = dict(manifest.projects)
                projects = self._projects
        return projects

    def __getitem__(self, key: str) -> str:
        return self._load()[key]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, key: object) -> bool:
        return key in self._load()

    def __repr__(self) -> str:
        return f"<projects of {self._generation.name}>"


def user_data_dir() -> Path:
    """The per-user data folder (XDG_DATA_HOME/amif-search, else ~/.local/share/amif-search)."""
    base = os.environ.get("XDG_DATA_HOME")
    if not base:
        home = os.environ.get("HOME")
        if not home:
            # expanduser would fall back to a relative folder (HOME empty) or guess one.
            raise IndexStateError(_("HOME är inte satt eller tom, så indexet och dess nyckel har ingen mapp; sätt "
                                    "HOME eller XDG_DATA_HOME (eller --index och AMIF_SEARCH_KEY_FILE)"))
        base = os.path.join(home, ".local", "share")
    return Path(base) / "amif-search"


def _key_path() -> Path:
    return Path(os.environ.get(KEY_ENV) or user_data_dir() / "index.key")


def _signing_key(create: bool) -> bytes | None:
    """This installation's secret for signing manifests, created on first build."""
    path = _key_path()
    key = _read_key(path)
    if key is None and create:
        key = _create_key(path)
    return key


def _read_key(path: Path) -> bytes | None:
    """The key in ``path``; None when there is none; refused when it cannot protect anything."""
    try:
        text = read_regular(path, follow=True).decode("ascii")   # a key kept elsewhere may be linked
        key = bytes.fromhex(text.strip())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise IndexStateError(_("{path}: indexets signeringsnyckel kan inte läsas; ta bort den och bygg om "
                                "indexet").format(path=path)) from None
    if len(key) < MIN_KEY_BYTES:
        # An empty key (a disk that filled while it was written) would let anyone sign an index.
        raise IndexStateError(_("{path}: indexets signeringsnyckel är för kort ({size} byte, minst {minimum}) och "
                                "skyddar inget; ta bort den och bygg om indexet med 'amif-search index build'").format(
            path=path, size=len(key), minimum=MIN_KEY_BYTES))
    return key


def _create_key(path: Path) -> bytes:
    """Create the key atomically: written whole and synced to a temporary file, then linked
    into place, so that it is never seen short, and two processes creating it at once agree
    on the one that was linked first."""
    key = secrets.token_bytes(MIN_KEY_BYTES)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            data = key.hex().encode()
            if os.write(fd, data) != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            winner = _read_key(path)   # another process won; its key is whole
            if winner is None:         # a dangling link stands there
                raise OSError(errno.EEXIST, os.strerror(errno.EEXIST)) from None
            key = winner
        _fsync_dir(path.parent)
    except OSError as exc:
        raise IndexStateError(_("{path}: indexets signeringsnyckel kan inte skapas ({reason})").format(
            path=path, reason=exc.strerror or exc)) from None
    finally:
        _discard(tmp)
    return key


def _signature(key: bytes, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _digest(path: Path) -> str:
    return _digest_identified(path)[0]


def _digest_identified(path: Path) -> tuple[str, os.stat_result]:
    """The sha256 of a regular file (never a FIFO, a device or a symlink), and the stat of
    the very file that was hashed."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        result = os.fstat(fd)
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest(), result


def _listing(generation: Path) -> list[str]:
    """The files of a generation that its manifest covers (all but the manifest and the
    seal), by relative path, sorted."""
    names: list[str] = []
    folders = [("", generation)]
    while folders:
        prefix, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            raise IndexStateError(_("{path}: kan inte läsas; bygg om indexet").format(path=folder)) from None
        for entry in entries:
            name = entry.name
            if not prefix and (name in (MANIFEST, SEAL) or name.startswith(SEAL + ".tmp-")):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((prefix + name + "/", Path(entry.path)))
                    continue
                regular = entry.is_file(follow_symlinks=False)
            except OSError:
                regular = False
            if not regular:
                # A symlink, a FIFO, a device: nothing a build writes, and nothing to open.
                raise _odd_file_error(Path(entry.path))
            names.append(prefix + name)
    names.sort()
    return names


def _odd_file_error(path: Path) -> IndexStateError:
    return IndexStateError(_("{path}: ingen vanlig fil (en symbolisk länk, en FIFO eller en enhet); indexet "
                             "öppnas inte. Ta bort den eller bygg om indexet").format(path=path))


def _file_digests(generation: Path) -> dict[str, str]:
    """sha256 of every file in a generation but the manifest and seal, by relative path."""
    return {name: _digest(generation / name) for name in _listing(generation)}


def _stat_key(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def _hash_files(generation: Path, names: Iterable[str], now_ns: int | None,
                identities: dict[str, Identity] | None = None
                ) -> tuple[dict[str, str | None], dict[str, list[int]]]:
    """The digests of ``names`` (None for a file that cannot be read), and the seal entries
    of those that stayed the same while they were hashed and last changed before ``now_ns``.
    ``identities`` receives the identity of each file that was hashed."""
    digests: dict[str, str | None] = {}
    entries: dict[str, list[int]] = {}
    for name in names:
        path = generation / name
        try:
            digests[name], before = _digest_identified(path)
            entry = _sealable(before, os.lstat(path), now_ns)
        except OSError:
            digests[name] = None
            continue
        if identities is not None:
            identities[name] = identity_of(before)
        if entry is not None:
            entries[name] = entry
    return digests, entries


def _filesystem_now(generation: Path) -> int | None:
    """The filesystem's clock now: the ctime of a file created for the purpose (and removed).
    None where the generation cannot be written (its seal then stays as it is)."""
    probe = generation / f"{SEAL}.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        probe.unlink(missing_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return None
    try:
        return os.fstat(fd).st_ctime_ns
    finally:
        os.close(fd)
        _discard(probe)


def _sealable(before: os.stat_result, after: os.stat_result, now_ns: int | None) -> list[int] | None:
    """The seal entry of a file stat'ed ``before`` and ``after`` its content was checked,
    when it did not change meanwhile and last changed before ``now_ns``."""
    entry = _stat_key(after)
    if now_ns is None or entry != _stat_key(before) or not 0 < before.st_ctime_ns < now_ns:
        return None
    return entry


def _write_seal(generation: Path, manifest: Manifest, key: bytes, manifest_entry: list[int] | None,
                entries: dict[str, list[int]]) -> None:
    body = {"kind": SEAL_KIND, "manifest": manifest.signature, "manifest_stat": manifest_entry,
            "header": manifest.header(), "files": entries}
    body["signature"] = _signature(key, body)
    try:
        write_atomically(generation / SEAL, json.dumps(body, ensure_ascii=False))
    except OSError:
        pass  # without a seal, opening the generation hashes its files


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _read_seal(generation: Path, key: bytes) -> dict | None:
    """The generation's seal when it is signed with ``key``, else None."""
    try:
        data = json.loads(read_regular(generation / SEAL))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != SEAL_KIND:
        return None
    signature = data.pop("signature", None)
    if not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(key, data)):
        return None
    if not isinstance(data.get("files"), dict) or not isinstance(data.get("manifest"), str):
        return None
    return data


def _stat_or_none(path: Path) -> list[int] | None:
    try:
        return _stat_key(os.lstat(path))
    except OSError:
        return None


def _sealed_manifest(generation: Path, key: bytes) -> Manifest | None:
    """The manifest as its seal repeats it, when the seal is ours and the manifest and every
    file are as they were sealed; else None (the caller reads and checks everything)."""
    seal = _read_seal(generation, key)
    if seal is None or seal.get("manifest_stat") is None:
        return None
    if _stat_or_none(generation / MANIFEST) != seal["manifest_stat"]:
        return None
    files = seal["files"]
    names = _listing(generation)
    if len(files) != len(names) or any(files.get(name) != _stat_or_none(generation / name) for name in names):
        return None
    try:
        manifest = Manifest.from_json(seal["header"], projects=_ManifestProjects(generation, seal["manifest"]))
    except (KeyError, TypeError, ValueError):
        return None
    if manifest.format != FORMAT_NAME or manifest.format_version > FORMAT_VERSION or sorted(manifest.files) != names:
        return None
    if not _bound_to(manifest, generation):
        return None
    manifest.signature = seal["manifest"]
    manifest.files_checked = True
    manifest.identities = {name: (entry[0], entry[1], entry[2], entry[3]) for name, entry in files.items()}
    return manifest


def _bound_to(manifest: Manifest, generation: Path) -> bool:
    """Whether the manifest was signed for this generation (manifests before this record was
    kept name none)."""
    return manifest.extra.get(GENERATION_KEY, generation.name) == generation.name


@contextmanager
def build_lock(index_dir: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold the index's build lock; wait at most ``timeout`` seconds for another build."""
    import fcntl  # noqa: PLC0415

    index_dir.mkdir(parents=True, exist_ok=True)
    check_folder_trust(index_dir)
    try:
        # Never through a symlink: a .lock pointing elsewhere would make a build create its target.
        handle = os.fdopen(os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
                                   | getattr(os, "O_CLOEXEC", 0), 0o600), "r+")
    except OSError as exc:
        if exc.errno == errno.ELOOP or (index_dir / LOCK).is_symlink():
            raise _symlink_error(index_dir / LOCK) from None
        raise
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


def _symlink_error(path: Path) -> IndexStateError:
    return IndexStateError(_("{path}: en symbolisk länk i indexmappen; den följs inte. Ta bort den och bygg "
                             "om indexet").format(path=path))


def _unsafe_group(gid: int) -> bool:
    """Whether a group may hold users other than this one (a user's own private group may not)."""
    import grp  # noqa: PLC0415
    import pwd  # noqa: PLC0415

    try:
        me = pwd.getpwuid(os.getuid())
        members = grp.getgrgid(gid).gr_mem
    except KeyError:
        return True
    return gid != me.pw_gid or any(member != me.pw_name for member in members)


def check_folder_trust(index_dir: Path) -> None:
    """Refuse an index folder that another user could change, as ssh refuses such keys: the
    folder and each folder above it must belong to this user (or root) and be writable by no
    one else, unless sticky (as /tmp is, where no one may rename another's entries)."""
    uid = os.getuid()
    folder = Path(os.path.abspath(index_dir))
    for path in (folder, *folder.parents):
        try:
            result = os.stat(path)
        except FileNotFoundError:
            continue
        except OSError:
            return
        sticky = bool(result.st_mode & stat_mode.S_ISVTX)
        writable_by_others = bool(result.st_mode & stat_mode.S_IWOTH) or (
            bool(result.st_mode & stat_mode.S_IWGRP) and _unsafe_group(result.st_gid))
        if result.st_uid not in (uid, 0) or (writable_by_others and not sticky):
            raise IndexStateError(_("{path}: andra användare kan ändra den här mappen, så indexet i den kan inte "
                                    "litas på (som ssh med sina nycklar); gör den skrivbar bara för dig "
                                    "(chmod go-w) eller välj en annan mapp med --index").format(path=path))


def live_generation(index_dir: Path) -> Path:
    """The folder of the live generation, or :class:`IndexNotFoundError`."""
    check_folder_trust(index_dir)
    try:
        name = read_regular(index_dir / CURRENT).decode("utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFoundError(_("{path}: här finns inget index (bygg ett med 'amif-search index build')").format(
            path=index_dir)) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _symlink_error(index_dir / CURRENT) from None
        raise IndexStateError(_("{path}: kan inte läsas; bygg om indexet").format(path=index_dir / CURRENT)) from None
    except UnicodeDecodeError:
        raise IndexStateError(_("{path}: kan inte läsas; bygg om indexet").format(path=index_dir / CURRENT)) from None
    if not name.startswith("gen-") or "/" in name or name in (".", ".."):
        raise IndexStateError(_("{path}: pekar inte på någon generation av indexet; bygg om indexet").format(
            path=index_dir / CURRENT))
    generation = index_dir / name
    try:
        is_link = generation.is_symlink()
    except OSError:
        is_link = False
    if is_link:
        raise _symlink_error(generation)
    if not generation.is_dir():
        raise IndexStateError(_("{path}: den aktuella generationen {name} saknas; bygg om indexet").format(
            path=index_dir, name=name))
    return generation


def read_manifest(generation: Path, verify_files: bool = True, *, rehash: bool = False) -> Manifest:
    """Read and check a generation's manifest before anything else of it is read.

    With ``verify_files`` the files are checked too (see :func:`check_files`); the manifest
    comes from the seal when the seal shows the manifest and every file unchanged, which
    needs no file to be read. ``rehash`` hashes every file whatever the seal says.
    """
    key = _signing_key(create=False)
    if key is not None and not rehash:
        sealed = _sealed_manifest(generation, key)
        if sealed is not None:
            return sealed
    # The seal will be renewed: the moment and the manifest's stat taken around this one
    # reading are what the manifest's seal entry needs (see _sealable).
    now_ns = _filesystem_now(generation) if key is not None else None
    before = _stat_result(generation / MANIFEST)
    manifest = _read_signed_manifest(generation, key)
    if now_ns is not None and manifest.format_version >= SEALED_SINCE:
        after = _stat_result(generation / MANIFEST)
        entry = _sealable(before, after, now_ns) if before is not None and after is not None else None
        manifest.seal_state = (now_ns, entry)
    if verify_files:
        check_files(generation, manifest, rehash=rehash)
    return manifest


def _stat_result(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _read_signed_manifest(generation: Path, key: bytes | None) -> Manifest:
    where = generation / MANIFEST
    try:
        data = json.loads(read_regular(where).decode("utf-8"))
    except FileNotFoundError:
        raise IndexStateError(_("{path}: saknas; mappen är inget index som amif-search har byggt").format(
            path=where)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise IndexStateError(_("{path}: kan inte läsas; bygg om indexet").format(path=where)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise IndexStateError(_("{path}: inget amif-search-index; öppnas inte").format(path=where))
    signature = data.pop("signature", None)
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
    if not _bound_to(manifest, generation):
        raise IndexStateError(_("{path}: manifestet hör till en annan generation ({name}); det öppnas inte. "
                                "Bygg om indexet").format(path=where, name=manifest.extra.get(GENERATION_KEY)))
    manifest.signature = signature
    return manifest


def _changed_error(generation: Path, changed: list[str]) -> IndexStateError:
    return IndexStateError(_("{path}: indexets filer har ändrats efter bygget ({files}); det öppnas inte. "
                             "Bygg om indexet").format(path=generation.parent, files=", ".join(changed[:3])))


def check_files(generation: Path, manifest: Manifest, *, rehash: bool = False) -> None:
    """Refuse the generation unless its files are exactly those ``manifest`` lists, each with
    its digest.

    A file whose stat matches the seal is not read (see the module's docstring); the others
    are hashed, and when all match, the seal is renewed so that the next open reads none.
    ``rehash`` hashes every file. Checks nothing twice for a manifest that was checked.
    """
    if manifest.files_checked and not rehash:
        return
    key = _signing_key(create=False)
    names = _listing(generation)
    odd = sorted(set(names) ^ set(manifest.files))
    if odd:
        raise _changed_error(generation, odd)
    seal = _read_seal(generation, key) if key is not None and not rehash else None
    if seal is not None and seal["manifest"] != manifest.signature:
        seal = None
    sealed = seal["files"] if seal is not None else {}
    unsealed = [name for name in names if sealed.get(name) is None
                or sealed[name] != _stat_or_none(generation / name)]
    manifest_entry = seal.get("manifest_stat") if seal is not None else None
    if manifest_entry is not None and manifest_entry != _stat_or_none(generation / MANIFEST):
        manifest_entry = None
    identities = {name: (sealed[name][0], sealed[name][1], sealed[name][2], sealed[name][3]) for name in names
                  if name not in unsealed}
    if not unsealed and manifest_entry is not None:
        manifest.identities = identities
        manifest.files_checked = True
        return
    now_ns = None
    if key is not None and manifest.format_version >= SEALED_SINCE:
        if manifest.seal_state is not None:
            now_ns, read_entry = manifest.seal_state
            manifest_entry = manifest_entry or read_entry
        else:
            now_ns = _filesystem_now(generation)
    digests, entries = _hash_files(generation, unsealed, now_ns, identities)
    changed = [name for name in unsealed if digests[name] != manifest.files[name]]
    if changed:
        raise _changed_error(generation, changed)
    manifest.identities = identities
    manifest.files_checked = True
    entries.update((name, sealed[name]) for name in names if name not in digests)
    if now_ns is not None and (entries != sealed or manifest_entry != (seal or {}).get("manifest_stat")):
        # A file changed in the same clock tick as this check is left out; the next open
        # hashes it alone and seals it.
        _write_seal(generation, manifest, key, manifest_entry, entries)  # type: ignore[arg-type]


def begin_generation(index_dir: Path) -> Path:
    """A new, empty generation folder beside the live one. The caller holds the build lock."""
    index_dir.mkdir(parents=True, exist_ok=True)
    cleanup_leftovers(index_dir)
    generation = index_dir / f"gen-{time.time_ns()}-{os.getpid()}"
    generation.mkdir()
    return generation


def publish_generation(index_dir: Path, generation: Path, sources: list[SourceInfo],
                       projects: dict[str, str], extra: dict | None = None) -> Manifest:
    """Sign a complete generation's manifest, seal it and make it the live one, atomically."""
    # What the swap will make obsolete goes first: removing a generation whose files are
    # hard-linked into this one changes their ctime, which the seal records.
    cleanup_leftovers(index_dir, keep_previous=0)
    key = _signing_key(create=True)
    names = _listing(generation)
    now_ns = _settled_now(generation, names)
    digests, entries = _hash_files(generation, names, now_ns)
    unreadable = [name for name, digest in digests.items() if digest is None]
    if unreadable:
        raise IndexStateError(_("{path}: kan inte läsas; bygg om indexet").format(path=generation / unreadable[0]))
    manifest = Manifest(
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        sources=sources,
        projects=projects,
        files=digests,  # type: ignore[arg-type]
        extra={**(extra or {}), GENERATION_KEY: generation.name},
    )
    body = manifest.to_json()
    manifest.signature = body["signature"] = _signature(key, manifest.to_json())
    text = json.dumps(body, ensure_ascii=False, indent=1)
    write_atomically(generation / MANIFEST, text)
    _seal_new(generation, manifest, key, entries, text.encode("utf-8"))
    _fsync_dir(generation)
    write_atomically(index_dir / CURRENT, generation.name + "\n")
    _fsync_dir(index_dir)
    cleanup_leftovers(index_dir)
    return manifest


def _settled_now(generation: Path, names: list[str]) -> int | None:
    """A moment of the filesystem's clock after the last change of any of ``names``: waits a
    few milliseconds at most for the clock to move on, so that files just written can be
    sealed (on a filesystem with coarser times, the first open seals the rest)."""
    newest = max((stat[4] for stat in map(_stat_or_none, (generation / name for name in names)) if stat),
                 default=0)
    now_ns = None
    for _attempt in range(8):
        now_ns = _filesystem_now(generation)
        if now_ns is None or now_ns > newest:
            break
        time.sleep(0.002)
    return now_ns


def _seal_new(generation: Path, manifest: Manifest, key: bytes, entries: dict[str, list[int]],
              written: bytes) -> None:
    """Seal a generation just written. The manifest was written a moment ago: wait (a few
    milliseconds at most) for the filesystem's clock to move past its ctime, so that it can
    be sealed too; on a filesystem with coarser times the first open seals it instead."""
    path = generation / MANIFEST
    manifest_entry = None
    for _attempt in range(8):
        now_ns = _filesystem_now(generation)
        if now_ns is None:
            return
        try:
            before = os.stat(path)
            same = path.read_bytes() == written
            manifest_entry = _sealable(before, os.stat(path), now_ns) if same else None
        except OSError:
            break
        if manifest_entry is not None or not same:
            break
        time.sleep(0.002)
    _write_seal(generation, manifest, key, manifest_entry, entries)


def write_lexicon(path: Path, lexicon: "Lexicon") -> None:
    """Write the lexicon as SQLite tables, read a word at a time (see :mod:`.lexicon_file`)."""
    from .lexicon_file import write_lexicon_file  # noqa: PLC0415

    write_lexicon_file(path, lexicon)


def write_generation(
    index_dir: Path,
    projects: list[Project],
    sources: list[SourceInfo],
    lexicon: "Lexicon",
    write_whoosh: Callable[[Path, list[Project], "Lexicon"], None],
    extra: dict | None = None,
    glossary: str | None = None,
) -> tuple[Path, Manifest]:
    """Write a complete new generation and make it live. The caller holds the build lock."""
    generation = begin_generation(index_dir)
    try:
        write_lexicon(generation / LEXICON, lexicon)
        if glossary is not None:   # the glossary as JSON, as the build saw it
            glossary_path(generation).write_text(glossary, encoding="utf-8")
        (generation / WHOOSH_DIR).mkdir()
        write_whoosh(generation / WHOOSH_DIR, projects, lexicon)
        # The records (with each text's compounds split) last: the splitter's memory grows
        # with every word it splits, and grows here once the other writing process has ended
        # rather than while it runs beside this one. The writers split with their own.
        write_records(generation / RECORDS, projects, lexicon)
        write_documents(generation, projects)
        manifest = publish_generation(index_dir, generation, sources,
                                      {p.id: p.content_hash() for p in projects}, extra)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    return generation, manifest


def copy_generation(source: Path, target: Path) -> None:
    """Copy a generation's files into ``target`` for an update: Whoosh's segment files never
    change once written, so they are hard-linked; everything else is copied. The manifest,
    the seal and a lexicon of format 1 or 2 are left out (the update writes its own)."""
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        destination = target / relative
        if path.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        if len(relative.parts) == 1 and (path.name in (MANIFEST, SEAL, LEXICON_JSON, LEXICON_MARSHAL)
                                         or path.name.startswith(SEAL + ".tmp-")):
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


# The facts that totals, facets and sorting read, kept beside each record as columns: reading
# them for thousands of matches then parses no JSON. (Older records files lack them.)
_FACT_COLUMNS = "objective TEXT, implementer TEXT, start TEXT, end_date TEXT, cents INTEGER"
_FACT_INDEX = "id, objective, implementer, start, end_date, cents"
# The compounds of the title and description (see compound_splits), as JSON: NULL in records
# of before format 3, whose hits' texts are split when shown.
_SPLITS_COLUMN = "splits TEXT"
_INSERT = ("INSERT INTO projects (id, hash, record, objective, implementer, start, end_date, cents, splits) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _row(p: Project, lexicon: "Lexicon | None") -> tuple:
    from ..text.analysis import compound_splits  # noqa: PLC0415

    splits = None if lexicon is None else json.dumps(compound_splits((p.title, p.description), lexicon),
                                                     ensure_ascii=False, separators=(",", ":"))
    return (p.id, p.content_hash(), json.dumps(p.to_record(), ensure_ascii=False), p.objective.code, p.implementer,
            p.start.isoformat(), p.end.isoformat(), int(p.eu_support.scaleb(2)), splits)


def write_records(path: Path, projects: Iterable[Project], lexicon: "Lexicon | None" = None) -> None:
    """Store the projects as JSON rows in SQLite, in source order, each with the compounds
    of its texts as ``lexicon`` splits them (without one, a hit's texts are split when shown)."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE projects (seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
                           f"hash TEXT NOT NULL, record TEXT NOT NULL, {_FACT_COLUMNS}, {_SPLITS_COLUMN})")
        # A covering index: the facts are read from it without touching the (long) records.
        connection.execute(f"CREATE INDEX facts ON projects ({_FACT_INDEX})")
        connection.executemany(_INSERT, (_row(p, lexicon) for p in projects))
        connection.commit()
    finally:
        connection.close()


def update_records(path: Path, removed: Iterable[str], changed: Iterable[Project], added: Iterable[Project],
                   lexicon: "Lexicon | None" = None) -> None:
    """Apply an update to a copied records file: removed rows go, changed rows keep their place.
    The rows written are split with ``lexicon``; the others keep the splits they were
    indexed with (as their documents in the index do)."""
    connection = sqlite3.connect(path)
    try:
        connection.executemany("DELETE FROM projects WHERE id = ?", ((pid,) for pid in removed))
        facts = _has_fact_columns(connection)
        if facts:
            if not _has_column(connection, "splits"):
                connection.execute(f"ALTER TABLE projects ADD COLUMN {_SPLITS_COLUMN}")
            connection.executemany(
                "UPDATE projects SET hash = ?, record = ?, objective = ?, implementer = ?, start = ?, end_date = ?, "
                "cents = ?, splits = ? WHERE id = ?", (_row(p, lexicon)[1:] + (p.id,) for p in changed))
            connection.executemany(_INSERT, (_row(p, lexicon) for p in added))
        else:
            connection.executemany(
                "UPDATE projects SET hash = ?, record = ? WHERE id = ?",
                ((p.content_hash(), json.dumps(p.to_record(), ensure_ascii=False), p.id) for p in changed))
            connection.executemany(
                "INSERT INTO projects (id, hash, record) VALUES (?, ?, ?)",
                ((p.id, p.content_hash(), json.dumps(p.to_record(), ensure_ascii=False)) for p in added))
        connection.commit()
    finally:
        connection.close()


def write_documents(generation: Path, projects: Iterable[Project]) -> None:
    """Keep, beside the records, the facts of every project by the document number its
    Whoosh index gives it (see :meth:`~amif_search.summary.FactsTable.columns`): a search
    reads them as arrays instead of every match's facts and ID. Written once the Whoosh index
    is complete, since an update may merge its segments and so renumber its documents."""
    from ..summary import Facts, FactsTable  # noqa: PLC0415
    from .writer import document_ids  # noqa: PLC0415

    numbered = document_ids(whoosh_folder(generation))
    facts = {p.id: Facts.of(p) for p in projects}
    table = FactsTable(facts[pid] for pid in numbered if pid is not None)
    table.number_documents({d: pid for d, pid in enumerate(numbered) if pid is not None}, len(numbered))
    connection = sqlite3.connect(generation / RECORDS)
    try:
        connection.execute("DROP TABLE IF EXISTS documents")
        connection.execute("CREATE TABLE documents (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
        connection.executemany("INSERT INTO documents (name, value) VALUES (?, ?)", table.columns().items())
        connection.commit()
    finally:
        connection.close()


def _has_column(connection: sqlite3.Connection, name: str) -> bool:
    return any(row[1] == name for row in connection.execute("PRAGMA table_info(projects)"))


def _has_fact_columns(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'facts'").fetchone() \
        is not None


class RecordStore:
    """Read access to a generation's projects."""

    def __init__(self, path: Path) -> None:
        try:
            self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            self._fact_columns: bool | None = None
            self._splits: bool | None = None
            self._path = path
            # Proves the table is there without reading it all, as count(*) would.
            self._connection.execute("SELECT seq FROM projects LIMIT 1").fetchone()
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

    def facts(self, ids: list[str]) -> dict[str, "Facts"]:
        """What totals, facets and sorting need of these projects, without reading them in
        full: SQLite picks the few values out of each record."""
        from ..summary import Facts  # noqa: PLC0415

        if self._fact_columns is None:
            self._fact_columns = _has_fact_columns(self._connection)
        if self._fact_columns:
            columns = "objective, implementer, start, end_date, cents"
        else:  # a records file of before the columns: the values are picked out of the JSON
            columns = ("json_extract(record, '$.objective.code'), json_extract(record, '$.implementer'), "
                       "json_extract(record, '$.start'), json_extract(record, '$.end'), "
                       "CAST(round(json_extract(record, '$.eu_support') * 100) AS INTEGER)")
        found: dict[str, Facts] = {}
        dates: dict[str, date] = {}  # few distinct dates: each parsed once

        def add(rows: Iterable[tuple], wanted: set[str] | None = None) -> None:
            for pid, objective, implementer, begins, ends, cents in rows:
                if wanted is not None and pid not in wanted:
                    continue
                first = dates.get(begins) or dates.setdefault(begins, date.fromisoformat(begins))
                last = dates.get(ends) or dates.setdefault(ends, date.fromisoformat(ends))
                found[pid] = Facts(pid, objective, implementer, first, last, cents)

        if self._fact_columns and len(ids) > 1000:
            # Many: reading the whole covering index is cheaper than looking each one up.
            add(self._connection.execute(f"SELECT id, {columns} FROM projects INDEXED BY facts"), set(ids))
            return found
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            add(self._connection.execute(f"SELECT id, {columns} FROM projects WHERE id IN ({marks})", chunk))
        return found

    def splits(self, ids: list[str]) -> dict[str, dict[str, list[list[int]]]]:
        """The compounds of these projects' texts as they were split when indexed, for those
        whose records keep them (records of format 3)."""
        found: dict[str, dict[str, list[list[int]]]] = {}
        try:
            if self._splits is None:
                self._splits = _has_column(self._connection, "splits")
            if not self._splits:
                return found
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for pid, text in self._connection.execute(
                        f"SELECT id, splits FROM projects WHERE id IN ({marks}) AND splits IS NOT NULL", chunk):
                    value = json.loads(text)
                    if not isinstance(value, dict):
                        raise ValueError(pid)
                    found[pid] = value
        except (sqlite3.Error, ValueError, TypeError) as exc:
            raise IndexStateError(_("{path}: projektposterna kan inte läsas ({reason}); bygg om indexet").format(
                path=self._path, reason=exc)) from None
        return found

    def documents(self) -> "FactsTable | None":
        """The facts of every project by document number, as the build kept them (None for a
        records file of before them, or whose documents an update did not renumber)."""
        from ..summary import FactsTable  # noqa: PLC0415

        try:
            if self._connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'documents'"
                                        ).fetchone() is None:
                return None
            return FactsTable.from_columns(dict(self._connection.execute("SELECT name, value FROM documents")))
        except (sqlite3.Error, ValueError) as exc:
            raise IndexStateError(_("{path}: projektposterna kan inte läsas ({reason}); bygg om indexet").format(
                path=self._path, reason=exc)) from None

    def all(self) -> list[Project]:
        return [Project.from_record(json.loads(r)) for (r,) in
                self._connection.execute("SELECT record FROM projects ORDER BY seq")]

    def count(self) -> int:
        return self._connection.execute("SELECT count(*) FROM projects").fetchone()[0]

    def close(self) -> None:
        self._connection.close()


def load_lexicon(path: Path) -> "Lexicon":
    """The lexicon of a checked generation: read a word at a time from SQLite, or loaded
    whole from a generation of format 2 (marshal) or 1 (JSON)."""
    from ..text.analysis import Lexicon  # noqa: PLC0415

    if path.name != LEXICON_MARSHAL:
        if not path.exists() and path.name == LEXICON:
            if path.with_name(LEXICON_MARSHAL).exists():
                return load_lexicon(path.with_name(LEXICON_MARSHAL))
            if path.with_name(LEXICON_JSON).exists():
                return _load_json_lexicon(path.with_name(LEXICON_JSON))
        from .lexicon_file import StoredLexicon  # noqa: PLC0415

        return StoredLexicon(path)
    try:
        import marshal  # noqa: PLC0415

        data = marshal.loads(read_regular(path))
        if not isinstance(data, dict) or data.get("format") != LEXICON_FORMAT:
            raise ValueError(path)
        counts, stems, roots = data["counts"], data["stems"], data["roots"]
        if not (isinstance(counts, dict) and isinstance(stems, list) and isinstance(roots, list)):
            raise ValueError(path)
        return Lexicon(counts, stems=stems, roots=roots)
    except (OSError, ValueError, EOFError, KeyError, AttributeError, TypeError):
        raise IndexStateError(_("{path}: lexikonet kan inte läsas; bygg om indexet").format(path=path)) from None


def _load_json_lexicon(path: Path) -> "Lexicon":
    from ..text.analysis import Lexicon  # noqa: PLC0415

    data = json.loads(path.read_text(encoding="utf-8"))
    stems, roots = data.get("stems"), data.get("roots")
    return Lexicon({str(k): int(v) for k, v in data["counts"].items()},
                   stems=[str(x) for x in stems] if isinstance(stems, list) else None,
                   roots=[str(x) for x in roots] if isinstance(roots, list) and isinstance(stems, list) else None)


# -- The parts of a generation, for the layers above: they never join a path into one. ----

def live_name(index_dir: Path) -> str | None:
    """The name CURRENT gives the live generation, unchecked; None when it cannot be read.
    Cheap enough to ask at every request whether a build swapped generations."""
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def whoosh_folder(generation: Path) -> Path:
    """The generation's Whoosh index."""
    return generation / WHOOSH_DIR


def whoosh_identities(manifest: Manifest) -> dict[str, Identity]:
    """The identities of the Whoosh index's files, by name within :func:`whoosh_folder`."""
    return manifest.identities_under(WHOOSH_DIR)


def glossary_path(generation: Path) -> Path:
    """The glossary as it was when the generation was built (JSON)."""
    return generation / GLOSSARY


def open_lexicon(generation: Path) -> "Lexicon":
    """The lexicon of a checked generation."""
    return load_lexicon(generation / LEXICON)


def save_lexicon(generation: Path, lexicon: "Lexicon") -> None:
    """Write the lexicon of a generation being made."""
    write_lexicon(generation / LEXICON, lexicon)


def open_records(generation: Path) -> RecordStore:
    """The projects of a checked generation (close it after use)."""
    return RecordStore(generation / RECORDS)


def change_records(generation: Path, removed: Iterable[str], changed: Iterable[Project],
                   added: Iterable[Project], lexicon: "Lexicon") -> None:
    """Remove, replace and add projects in a generation being made."""
    update_records(generation / RECORDS, removed, changed, added, lexicon)
