"""PO syntax as ``msgfmt`` reads it: a line-by-line scan that collects every problem.

polib raises a plain ``OSError`` at the first syntax error and reads some malformed
input silently wrong (an unterminated string loses its last letter and swallows the
next line). :func:`scan_po` reads the text first, reports each problem with its line,
and checks what needs the whole catalog: duplicate msgids, the header's charset,
Language and Plural-Forms, and the number of plural forms of each entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Problem
from ..i18n import _, ngettext
from .plurals import parse_plural_forms, plural_forms_problem

__all__ = ["scan_po", "ScannedEntry", "decode_po"]

_KEYWORD = re.compile(r"^(?P<keyword>msgctxt|msgid_plural|msgid|msgstr)(?:\[(?P<index>\d+)\])?"
                      r"(?:\s+|(?=\"))(?P<rest>.*)$")
# The escapes polib understands; msgfmt knows more (\a, octal, hex) but polib would keep
# them as two letters, so they are refused rather than misread.
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}


@dataclass
class ScannedEntry:
    """What the scanner saw of one entry: enough to check it and to find its lines."""

    line: int
    obsolete: bool
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_line: int = 0
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    msgstr_line: int = 0
    state: str = "comments"  # comments, msgctxt, msgid, msgid_plural, msgstr


class _Scanner:
    """A line-by-line reading of PO syntax that collects problems instead of stopping."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.entries: list[ScannedEntry] = []
        self.current: ScannedEntry | None = None
        self.field: str | None = None  # the keyword a continuation string belongs to

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def scan(self, lines: list[str]) -> None:
        for number, raw in enumerate(lines, start=1):
            self.scan_line(number, raw.rstrip("\r"))
        self.finish_entry()

    def scan_line(self, number: int, line: str) -> None:
        stripped = line.strip()
        if not stripped:
            return
        if stripped.startswith("#~"):
            body = stripped[2:].strip()
            if body.startswith("|"):
                self.scan_previous(number, body[1:].strip())
                return
            if body:
                self.scan_syntax(number, body, obsolete=True)
            return
        if stripped.startswith("#"):
            self.scan_comment(number, stripped)
            return
        self.scan_syntax(number, stripped, obsolete=False)

    def scan_comment(self, number: int, text: str) -> None:
        entry = self.current
        if entry is not None and entry.state in ("msgctxt", "msgid", "msgid_plural"):
            self.problem(number, _("en kommentar inuti en post (kommentarer står före msgctxt eller msgid)"))
            return
        if entry is None or entry.state != "comments":
            self.finish_entry()
            self.current = entry = ScannedEntry(line=number, obsolete=False)
        if text.startswith("#,"):
            entry.flags.update(flag.strip() for flag in text[2:].split(",") if flag.strip())
        elif text.startswith("#|"):
            self.scan_previous(number, text[2:].strip())

    def scan_previous(self, number: int, body: str) -> None:
        # '#| msgid "..."' lines: only the strings are checked; they do not make an entry.
        match = _KEYWORD.match(body)
        text = match["rest"] if match else body
        if not text.startswith('"'):
            self.problem(number, _("oväntad text på en rad med tidigare msgid (#|): {text}").format(text=repr(body[:40])))
            return
        self.parse_string(number, text)

    def scan_syntax(self, number: int, text: str, obsolete: bool) -> None:
        if text.startswith('"'):
            value = self.parse_string(number, text)
            entry = self.current
            if entry is None or self.field is None or entry.state == "comments":
                self.problem(number, _("en sträng som inte hör till någon msgid eller msgstr"))
                return
            self.append(entry, value)
            return
        match = _KEYWORD.match(text)
        if match is None:
            word = text.split()[0] if text.split() else text
            self.problem(number, _("syntaxfel: oväntat {word} (väntade msgctxt, msgid, msgstr, en sträng eller en "
                                   "kommentar)").format(word=repr(word[:40])))
            self.field = None
            return
        keyword, index = match["keyword"], match["index"]
        rest = match["rest"].strip()
        if not rest.startswith('"'):
            self.problem(number, _("syntaxfel: efter {keyword} ska en sträng inom dubbla citattecken följa").format(
                keyword=keyword))
            value = ""
        else:
            value = self.parse_string(number, rest)
        self.keyword(number, keyword, None if index is None else int(index), value, obsolete)

    def keyword(self, number: int, keyword: str, index: int | None, value: str, obsolete: bool) -> None:
        entry = self.current
        starts_entry = keyword == "msgctxt" or (keyword == "msgid" and (entry is None or entry.state != "msgctxt"))
        if starts_entry:
            if entry is not None and entry.state in ("msgctxt", "msgid", "msgid_plural"):
                self.finish_entry()
                entry = None
            if entry is not None and entry.state != "comments":
                self.finish_entry()
                entry = None
            if entry is None:
                entry = self.current = ScannedEntry(line=number, obsolete=obsolete)
            entry.obsolete = obsolete
        elif entry is None or entry.state == "comments":
            self.problem(number, _("{keyword} utan msgid före").format(keyword=keyword))
            self.field = None
            return
        if entry.obsolete != obsolete:
            self.problem(number, _("en post som delvis är föråldrad (#~) och delvis inte"))
        if keyword == "msgctxt":
            entry.msgctxt, entry.state = value, "msgctxt"
        elif keyword == "msgid":
            entry.msgid, entry.msgid_line, entry.state = value, number, "msgid"
        elif keyword == "msgid_plural":
            if entry.state != "msgid":
                self.problem(number, _("msgid_plural ska följa efter en msgid"))
            entry.msgid_plural, entry.state = value, "msgid_plural"
        elif index is None:
            if entry.state == "msgid_plural":
                self.problem(number, _("en post med msgid_plural behöver msgstr[0], msgstr[1], ..., inte msgstr"))
            elif entry.state == "msgstr":
                self.problem(number, _("msgstr utan msgid före (posten ovanför har redan sin msgstr)"))
            elif entry.state != "msgid":
                self.problem(number, _("msgstr ska följa efter en msgid"))
            entry.msgstr, entry.msgstr_line, entry.state = [value], number, "msgstr"
        else:
            if entry.msgid_plural is None:
                self.problem(number, _("msgstr[{index}] i en post utan msgid_plural").format(index=index))
            elif index != len(entry.msgstr) or entry.state not in ("msgid_plural", "msgstr"):
                self.problem(number, _("msgstr[{index}] i fel ordning (väntade msgstr[{expected}])").format(
                    index=index, expected=len(entry.msgstr)))
            if not entry.msgstr:
                entry.msgstr_line = number
            entry.msgstr.append(value)
            entry.state = "msgstr"
        self.field = keyword

    def append(self, entry: ScannedEntry, value: str) -> None:
        if entry.state == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif entry.state == "msgid":
            entry.msgid = (entry.msgid or "") + value
        elif entry.state == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif entry.state == "msgstr" and entry.msgstr:
            entry.msgstr[-1] += value

    def parse_string(self, number: int, text: str) -> str:
        """The value of a quoted PO string; a problem for each flaw in it."""
        out, i = [], 1
        while i < len(text):
            char = text[i]
            if char == "\\":
                if i + 1 >= len(text):
                    break
                escaped = text[i + 1]
                if escaped in _ESCAPES:
                    out.append(_ESCAPES[escaped])
                else:
                    self.problem(number, _("escapesekvensen '\\{sequence}' stöds inte i en sträng").format(
                        sequence=_printable(escaped)))
                i += 2
                continue
            if char == '"':
                tail = text[i + 1:].strip()
                if tail:
                    self.problem(number, _("syntaxfel: oväntad text efter det avslutande citattecknet: {text}").format(
                        text=repr(tail[:40])))
                return "".join(out)
            out.append(char)
            i += 1
        self.problem(number, _("oavslutad sträng (inget avslutande citattecken på raden)"))
        return "".join(out)

    def finish_entry(self) -> None:
        entry, self.current, self.field = self.current, None, None
        if entry is None or entry.state == "comments":
            return
        if entry.msgid is None:
            self.problem(entry.line, _("msgctxt utan msgid"))
            return
        if entry.state != "msgstr":
            self.problem(entry.msgid_line or entry.line, _("en post utan msgstr"))
            return
        self.entries.append(entry)


def decode_po(data: bytes, name: str) -> tuple[str, list[Problem]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    problems, lines = [], []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad = raw[exc.start:exc.start + 1].hex().upper()
            problems.append(Problem(name, number, _("ogiltig UTF-8 (byte 0x{byte} i kolumn {column}); katalogerna ska "
                                                    "sparas som UTF-8").format(byte=bad, column=exc.start + 1)))
            lines.append(raw.decode("utf-8", errors="replace"))
    return "\n".join(lines), problems


def _header_fields(entry: ScannedEntry) -> dict[str, str]:
    fields = {}
    for line in entry.msgstr[0].split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip()] = value.strip()
    return fields


def _header_line(lines: list[str], header: ScannedEntry, key: str) -> int:
    prefix = f'"{key}:'
    for number in range(header.msgstr_line, min(len(lines), header.msgstr_line + 40) + 1):
        if lines[number - 1].strip().startswith(prefix):
            return number
    return header.msgstr_line


def _printable(text: str) -> str:
    """``text`` with every unprintable character written as \\xNN."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _po_quote(text: str) -> str:
    """``text`` as a PO string literal, so a message quoting it stays one printable line."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in escaped) + '"'


def _check_entries(scanner: _Scanner, lines: list[str], template: bool) -> None:
    entries = scanner.entries
    header = entries[0] if entries and entries[0].msgid == "" and entries[0].msgctxt is None \
        and not entries[0].obsolete else None
    if header is None:
        scanner.problem(entries[0].line if entries else 1,
                        _("katalogen har ingen huvudpost (msgid \"\" med Content-Type och Plural-Forms)"))
    seen: dict[tuple[str | None, str], int] = {}
    for entry in entries:
        if entry.obsolete:
            continue
        if entry is not header and entry.msgid == "" and entry.msgctxt is None:
            scanner.problem(entry.msgid_line, _("en tom msgid (den tomma msgid är reserverad för huvudet)"))
            continue
        key = (entry.msgctxt, entry.msgid or "")
        if key in seen:
            if entry.msgctxt is not None:
                message = _("msgid {msgid} (msgctxt {msgctxt}) förekommer två gånger; först på rad {first}")
            else:
                message = _("msgid {msgid} förekommer två gånger; först på rad {first}")
            scanner.problem(entry.msgid_line, message.format(msgid=_po_quote(entry.msgid), first=seen[key],
                                                             msgctxt=_po_quote(entry.msgctxt or "")))
        else:
            seen[key] = entry.msgid_line
    if header is None:
        return
    fields = _header_fields(header)
    content_type = fields.get("Content-Type", "")
    charset = re.search(r"charset\s*=\s*([^\s;]+)", content_type)
    if charset is None:
        if not template:
            scanner.problem(header.msgstr_line, _("huvudet har ingen 'Content-Type: text/plain; charset=UTF-8'"))
    elif charset[1].upper() not in ({"UTF-8", "CHARSET"} if template else {"UTF-8"}):  # CHARSET: xgettext's blank
        scanner.problem(_header_line(lines, header, "Content-Type"),
                        _("huvudet anger teckenkodningen {charset}; katalogerna ska vara UTF-8").format(
                            charset=_printable(charset[1])))
    if template:
        return
    language = fields.get("Language") or None
    if language is None:
        scanner.problem(header.msgstr_line, _("huvudet har ingen Language"))
    plural_value = fields.get("Plural-Forms")
    reason = plural_forms_problem(plural_value, language)
    if reason:
        line = _header_line(lines, header, "Plural-Forms") if plural_value is not None else header.msgstr_line
        scanner.problem(line, reason)
        return
    nplurals = parse_plural_forms(plural_value)[0]
    for entry in entries:
        if entry.msgid_plural is not None and not entry.obsolete and len(entry.msgstr) != nplurals:
            scanner.problem(entry.msgstr_line, ngettext("{count} pluralform, men huvudet Plural-Forms säger "
                                                        "nplurals={nplurals}",
                                                        "{count} pluralformer, men huvudet Plural-Forms säger "
                                                        "nplurals={nplurals}", len(entry.msgstr))
                            .format(count=len(entry.msgstr), nplurals=nplurals))


def scan_po(text: str, name: str, template: bool) -> tuple[list[ScannedEntry], list[Problem]]:
    """The entries of a PO text, in file order with the header first, and every problem found."""
    lines = text.split("\n")
    scanner = _Scanner(name)
    scanner.scan(lines)
    if not scanner.problems:
        _check_entries(scanner, lines, template)
    return scanner.entries, scanner.problems
