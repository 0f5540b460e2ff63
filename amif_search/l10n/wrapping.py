"""Strings of a .po file laid out on lines as GNU ``msgcat`` and ``msgmerge`` lay them out.

GNU gettext splits a string after each ``\\n``, then breaks each piece where the Unicode
line breaking algorithm allows it (after a space, after a hyphen before a letter, after
``.`` before a letter, ...), on the *escaped* text and never inside an escape, so that a
line, quotes and keyword included, is at most 79 columns (unless no break fits).
A string that does not fit on the keyword's line, or that has more than one piece, starts
with an empty ``""``. The classes and pair rules below are those that gettext 0.21's
line breaking applies to the characters a catalog holds; ``tests/test_l10n_wrapping.py``
compares the result with ``msgcat`` itself.
"""

from __future__ import annotations

import unicodedata

__all__ = ["escape", "string_lines"]

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\a": "\\a",
            "\b": "\\b", "\f": "\\f", "\v": "\\v"}

# Line breaking classes (a subset of Unicode's UAX #14, as gettext applies them).
BK, AL, NU, SP, IS, EX, HY, SY, BA, B2, OP, CP, CL, QU, PR, PO, IN = (
    "BK", "AL", "NU", "SP", "IS", "EX", "HY", "SY", "BA", "B2", "OP", "CP", "CL", "QU", "PR", "PO", "IN")
_CLASSES = {
    " ": SP, ".": IS, ",": IS, ":": IS, ";": IS, "!": EX, "?": EX, "-": HY, "/": SY,
    "|": BA, "\u2013": BA, "\u2010": BA, "\u2014": B2, "(": OP, "[": OP, "{": OP, "\u00ab": QU,
    ")": CP, "]": CP, "}": CL, "'": QU, '"': QU, "\u00bb": QU, "\u201c": QU, "\u201d": QU,
    "\u2018": QU, "\u2019": QU, "\u201e": OP, "\\": PR, "$": PR, "+": PR, "\u20ac": PR, "\u00a3": PR,
    "%": PO, "\u00b0": PO, "\u2030": PO, "\u2026": IN,
}
_NO_BREAK_BEFORE = {SP, IS, EX, HY, SY, BA, CP, CL, QU, IN}
# For a pair (before, after) where 'after' is AL, NU, OP, PR or PO: the classes of
# 'after' that a break may precede, given the class of 'before'.
_AFTER = {
    AL: set(), NU: set(), OP: set(), QU: set(),
    IS: {AL, OP, PR, PO}, HY: {AL, OP, PR, PO}, SY: {AL, OP, PR, PO},
    EX: {AL, NU, OP, PR, PO}, BA: {AL, NU, OP, PR, PO}, IN: {AL, NU, OP, PR, PO},
    B2: {AL, NU, OP, PR, PO}, CP: {OP}, CL: {AL, NU, OP}, PR: {PR, PO}, PO: {PR, PO},
}


def escape(text: str) -> str:
    """``text`` as it stands between the quotes of a .po string."""
    return "".join(_ESCAPES.get(c, c) for c in text)


def _class(char: str) -> str:
    known = _CLASSES.get(char)
    if known:
        return known
    if char.isdigit() and char.isascii():
        return NU
    return AL


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _break_allowed(before: str, after: str, before_space: str | None) -> bool:
    """May a line break fall between characters of classes ``before`` and ``after``?

    ``before_space`` is the class of the last character before a run of spaces that
    ``before`` ends, for the rules that look across spaces.
    """
    if after in (SP, BK):
        return False
    if before == SP:
        if after in (IS, EX, SY, CP, CL):
            return False
        if before_space == OP or (before_space == QU and after == OP) or (before_space == B2 and after == B2):
            return False
        return True
    if after == B2:
        return before not in (OP, QU, B2)
    if after in _NO_BREAK_BEFORE:
        return False
    return after in _AFTER.get(before, set())


def _pieces(portion: str) -> tuple[list[str], list[bool]]:
    """The escaped units of ``portion`` (an escape is one unit) and, for each unit, whether a
    line may break before it."""
    units, classes = [], []
    for char in portion:
        escaped = _ESCAPES.get(char)
        units.append(escaped or char)
        # An escape breaks as its backslash before it and as its letter (or quote) after it;
        # nothing breaks before a line break.
        if char in "\n\r":
            classes.append((BK, AL))
        elif escaped:
            classes.append((PR, _class(escaped[1]) if escaped[1] in "\"\\" else AL))
        else:
            classes.append((_class(char), _class(char)))
    breaks = [False] * len(units)
    last_non_space = None
    for i in range(1, len(units)):
        before, after = classes[i - 1][1], classes[i][0]
        if before != SP:
            last_non_space = before
        breaks[i] = _break_allowed(before, after, last_non_space if before == SP else None)
    return units, breaks


def _wrap_portion(portion: str, first_column: int, column: int, width: int) -> list[str]:
    """``portion`` escaped and cut into lines; the first starts at ``first_column``, the others
    at ``column``; a line ends by ``width`` columns (closing quote included) where it can."""
    units, breaks = _pieces(portion)
    widths = [sum(_width(c) for c in unit) for unit in units]

    def fits(start: int, end: int, col: int) -> bool:
        return col + sum(widths[start:end]) + 1 <= width

    lines, start, col = [], 0, first_column
    while not fits(start, len(units), col):
        chosen = None
        for end in range(start + 1, len(units)):
            if not breaks[end]:
                continue
            if fits(start, end, col):
                chosen = end
            else:
                chosen = chosen or end  # nothing fits: the line overflows to the first break
                break
        if chosen is None:
            break
        lines.append("".join(units[start:chosen]))
        start, col = chosen, column
    lines.append("".join(units[start:]))
    return lines


def string_lines(prefix: str, keyword: str, value: str, width: int = 79) -> list[str]:
    """The lines of ``keyword "value"`` with each line starting with ``prefix`` (``#~ `` for an
    obsolete entry, ``#| `` for a previous string), wrapped as GNU gettext wraps them."""
    portions = _split_after_newlines(value) if value else [""]
    head = f"{prefix}{keyword} "
    if width <= 0:
        return [f'{head}"{escape(value)}"']
    if len(portions) == 1:
        first = _wrap_portion(portions[0], len(head) + 1, len(prefix) + 1, width)
        if len(first) == 1:
            return [f'{head}"{first[0]}"']
    lines = [f'{head}""']
    for portion in portions:
        lines += [f'{prefix}"{line}"' for line in _wrap_portion(portion, len(prefix) + 1, len(prefix) + 1, width)]
    return lines


def _split_after_newlines(value: str) -> list[str]:
    pieces, start = [], 0
    while True:
        end = value.find("\n", start)
        if end < 0 or end == len(value) - 1:
            pieces.append(value[start:])
            return pieces
        pieces.append(value[start:end + 1])
        start = end + 1
