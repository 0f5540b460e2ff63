"""Writing a file so that readers see the old content or the new, never a part."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes | str, *, only_if_changed: bool = False,
                     durable: bool = True) -> bool:
    """Write ``data`` (text as UTF-8) to a temporary file beside ``path``, then rename it over
    ``path``; True when written. With ``only_if_changed`` a file that holds ``data`` already
    is left alone (False). ``durable`` syncs the data to disk before the rename, so that a
    crash cannot leave the new name on an empty file; the directory is the caller's to sync.
    OSError propagates, and the temporary file is gone.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if only_if_changed and path.is_file() and path.read_bytes() == data:
        return False
    # The process id and a random part: several processes and threads may write one file.
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    return True
