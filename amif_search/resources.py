"""Where the packaged source documents and catalogs are, installed or in a checkout."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

__all__ = ["checkout_root", "data_dir", "locales_dir", "default_sources", "find_checkout"]

_PACKAGE = Path(__file__).resolve().parent


def _is_checkout(root: Path) -> bool:
    try:
        return (root / "data").is_dir() and 'name = "amif-search"' in (root / "pyproject.toml").read_text(
            encoding="utf-8")
    except OSError:
        return False


@lru_cache(maxsize=1)
def checkout_root() -> Path | None:
    """The project checkout this package runs from, or None when it is installed."""
    root = _PACKAGE.parent
    return root if _is_checkout(root) else None


def find_checkout(start: Path | None = None) -> Path | None:
    """The amif-search checkout that holds ``start`` (default: the current folder), else the one
    this package runs from, else None. The tools that write catalogs work there, never in the
    copy of an installed package."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_checkout(folder) and (folder / "locales").is_dir():
            return folder
    root = checkout_root()
    if root is not None and (root / "locales").is_dir():
        return root
    return None


def _resource(name: str) -> Path:
    installed = _PACKAGE / "_resources" / name
    if installed.is_dir():
        return installed
    root = checkout_root()
    if root is not None:
        return root / name
    return installed


def data_dir() -> Path:
    """The folder of the packaged source documents."""
    return _resource("data")


def locales_dir() -> Path:
    """The folder of the gettext catalogs: ``AMIF_SEARCH_LOCALES`` when set (a translator's
    working copy), else the packaged ones."""
    chosen = os.environ.get("AMIF_SEARCH_LOCALES")
    return Path(chosen) if chosen else _resource("locales")


def default_sources() -> list[Path]:
    """The packaged source documents, in name order."""
    return sorted(p for p in data_dir().glob("*.txt") if p.is_file())
