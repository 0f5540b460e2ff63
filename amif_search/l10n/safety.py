"""Which entries of a catalog could not be used by the program (see
:mod:`amif_search.i18n.message_format`): for ``catalog check`` (an error, whatever ``--strict``
says) and ``catalog compile`` (which refuses them)."""

from __future__ import annotations

import re

import polib

from ..errors import Problem
from ..i18n.message_format import UnsafeMessage, fields_of, message_problem, plural_problem
from .plurals import parse_plural_forms
from .pofile import header_line

__all__ = ["unusable_entries"]


def unusable_entries(catalog: polib.POFile, name: str) -> list[Problem]:
    """One problem per translated entry that the program would not use, and for a plural
    rule that cannot be evaluated."""
    problems = []
    value = catalog.metadata.get("Plural-Forms")
    if value:
        try:
            nplurals, function = parse_plural_forms(value)
        except ValueError as exc:
            problems.append(Problem(name, header_line(catalog),
                                    f"error: the Plural-Forms header cannot be used: {exc}"))
        else:
            reason = plural_problem(function, nplurals)
            if reason:
                problems.append(Problem(name, header_line(catalog), f"error: {reason}"))
    for entry in catalog:
        if entry.obsolete or not entry.translated():
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        try:
            allowed = set().union(*(fields_of(source) for source in sources))
        except UnsafeMessage:
            continue   # a msgid that is no format at all: its translation is never formatted
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int)] if entry.msgid_plural \
            else [entry.msgstr]
        for form in forms:
            reason = message_problem(entry.msgid, form, allowed)
            if reason:
                problems.append(Problem(name, entry.linenum, f"error: the program cannot use this translation: "
                                                             f"{reason}"))
                break
    return problems


_PLURAL_HEADER = re.compile(rb'("Plural-Forms:[ \t]*)([^"\\\n]*)((?:\\n)?")')
SOURCE_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def with_usable_plural_forms(data: bytes) -> tuple[bytes, str | None]:
    """A .po file's bytes with a ``Plural-Forms`` that cannot be evaluated replaced by the
    source language's, and why it was replaced (None when it was kept)."""
    from .plurals import plural_forms_problem  # noqa: PLC0415

    match = _PLURAL_HEADER.search(data)
    if match is None:
        return data, None
    value = match.group(2).decode("utf-8", "replace")
    reason = plural_forms_problem(value, None)
    if reason is None:
        return data, None
    replaced = data[:match.start(2)] + SOURCE_PLURAL_FORMS.encode() + data[match.end(2):]
    return replaced, reason
