"""Formatting translated messages safely, and telling which translations cannot be used.

A translation comes from a catalog that anyone may edit, and ``str.format`` will do
whatever its placeholders say: ``{path.exists.__globals__[...]}`` reads any global of the
program, ``{n:>999999999}`` allocates gigabytes, ``{count}`` where the msgid has ``{n}``
raises KeyError. So a translation may use only the msgid's own named fields, with no
attribute or index access and bounded widths; a message that does not is not used (the
Swedish msgid is shown instead). The same rules decide what ``catalog check`` and
``catalog compile`` call an error.
"""

from __future__ import annotations

import re
import string
from typing import Callable

__all__ = ["MAX_WIDTH", "fields_of", "message_problem", "plural_problem", "safe_format", "UnsafeMessage"]

# The widest a placeholder may pad or cut its value.
MAX_WIDTH = 200
_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")
_NUMBER = re.compile(r"\d+")
# Counts that exercise any plural rule (see l10n.plurals).
_PLURAL_SAMPLES = tuple(range(0, 201)) + (1000, 1001, 1002, 1011, 1021, 100000, 1000000)


class UnsafeMessage(ValueError):
    """A message that must not be formatted (the reason is the message)."""


def _parse(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    try:
        return list(string.Formatter().parse(text))
    except ValueError as exc:
        raise UnsafeMessage(f"not a valid brace format ({exc})") from None


def _check_field(name: str, spec: str | None, conversion: str | None, allowed: set[str] | None) -> None:
    if not _NAME.match(name):
        raise UnsafeMessage(f"the placeholder {{{name}}} is not a plain name (no attributes, indexes or positions)")
    if allowed is not None and name not in allowed:
        raise UnsafeMessage(f"the placeholder {{{name}}} is not one of the msgid's "
                            f"({', '.join('{' + f + '}' for f in sorted(allowed)) or 'none'})")
    if conversion not in (None, "s", "r", "a"):
        raise UnsafeMessage(f"the placeholder {{{name}}} has an unknown conversion !{conversion}")
    if spec:
        if "{" in spec or "}" in spec:
            raise UnsafeMessage(f"the placeholder {{{name}}} has a nested placeholder in its format")
        if any(int(number) > MAX_WIDTH for number in _NUMBER.findall(spec)):
            raise UnsafeMessage(f"the placeholder {{{name}:{spec}}} is wider than {MAX_WIDTH}")


def fields_of(text: str) -> set[str]:
    """The named fields of a trusted message (a msgid); UnsafeMessage if it is no valid format."""
    return {name for _literal, name, _spec, _conversion in _parse(text) if name}


def message_problem(msgid: str, translation: str, allowed: set[str] | None = None) -> str | None:
    """Why ``translation`` cannot stand for ``msgid``, or None. ``allowed`` (default: the
    msgid's fields) names the fields it may use."""
    try:
        if allowed is None:
            allowed = fields_of(msgid)
    except UnsafeMessage as exc:
        return str(exc)
    return _placeholder_problem(translation, allowed)


def form_problem(translation: str) -> str | None:
    """Why ``translation`` could never be formatted safely, whatever its msgid, or None."""
    return _placeholder_problem(translation, None)


def _placeholder_problem(translation: str, allowed: set[str] | None) -> str | None:
    """The first placeholder of ``translation`` that is unsafe, or uses a field not in
    ``allowed`` (None: any field), as a problem; None when all are safe."""
    try:
        for _literal, name, spec, conversion in _parse(translation):
            if name is not None:
                _check_field(name, spec, conversion, allowed)
    except UnsafeMessage as exc:
        return str(exc)
    return None


class _Formatter(string.Formatter):
    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def get_field(self, field_name, args, kwargs):
        _check_field(field_name, None, None, self.allowed)
        return kwargs[field_name], field_name

    def format_field(self, value, format_spec):
        if format_spec:
            _check_field("value", format_spec, None, None)
        return super().format_field(value, format_spec)

    def convert_field(self, value, conversion):
        if conversion not in (None, "s", "r", "a"):
            raise UnsafeMessage(f"unknown conversion !{conversion}")
        return super().convert_field(value, conversion)


def safe_format(template: str, sources: list[str], kwargs: dict) -> str:
    """``template.format(**kwargs)`` using only the fields of the msgids ``sources``, with
    bounded widths; UnsafeMessage (or KeyError, for a field not given) otherwise."""
    allowed: set[str] = set()
    for source in sources:
        allowed |= fields_of(source)
    try:
        return _Formatter(allowed).vformat(template, (), kwargs)
    except (IndexError, ValueError) as exc:   # a positional field, a bad format spec for the value
        if isinstance(exc, UnsafeMessage):
            raise
        raise UnsafeMessage(str(exc)) from None


def plural_problem(plural: Callable[[int], int], nplurals: int) -> str | None:
    """Why a catalog's compiled plural rule cannot be used (it fails or leaves the forms), or None."""
    for n in _PLURAL_SAMPLES:
        try:
            form = plural(n)
        except Exception as exc:  # ZeroDivisionError, RecursionError, ...: C that Python cannot evaluate
            return f"the plural rule fails for n={n} ({type(exc).__name__})"
        if not isinstance(form, int) or not 0 <= form < nplurals:
            return f"the plural rule gives form {form!r} for n={n}, but there are {nplurals} forms"
    return None


def unusable_translations(catalog: dict, plural: Callable[[int], int] | None, nplurals: int
                          ) -> tuple[dict, bool]:
    """The keys of a loaded gettext catalog (``GNUTranslations._catalog``) whose translation
    cannot be used, each with why, and whether its plural rule cannot be used."""
    bad = {}
    for key, translation in catalog.items():
        if key == "":
            continue   # the header
        if isinstance(key, tuple):
            # A plural form: its msgid_plural is not in a compiled catalog, so only the form is checked
            # here; the fields are checked against both msgids when it is formatted.
            problem = form_problem(translation)
        else:
            problem = message_problem(key, translation) if _valid_source(key) else None
        if problem:
            bad[key] = f"{key[0] if isinstance(key, tuple) else key!r}: {problem}"
    plural_bad = plural is not None and plural_problem(plural, nplurals) is not None
    return bad, plural_bad


def _valid_source(msgid: str) -> bool:
    try:
        fields_of(msgid)
    except UnsafeMessage:
        return False
    return True
