"""Extracting the marked messages of the package's source code into a template (.pot).

The source is read with :mod:`ast`, never imported: ``_("...")``, ``N_("...")``,
``gettext("...")``, ``ngettext("...", "...", n)``, ``N_plural("...", "...")``,
``pgettext("ctx", "...")`` and ``npgettext("ctx", "...", "...", n)`` with string
literals are messages. A comment
starting with ``Translators:`` on the lines just above a call becomes an extracted
comment (``#.``), as with ``xgettext --add-comments=Translators:``.

A template whose messages did not change is not rewritten, so its POT-Creation-Date
only moves when the messages do.
"""

from __future__ import annotations

import ast
import string
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polib

from ..errors import CatalogError, Problem
from ..i18n.languages import SWEDISH
from .layout import bug_address
from .pofile import read_po_path, write_po_path

__all__ = ["extract_messages", "build_template", "extract", "ExtractResult", "SWEDISH"]

# keyword -> (index of msgctxt, of msgid, of msgid_plural) among the call's arguments
_KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "N_": (None, 0, None),
    "N_plural": (None, 0, 1),
    "gettext": (None, 0, None),
    "ngettext": (None, 0, 1),
    "pgettext": (0, 1, None),
    "npgettext": (0, 1, 2),
}
_SKIP_DIRS = {"__pycache__", "_resources"}
_TRANSLATORS = "translators:"


@dataclass
class Message:
    """One message found in the source, with every place it occurs."""

    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass
class ExtractResult:
    """What ``extract`` wrote: the template, whether it changed, and doubtful calls it skipped."""

    path: Path
    messages: int
    changed: bool
    warnings: list[Problem] = field(default_factory=list)


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute) and node.func.attr in ("gettext", "ngettext", "pgettext", "npgettext"):
        return node.func.attr
    return None


def _translator_comment(lines: list[str], lineno: int) -> str | None:
    # Walk up over the comment lines right above the call; keep them from "Translators:" on.
    block, number = [], lineno - 2
    while number >= 0 and lines[number].strip().startswith("#"):
        block.insert(0, lines[number].strip().lstrip("#").strip())
        number -= 1
    for start, text in enumerate(block):
        if text.lower().startswith(_TRANSLATORS):
            return " ".join(block[start:])
    return None


def _brace_fields(text: str) -> bool:
    try:
        return any(name is not None for _lit, name, _spec, _conv in string.Formatter().parse(text))
    except ValueError:
        return False


def extract_messages(source: str, filename: str) -> tuple[list[Message], list[Problem]]:
    """The messages marked in one Python source text, in order, and calls that look wrong."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise CatalogError(f"{filename}: cannot parse: {exc.msg}",
                           [Problem(filename, exc.lineno, f"cannot parse the source: {exc.msg}")]) from exc
    lines = source.splitlines()
    messages, warnings = [], []
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        name = _call_name(node)
        if name not in _KEYWORDS:
            continue
        ctxt_at, id_at, plural_at = _KEYWORDS[name]
        needed = max(i for i in (ctxt_at, id_at, plural_at) if i is not None)
        if len(node.args) <= needed:
            continue
        msgid = _literal(node.args[id_at])
        if msgid is None:
            if isinstance(node.args[id_at], ast.JoinedStr):
                warnings.append(Problem(filename, node.lineno, f"{name}() of an f-string cannot be translated; "
                                                               "use a literal with {placeholders} and .format()"))
            continue
        plural = _literal(node.args[plural_at]) if plural_at is not None else None
        ctxt = _literal(node.args[ctxt_at]) if ctxt_at is not None else None
        if (plural_at is not None and plural is None) or (ctxt_at is not None and ctxt is None):
            continue
        if not msgid:
            warnings.append(Problem(filename, node.lineno, f"{name}('') is reserved for the catalog header"))
            continue
        comment = _translator_comment(lines, node.lineno)
        # The reference is the line of the msgid, as xgettext gives it, also in a call
        # that spans lines.
        messages.append(Message(msgid, plural, ctxt, [(filename, str(node.args[id_at].lineno))],
                                [comment] if comment else []))
    return messages, warnings


def _source_files(package: Path) -> list[Path]:
    files = []
    for path in package.rglob("*.py"):
        if not _SKIP_DIRS.intersection(path.relative_to(package).parts):
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(package).as_posix())


def _header(version: str) -> dict[str, str]:
    # No Plural-Forms placeholder: 'msgfmt -c' rejects 'nplurals=INTEGER', and 'catalog
    # init' writes each language's own.
    return {
        "Project-Id-Version": f"amif-search {version}",
        "Report-Msgid-Bugs-To": bug_address(),
        "POT-Creation-Date": "",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": SWEDISH,
    }


TEMPLATE_COMMENT = (
    "Messages of the amif-search user interface. The msgids are Swedish, the source language.\n"
    "Generated by 'amif-search catalog extract' from the code: do not edit by hand.\n"
    "Translators work in <lang>/LC_MESSAGES/amif_search.po (see README.md)."
)


def build_template(package: Path, root: Path | None = None, version: str = "") -> tuple[polib.POFile, list[Problem]]:
    """A template of every message marked in the ``.py`` files under ``package``.

    References are relative to ``root`` (default: the folder holding ``package``).
    """
    root = root or package.parent
    merged: dict[tuple[str | None, str], Message] = {}
    warnings: list[Problem] = []
    for path in _source_files(package):
        name = path.relative_to(root).as_posix()
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"cannot read {name}: {exc}", [Problem(name, None, f"cannot read the source: {exc}")]) \
                from exc
        found, doubtful = extract_messages(source, name)
        warnings += doubtful
        for message in found:
            key = (message.msgctxt, message.msgid)
            if key not in merged:
                merged[key] = message
                continue
            known = merged[key]
            known.occurrences += message.occurrences
            known.comments += [c for c in message.comments if c not in known.comments]
            if message.msgid_plural and known.msgid_plural and message.msgid_plural != known.msgid_plural:
                line = int(message.occurrences[0][1])
                warnings.append(Problem(name, line, f"{message.msgid!r} has another plural here "
                                                    f"({message.msgid_plural!r}) than at "
                                                    f"{known.occurrences[0][0]}:{known.occurrences[0][1]}"))
            known.msgid_plural = known.msgid_plural or message.msgid_plural
    template = polib.POFile(encoding="utf-8")
    template.header = TEMPLATE_COMMENT
    template.metadata = _header(version)
    template.metadata_is_fuzzy = True
    for message in merged.values():
        texts = [message.msgid] + ([message.msgid_plural] if message.msgid_plural else [])
        entry = polib.POEntry(
            msgctxt=message.msgctxt,
            msgid=message.msgid,
            msgid_plural=message.msgid_plural or "",
            msgstr="",
            msgstr_plural={0: "", 1: ""} if message.msgid_plural else {},
            occurrences=message.occurrences,
            comment="\n".join(message.comments),
            flags=["python-brace-format"] if any(_brace_fields(t) for t in texts) else [],
        )
        template.append(entry)
    return template, warnings


def extract(package: Path, pot_path: Path, root: Path | None = None, version: str | None = None,
            now: datetime | None = None) -> ExtractResult:
    """Regenerate the template at ``pot_path``; it is left untouched when no message changed."""
    if version is None:
        from .. import __version__ as version  # noqa: PLC0415
    template, warnings = build_template(package, root, version)
    old = None
    if pot_path.is_file():
        try:
            old = read_po_path(pot_path, template=True)
        except CatalogError:
            old = None  # a broken template is simply regenerated
    if old is not None and old.metadata.get("POT-Creation-Date"):
        if _messages(old) == _messages(template):
            # The same messages: the date stays. The file is left alone, whatever tool last
            # saved it, unless a reference moved.
            if _references(old) == _references(template):
                return ExtractResult(pot_path, len(template), False, warnings)
            template.metadata["POT-Creation-Date"] = old.metadata["POT-Creation-Date"]
            return ExtractResult(pot_path, len(template), write_po_path(template, pot_path), warnings)
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    template.metadata["POT-Creation-Date"] = moment.strftime("%Y-%m-%d %H:%M+0000")
    changed = write_po_path(template, pot_path)
    return ExtractResult(pot_path, len(template), changed, warnings)


def _messages(catalog: polib.POFile) -> list:
    """What a translator translates: the messages with their comments and flags, and the header."""
    header = {k: v for k, v in catalog.metadata.items() if k != "POT-Creation-Date"}
    return [header] + [(e.msgctxt, e.msgid, e.msgid_plural or None, e.comment or "", sorted(e.flags))
                       for e in catalog if not e.obsolete]


def _references(catalog: polib.POFile) -> list:
    return [[(path, str(line)) for path, line in e.occurrences] for e in catalog if not e.obsolete]
