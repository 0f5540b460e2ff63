"""A Whoosh storage that serves only the files that were checked against the signed manifest.

Whoosh reads its table of contents by listing the folder and unpickling the newest
``_MAIN_*.toc``, and it does so again in each thread's first search, long after the index
was checked. A file planted after the check (or a FIFO named like a TOC) must never be read:
this storage lists only the checked files, and opens a file only when it is still the very
file that was checked (a regular file with the same device, inode and size, not reached
through a symlink). Anything else is refused with :class:`IndexStateError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from ..errors import IndexStateError
from ..i18n import _
from .store import Identity, identity_of, open_regular

__all__ = ["VerifiedStorage"]

class VerifiedStorage(FileStorage):
    """A read-only :class:`FileStorage` of exactly ``files`` (name → identity when checked)."""

    supports_mmap = False

    def __init__(self, folder: Path, files: Mapping[str, Identity]) -> None:
        super().__init__(str(folder), supports_mmap=False, readonly=True)
        self._files = dict(files)

    def _refuse(self, name: str) -> IndexStateError:
        return IndexStateError(_("{path}: inte en av indexets kontrollerade filer; den öppnas inte. Bygg om "
                                 "indexet").format(path=os.path.join(self.folder, name)))

    def list(self) -> list[str]:
        return sorted(self._files)

    def file_exists(self, name: str) -> bool:
        return name in self._files

    def file_length(self, name: str) -> int:
        if name not in self._files:
            raise self._refuse(name)
        return self._files[name][2]

    def file_modified(self, name: str) -> float:
        if name not in self._files:
            raise self._refuse(name)
        return os.lstat(self._fpath(name)).st_mtime

    def open_file(self, name: str, **kwargs) -> StructFile:
        expected = self._files.get(name)
        if expected is None:
            raise self._refuse(name)
        try:
            fd = open_regular(self._fpath(name))
        except OSError:
            raise self._refuse(name) from None
        if identity_of(os.fstat(fd)) != expected:
            os.close(fd)
            raise self._refuse(name)
        return StructFile(os.fdopen(fd, "rb"), name=name, **kwargs)

    def lock(self, name: str):
        raise self._refuse(name)

    def temp_storage(self, name=None):
        raise self._refuse(name or "tmp")
