"""Reading and writing .po and .pot files: polib, guarded.

:func:`read_po` lets only text that :mod:`.syntax` found clean reach polib, and raises
one :class:`CatalogError` listing every problem with its line otherwise. Readers take
text, bytes or file objects; :func:`read_po_path` is the one that touches paths.

:func:`format_po` writes a catalog the same way every time, and as ``msgcat`` and
``msgmerge`` write it: header fields in their order, strings wrapped at 79 columns where
GNU gettext breaks them (:mod:`.wrapping`), comments never wrapped, obsolete entries last. Reading and writing an unchanged
catalog gives the same bytes.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import IO

import polib

from ..errors import CatalogError, Problem
from ..files import write_atomically
from ..i18n import _, ngettext
from .syntax import ScannedEntry, decode_po, scan_po
from .wrapping import string_lines

__all__ = ["read_po", "read_po_path", "format_po", "write_po_path", "WRAP_WIDTH", "header_line"]

WRAP_WIDTH = 79
def _text_of(source: str | bytes | IO, name: str) -> tuple[str, list[Problem]]:
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        return decode_po(source, name)
    if source.startswith("\ufeff"):
        source = source[1:]
    return source, []


def read_po(source: str | bytes | IO, name: str, template: bool | None = None) -> polib.POFile:
    """Read a .po or .pot from text, bytes or a file object; CatalogError lists every problem.

    ``name`` is the file name the problems report. ``template`` (a .pot: no language, no
    plural forms yet) is guessed from ``name`` when not given.
    """
    if template is None:
        template = name.endswith(".pot")
    text, problems = _text_of(source, name)
    entries, found = scan_po(text, name, template)
    problems = sorted(problems + found, key=lambda p: p.line or 0)
    if problems:
        raise CatalogError(ngettext("{name}: {count} problem i katalogen", "{name}: {count} problem i katalogen",
                                    len(problems)).format(name=name, count=len(problems)), problems)
    return _parse_with_polib(text, name, entries)


def _parse_with_polib(text: str, name: str, scanned: list[ScannedEntry]) -> polib.POFile:
    if not text.endswith("\n"):
        text += "\n"
    try:
        catalog = polib.pofile(text, encoding="utf-8", wrapwidth=WRAP_WIDTH)
    except (OSError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        message = _("polib kan inte läsa katalogen: {reason}").format(reason=exc)
        # polib names the line after the last when the text ends inside an entry.
        number = min(int(line[1]), max(text.count("\n"), 1)) if line else None
        raise CatalogError(f"{name}: {message}", [Problem(name, number, message)]) from exc
    ours = [e for e in scanned if not (e.msgid == "" and e.msgctxt is None and not e.obsolete)]
    theirs = list(catalog)
    # polib lists active entries first, then the obsolete ones, in file order.
    ours = [e for e in ours if not e.obsolete] + [e for e in ours if e.obsolete]
    theirs = [e for e in theirs if not e.obsolete] + [e for e in theirs if e.obsolete]
    if [(e.msgctxt, e.msgid) for e in ours] != [(e.msgctxt, e.msgid) for e in theirs]:
        message = _("polib läste posterna på ett annat sätt än syntaxkontrollen")
        raise CatalogError(f"{name}: {message}", [Problem(name, None, message)])
    for seen, entry in zip(ours, theirs):
        entry.linenum = seen.msgid_line
    header = scanned[0] if scanned and scanned[0].msgid == "" and scanned[0].msgctxt is None else None
    catalog.header_linenum = header.msgid_line if header else 1
    catalog.wrapwidth = WRAP_WIDTH
    return catalog


def read_po_path(path: Path | str, template: bool | None = None) -> polib.POFile:
    """Read the catalog at ``path``; CatalogError if it cannot be read or is malformed."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        message = _("kan inte läsa katalogen: {reason}").format(reason=exc.strerror or exc)
        raise CatalogError(f"{path}: {message}", [Problem(str(path), None, message)]) from exc
    catalog = read_po(data, str(path), template=template)
    catalog.fpath = str(path)
    return catalog


def _field_lines(prefix: str, keyword: str, value: str, width: int) -> list[str]:
    return string_lines(prefix, keyword, value, width)


def _comment_lines(prefix: str, text: str) -> list[str]:
    # Comments are never wrapped: a glossary's '#. definition: ...' line is one line.
    return [f"{prefix} {line}" if line else prefix for line in text.split("\n")]


def _entry_lines(entry: polib.POEntry, width: int) -> list[str]:
    lines = []
    if entry.tcomment:
        lines += _comment_lines("#", entry.tcomment)
    if entry.comment and not entry.obsolete:
        lines += _comment_lines("#.", entry.comment)
    if entry.occurrences and not entry.obsolete:
        refs = " ".join(f"{path}:{line}" if line else path for path, line in entry.occurrences)
        if len(refs) + 3 > width:
            # Hyphens in file names are not break points; hide them from textwrap.
            lines += [line.replace("\0", "-") for line in textwrap.wrap(
                refs.replace("-", "\0"), width, initial_indent="#: ", subsequent_indent="#: ",
                break_long_words=False, break_on_hyphens=False)]
        else:
            lines.append("#: " + refs)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    previous = "#~| " if entry.obsolete else "#| "
    for keyword, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                           ("msgid_plural", entry.previous_msgid_plural)):
        if value is not None:
            lines += _field_lines(previous, keyword, value, width)
    prefix = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        lines += _field_lines(prefix, "msgctxt", entry.msgctxt, width)
    lines += _field_lines(prefix, "msgid", entry.msgid, width)
    if entry.msgid_plural:
        lines += _field_lines(prefix, "msgid_plural", entry.msgid_plural, width)
    if entry.msgstr_plural:
        for index in sorted(entry.msgstr_plural, key=int):
            lines += _field_lines(prefix, f"msgstr[{index}]", entry.msgstr_plural[index], width)
    else:
        lines += _field_lines(prefix, "msgstr", entry.msgstr, width)
    return lines


def _header_comment_lines(header: str) -> list[str]:
    lines = []
    for line in header.split("\n"):
        if not line:
            lines.append("#")
        elif line[:1] in (",", ":", ".", "|", "~"):
            lines.append("#" + line)
        else:
            lines.append("# " + line)
    return lines


def format_po(catalog: polib.POFile) -> str:
    """The text of ``catalog``, the same for the same content.

    Header fields keep their order; strings wrap at 79 columns as msgcat wraps them;
    comments are never wrapped; obsolete entries come last.
    """
    blocks = []
    header = _header_comment_lines(catalog.header) if catalog.header else []
    if catalog.metadata_is_fuzzy:
        header.append("#, fuzzy")
    fields = "".join(f"{key}: {value}\n" for key, value in catalog.metadata.items())
    header += _field_lines("", "msgid", "", WRAP_WIDTH) + _field_lines("", "msgstr", fields, WRAP_WIDTH)
    blocks.append(header)
    blocks += [_entry_lines(e, WRAP_WIDTH) for e in catalog if not e.obsolete]
    blocks += [_entry_lines(e, WRAP_WIDTH) for e in catalog if e.obsolete]
    return "\n".join("\n".join(block) + "\n" for block in blocks)


def write_po_path(catalog: polib.POFile, path: Path | str) -> bool:
    """Write ``catalog`` to ``path`` unless the file already holds that text; True if written."""
    path = Path(path)
    return write_if_changed(path, format_po(catalog).encode("utf-8"),
                            _("kan inte skriva katalogen: {reason}"))


def write_if_changed(path: Path, data: bytes, message: str) -> bool:
    """Write ``data`` to ``path`` through a temporary file, unless it holds them already;
    True when written. ``message`` is the error, with a ``{reason}`` placeholder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_atomically(path, data, only_if_changed=True, durable=False)
    except OSError as exc:
        text = message.format(reason=exc.strerror or exc)
        raise CatalogError(f"{path}: {text}", [Problem(str(path), None, text)]) from exc


def header_line(catalog: polib.POFile) -> int:
    """The line of the header's msgid in a catalog read by :func:`read_po` (1 when unknown)."""
    return getattr(catalog, "header_linenum", 1)
