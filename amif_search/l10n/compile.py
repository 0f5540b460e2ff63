"""Compiling catalogs into the binary .mo files that :mod:`gettext` reads.

Fuzzy and untranslated entries are left out, as ``msgfmt`` leaves them out: a guess
that no translator confirmed is worse than the Swedish original.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from ..i18n import _
from .pofile import read_po, read_po_path, write_if_changed

__all__ = ["compile_catalog", "compile_po_bytes", "compile_path", "CompileResult"]


@dataclass
class CompileResult:
    """A compiled catalog: where it went, how many messages it holds, whether the file changed."""

    path: Path
    messages: int
    changed: bool


def compile_catalog(catalog: polib.POFile) -> bytes:
    """The .mo bytes of ``catalog``: translated entries only, with the header."""
    return catalog.to_binary()  # polib keeps only translated, non-fuzzy, non-obsolete entries


def compile_po_bytes(data: bytes, name: str) -> bytes:
    """Check and compile the text of a .po file; CatalogError if it is malformed."""
    return compile_catalog(read_po(data, name, template=False))


def compile_path(po_path: Path, mo_path: Path | None = None) -> CompileResult:
    """Compile the catalog at ``po_path`` next to it (or to ``mo_path``), unless it is up to date."""
    from ..errors import CatalogError  # noqa: PLC0415
    from .safety import unusable_entries  # noqa: PLC0415

    mo_path = mo_path or po_path.with_suffix(".mo")
    catalog = read_po_path(po_path, template=False)
    unusable = unusable_entries(catalog, str(po_path))
    if unusable:
        raise CatalogError(str(unusable[0]), unusable)
    data = compile_catalog(catalog)
    count = len(catalog.translated_entries())
    written = write_if_changed(mo_path, data, _("kan inte skriva den kompilerade katalogen: {reason}"))
    return CompileResult(mo_path, count, written)
