"""Reading the Ministry of the Interior's AMIF project pages into :class:`Project` records.

The page format, as published in Swedish::

    <title of the specific objective>
    <introduction>
    Nationellt mål 6.1: <title of the national objective>
    <introduction>
    <project title>
     • Projektbeskrivning: <description>
     • Projektgenomförare: <implementer>, Verksamhetsperiod: 1.1.2022 - 31.12.2022, EU-stöd: 2 679 894,24 euro

The real pages are typed by hand. Labels are misspelt (Projektbeskrivining), the period is
sometimes introduced by a wrong label (Projekgenomförare:, Verksamhetsförare:), the
implementer may end with a full stop or with nothing at all, and amounts have stray spaces
("2 346 028, 39 euro"). The parser reads what the page means and records every such
repair as a note on the project; what it cannot read is reported as a problem with file and
line, and every problem of a file is reported, not just the first.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

from .errors import Problem, SourceError
from .i18n import _
from .model import Objective, Project
from .text.distance import edit_distance
from .text.folding import fold

__all__ = ["parse_document", "read_source", "read_sources", "slugify", "MAX_SOURCE_BYTES"]

# A source larger than this is refused before it is read. The real page is 16 kB; a page of
# 10 000 projects about 17 MB. Parsing costs some 10 bytes of memory per byte of page, so a
# larger corpus is split into several pages (sources may be a folder of them).
MAX_SOURCE_BYTES = 32 * 1024 * 1024

LABEL_DESCRIPTION = "Projektbeskrivning"
LABEL_IMPLEMENTER = "Projektgenomförare"
LABEL_PERIOD = "Verksamhetsperiod"
LABEL_SUPPORT = "EU-stöd"

_BULLET = re.compile(r"^\s*[•·▪◦*\-–]\s+")
_OBJECTIVE = re.compile(r"^\s*Nationellt\s+m[åa]l\s+(\d+(?:\.\d+)+)\s*[:.–-]\s*(.+?)\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([^\W\d_][\w-]*)\s*:\s*", re.UNICODE)
_DATE = r"(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4})"
_PERIOD = re.compile(_DATE + r"\s*[-–—]\s*" + _DATE)
# The label must start a word: without the look-behind, a search tries every letter of a
# long word as a start and backtracks over the rest of it each time (quadratic time).
_LABEL_BEFORE = re.compile(r"[,.;]?\s*(?<![\w-])([^\W\d_][\w-]*)\s*:\s*$", re.UNICODE)
_SUPPORT = re.compile(r"\bEU\s*-?\s*st[öo]d\w*\s*:\s*(.*?)\s*(?:euro|eur|€)?\s*[.,;]?\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SHORT_PAREN = re.compile(r"^(?P<title>.+?)\s*\((?:projektet\s+)?(?P<short>[^()]{1,40})\)\s*$", re.IGNORECASE)
_SHORT_DASH = re.compile(r"^(?P<short>[^–—:]{1,40}?)\s+[–—-]\s+(?P<rest>.+)$")


def read_source(path: str | Path) -> list[Project]:
    """Read one source file from disk and parse it."""
    raw, _stat = read_source_bytes(path)
    return parse_document(decode_source(raw, str(path)), str(path))


def read_source_bytes(path: str | Path) -> tuple[bytes, os.stat_result]:
    """The bytes of a source and the stat of the file they were read from; the only function
    here that touches paths. Reads at most the limit and one byte more (a device such as
    /dev/zero never ends), and refuses what is not a regular file (a FIFO would block)."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SourceError(_("{path}: filen finns inte").format(path=name)) from None
    except OSError as exc:
        raise SourceError(_("{path}: kan inte läsas ({reason})").format(path=name, reason=exc.strerror)) from None
    with os.fdopen(fd, "rb") as handle:
        result = os.fstat(fd)
        if stat.S_ISDIR(result.st_mode):
            raise SourceError(_("{path}: är en mapp, inte en källfil").format(path=name))
        if not stat.S_ISREG(result.st_mode):
            raise SourceError(_("{path}: ingen vanlig fil (en FIFO eller en enhet); den läses inte").format(path=name))
        os.set_blocking(fd, True)
        if result.st_size > MAX_SOURCE_BYTES:
            raise _too_large(name, result.st_size)
        try:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            raise SourceError(_("{path}: kan inte läsas ({reason})").format(path=name, reason=exc.strerror)) from None
    if len(raw) > MAX_SOURCE_BYTES:   # it grew while it was read
        raise _too_large(name, len(raw))
    return raw, result


def _too_large(name: str, size: int) -> SourceError:
    return SourceError(_("{path}: {size} byte är mer än de {limit} MiB som en källa får ha").format(
        path=name, size=size, limit=MAX_SOURCE_BYTES // (1024 * 1024)))


def read_sources(paths: Iterable[str | Path], read: dict[str, tuple[str, int, int]] | None = None) -> list[Project]:
    """Read several sources; IDs are made unique across all of them. ``read`` receives, by
    path, the sha256, size and mtime of the very bytes that were parsed."""
    projects: list[Project] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            raw, result = read_source_bytes(path)
            if read is not None:
                read[str(path)] = (hashlib.sha256(raw).hexdigest(), len(raw), result.st_mtime_ns)
            projects.extend(parse_document(decode_source(raw, str(path)), str(path)))
        except SourceError as exc:
            problems.extend(exc.problems or [Problem(str(path), None, exc.message.split(": ", 1)[-1])])
    if problems:
        raise SourceError(str(problems[0]), problems)
    return assign_unique_ids(projects)


def decode_source(raw: bytes, name: str) -> str:
    """Decode UTF-8 text, refusing binary data and other encodings with the place of the fault."""
    if not raw.strip():
        raise SourceError(_("{path}: filen är tom").format(path=name), [Problem(name, None, _("filen är tom"))])
    if b"\x00" in raw[:65536]:
        message = _("är en binär fil, inte text")
        raise SourceError(f"{name}: {message}", [Problem(name, None, message)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = _("ingen UTF-8-text (byte 0x{byte:02x} vid position {offset})").format(
            byte=raw[exc.start], offset=exc.start)
        raise SourceError(f"{name}:{line}: {message}", [Problem(name, line, message)]) from None
    return text.lstrip("\ufeff")


@dataclass
class _Draft:
    """A project while its lines are being collected."""

    title: str
    line: int
    objective: Objective | None
    bullets: list[tuple[int, str]] = field(default_factory=list)


def parse_document(text: str, name: str = "<text>") -> list[Project]:
    """Parse the text of one page into projects, or raise :class:`SourceError` with every problem."""
    # Lines end at \n, \r\n or \r only, as in an editor: str.splitlines would also end them at
    # form feeds, U+2028 and other separators, and the line numbers of problems would drift.
    lines = [(number, _clean(line)) for number, line in enumerate(_LINE_BREAK.split(text), start=1)]
    lines = [(number, line) for number, line in lines if line]
    problems: list[Problem] = []
    if not lines:
        problem = Problem(name, None, _("filen är tom"))
        raise SourceError(str(problem), [problem])

    specific_title = ""
    objective: Objective | None = None
    drafts: list[_Draft] = []
    projects_under_objective = 0
    for position, (number, line) in enumerate(lines):
        next_is_bullet = position + 1 < len(lines) and bool(_BULLET.match(lines[position + 1][1]))
        header = _OBJECTIVE.match(line)
        if header:
            objective = Objective(header.group(1), header.group(2))
            projects_under_objective = 0
            continue
        if _BULLET.match(line):
            if not drafts or drafts[-1] is None:
                problems.append(Problem(name, number, _("en punktrad som inte hör till någon projekttitel")))
                continue
            drafts[-1].bullets.append((number, _BULLET.sub("", line, count=1)))
            continue
        if next_is_bullet:
            drafts.append(_Draft(title=line, line=number, objective=objective))
            projects_under_objective += 1
            continue
        # Plain text: the page title, or an introduction to the page or an objective.
        if drafts and drafts[-1] is not None and projects_under_objective:
            problems.append(Problem(name, number, _(
                "text mellan projekten som inte är något projekt (en titel utan raderna {description} och "
                "{implementer}?)").format(description=LABEL_DESCRIPTION, implementer=LABEL_IMPLEMENTER)))
        if not specific_title and objective is None and not drafts:
            specific_title = line
        if drafts and drafts[-1] is not None:
            drafts.append(None)  # type: ignore[arg-type]  # closes the open project

    projects: list[Project] = []
    for draft in drafts:
        if draft is None:
            continue
        project = _finish(draft, name, specific_title, problems)
        if project is not None:
            projects.append(project)
    if not projects and not problems:
        problems.append(Problem(name, None, _("inga projekt hittades (ingen titel följd av raderna {description} "
                                              "och {implementer})").format(description=LABEL_DESCRIPTION,
                                                                          implementer=LABEL_IMPLEMENTER)))
    if problems:
        raise SourceError(str(problems[0]), problems)
    return assign_unique_ids(projects)


def _clean(line: str) -> str:
    """Normalise one line: NFC, no-break and repeated spaces to one space, trimmed."""
    line = unicodedata.normalize("NFC", line)
    return _SPACES.sub(" ", line).strip()


def _label_is(found: str, canonical: str) -> bool:
    """True when ``found`` is ``canonical`` or a plausible misspelling of it."""
    found, canonical = found.lower(), canonical.lower()
    limit = max(1, len(canonical) // 6)
    if abs(len(found) - len(canonical)) > limit:  # no need to measure a long word letter by letter
        return False
    return found == canonical or edit_distance(found, canonical, limit, swaps=False) is not None


def _finish(draft: _Draft, name: str, specific_title: str, problems: list[Problem]) -> Project | None:
    """Turn a draft into a project, or add its problems and return None."""
    before = len(problems)
    notes: list[str] = []
    if draft.objective is None:
        problems.append(Problem(name, draft.line, _("projektet {title!r} står före rubriken 'Nationellt mål'").format(
            title=draft.title)))

    description = implementer = None
    details_line = draft.line
    period: tuple[date, date] | None = None
    support: Decimal | None = None
    for number, body in draft.bullets:
        label_match = _LABEL.match(body)
        label = label_match.group(1) if label_match else ""
        if label and _label_is(label, LABEL_DESCRIPTION) and description is None:
            if label != LABEL_DESCRIPTION:
                notes.append(f"line {number}: label {label!r} read as {LABEL_DESCRIPTION!r}")
            description = body[label_match.end():].strip()
            continue
        if (label and _label_is(label, LABEL_IMPLEMENTER)) or _SUPPORT.search(body) or _PERIOD.search(body):
            details_line = number
            implementer, period, support = _parse_details(body, label_match, name, number, problems, notes)
            continue
        problems.append(Problem(name, number, _("oväntad rad i projektet {title!r}: {line!r}").format(
            title=draft.title, line=body[:60])))

    if description is None:
        problems.append(Problem(name, draft.line, _("projektet {title!r} saknar raden {label}").format(
            title=draft.title, label=LABEL_DESCRIPTION),
                                LABEL_DESCRIPTION))
    elif not description:
        problems.append(Problem(name, draft.line, _("projektet {title!r} har en tom beskrivning").format(title=draft.title),
                                LABEL_DESCRIPTION))
    if implementer is None and details_line == draft.line:
        problems.append(Problem(name, draft.line, _("projektet {title!r} saknar raden {label}").format(
            title=draft.title, label=LABEL_IMPLEMENTER),
                                LABEL_IMPLEMENTER))
    if len(problems) > before or draft.objective is None:
        return None
    assert description is not None and implementer and period and support is not None
    short_name, _rest = split_short_name(draft.title)
    specific = draft.objective.code.split(".")[0]
    return Project(
        id="",
        title=draft.title,
        short_name=short_name,
        objective=draft.objective,
        description=description,
        implementer=implementer,
        start=period[0],
        end=period[1],
        eu_support=support,
        source=Path(name).name,
        line=draft.line,
        specific_objective=f"{specific}: {specific_title}" if specific_title else specific,
        notes=tuple(notes),
    )


def _parse_details(body: str, label_match: re.Match | None, name: str, number: int,
                   problems: list[Problem], notes: list[str]):
    """Read implementer, period and EU support from the details line."""
    implementer = period = support = None
    start_of_value = label_match.end() if label_match else 0
    if label_match and label_match.group(1) != LABEL_IMPLEMENTER:
        notes.append(f"line {number}: label {label_match.group(1)!r} read as {LABEL_IMPLEMENTER!r}")

    found_period = _PERIOD.search(body)
    found_support = _SUPPORT.search(body)
    end_of_implementer = len(body)
    if found_period:
        end_of_implementer = found_period.start()
    elif found_support:
        end_of_implementer = found_support.start()
    head = body[start_of_value:end_of_implementer]
    period_label = _LABEL_BEFORE.search(head)
    if period_label:
        if found_period and period_label.group(1) != LABEL_PERIOD:
            notes.append(f"line {number}: label {period_label.group(1)!r} before the period read as {LABEL_PERIOD!r}")
        separator = period_label.group(0).lstrip()[:1]
        if separator == ".":
            notes.append(f"line {number}: full stop after the implementer read as a separator")
        elif separator not in (",", ";"):
            notes.append(f"line {number}: no separator between the implementer and the period")
        head = head[:period_label.start()]
    implementer = head.strip().rstrip(",;").strip()
    if implementer.endswith(".") and not implementer.endswith(".."):
        notes.append(f"line {number}: full stop after the implementer read as a separator")
        implementer = implementer[:-1].rstrip()
    if not implementer:
        problems.append(Problem(name, number, _("projektgenomföraren saknas"), LABEL_IMPLEMENTER))
        implementer = None

    if not found_period:
        problems.append(Problem(name, number, _("ingen period (D.M.ÅÅÅÅ - D.M.ÅÅÅÅ) hittades"), LABEL_PERIOD))
    else:
        start = _make_date(found_period.group(1, 2, 3), name, number, problems)
        end = _make_date(found_period.group(4, 5, 6), name, number, problems)
        if start and end:
            if end < start:
                problems.append(Problem(name, number, _("perioden slutar ({end}) innan den börjar ({start})").format(
                    end=f"{end:%d.%m.%Y}", start=f"{start:%d.%m.%Y}"), LABEL_PERIOD))
            else:
                period = (start, end)

    if not found_support:
        problems.append(Problem(name, number, _("inget belopp för {label} hittades").format(label=LABEL_SUPPORT),
                                LABEL_SUPPORT))
    else:
        support = parse_amount(found_support.group(1))
        if support is None:
            problems.append(Problem(name, number, _("{value!r} är inget belopp i euro").format(value=found_support.group(1)),
                                    LABEL_SUPPORT))
    return implementer, period, support


def _make_date(parts: tuple[str, str, str], name: str, number: int, problems: list[Problem]) -> date | None:
    day, month, year = (int(p) for p in parts)
    try:
        return date(year, month, day)
    except ValueError:
        problems.append(Problem(name, number, _("omöjligt datum {date}").format(
            date=f"{day:02d}.{month:02d}.{year}"), LABEL_PERIOD))
        return None


_AMOUNT_PLAIN = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
_AMOUNT_DOTTED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$")


def parse_amount(text: str) -> Decimal | None:
    """Read an amount such as '2 346 028, 39' or '910 090' exactly; None when it is no amount."""
    compact = _SPACES.sub("", text).strip().rstrip(".")
    if _AMOUNT_DOTTED.match(compact):
        compact = compact.replace(".", "")
    if not _AMOUNT_PLAIN.match(compact):
        return None
    try:
        return Decimal(compact.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes this
        return None


def split_short_name(title: str) -> tuple[str | None, str]:
    """The project's short name when the title carries one: 'LANU – …', '… (PALOMA3)'."""
    paren = _SHORT_PAREN.match(title)
    if paren and len(paren.group("short").split()) <= 3:
        return paren.group("short").strip(), paren.group("title")
    dash = _SHORT_DASH.match(title)
    if dash and len(dash.group("short").split()) <= 3:
        return dash.group("short").strip(), dash.group("rest")
    return None, title


def slugify(text: str, max_words: int = 4, max_length: int = 40) -> str:
    """An ASCII slug of the first words of ``text``: 'Öppet arbetsliv' -> 'oppet-arbetsliv'."""
    folded = fold(text).lower()
    words = re.findall(r"[a-z0-9]+", folded)
    content = [w for w in words if w not in _SLUG_SKIP]
    words = content or words
    slug = ""
    for word in words[:max_words]:
        candidate = f"{slug}-{word}" if slug else word
        if slug and len(candidate) > max_length:
            break
        slug = candidate
    return slug or "project"


# Swedish function words left out of IDs: 'Rehabilitering för krigstraumatiserade' -> rehabilitering-krigstraumatiserade.
_SLUG_SKIP = frozenset("av en ett och i for fran med om pa som till vid hos de den det".split())


def assign_unique_ids(projects: list[Project]) -> list[Project]:
    """Give each project '<short name or title>-<start year>', unique within the list.

    A base ID depends on the project alone, so re-parsing a page, or adding a project with
    another base ID, changes no ID. When two projects share a base ID, the first in
    document order keeps it and each later one gets a suffix made from its own content.
    """
    from dataclasses import replace

    seen: set[str] = set()
    result = []
    for project in projects:
        base = f"{slugify(project.short_name or project.title)}-{project.start.year}"
        candidate = base
        if candidate in seen:
            digest = project.content_hash()
            length = 4
            candidate = f"{base}-{digest[:length]}"
            while candidate in seen:
                # Identical projects have identical digests: once the digest is used up, count.
                length += 1
                suffix = digest[:length] if length <= len(digest) else f"{digest}-{length - len(digest)}"
                candidate = f"{base}-{suffix}"
        seen.add(candidate)
        result.append(replace(project, id=candidate))
    return result
