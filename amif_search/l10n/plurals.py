"""Plural forms: the ``Plural-Forms`` header each language needs, and a checker for it.

A catalog's plural expression is C code that gettext evaluates for a count ``n``. The
forms of :mod:`amif_search.i18n.languages` are those of GNU gettext and the CLDR plural rules; a catalog whose
expression gives other plural forms than these, for any count, has a wrong header.
"""

from __future__ import annotations

import re

from ..i18n.languages import LANGUAGES, normalise

__all__ = ["PLURAL_FORMS", "plural_forms_for", "parse_plural_forms", "plural_forms_problem"]

# The forms of each language known to amif-search, from the one table of languages.
PLURAL_FORMS: dict[str, str] = {code: lang.plural_forms for code, lang in LANGUAGES.items() if lang.plural_forms}

_HEADER = re.compile(r"^\s*nplurals\s*=\s*(?P<n>\d+)\s*;\s*plural\s*=\s*(?P<expr>[^;]+?)\s*;?\s*$")
# Counts that tell every rule above apart (0-200 covers the n%100 rules, the rest the big numbers).
_SAMPLES = tuple(range(0, 201)) + (1000, 1001, 1002, 1011, 1021, 100000, 1000000)


def plural_forms_for(language: str) -> str | None:
    """The ``Plural-Forms`` value for a language code (``fi``, ``pt_BR``), or None if unknown."""
    return PLURAL_FORMS.get(normalise(language, region=True)) or PLURAL_FORMS.get(normalise(language))


def parse_plural_forms(value: str):
    """``(nplurals, function)`` for a ``Plural-Forms`` value; ValueError if it is malformed."""
    import gettext  # noqa: PLC0415

    match = _HEADER.match(value)
    if match is None:
        raise ValueError("expected 'nplurals=N; plural=EXPRESSION;'")
    nplurals = int(match["n"])
    if nplurals < 1:
        raise ValueError("nplurals must be at least 1")
    try:
        function = gettext.c2py(match["expr"])
    except (ValueError, SyntaxError, RecursionError) as exc:
        raise ValueError(f"the plural expression {match['expr']!r} is not valid C") from exc
    return nplurals, function


def plural_forms_problem(value: str | None, language: str | None) -> str | None:
    """Why ``value`` is not a right ``Plural-Forms`` header for ``language``, or None if it is."""
    expected = plural_forms_for(language) if language else None
    hint = f" (for {language}: {expected!r})" if expected else ""
    if value is None or not value.strip():
        return f"the header has no Plural-Forms{hint}"
    try:
        nplurals, function = parse_plural_forms(value)
    except ValueError as exc:
        return f"the Plural-Forms header {value!r} is malformed: {exc}{hint}"
    for n in _SAMPLES:
        try:
            form = function(n)
        except Exception as exc:  # noqa: BLE001  (n / 0 is valid C that fails when evaluated)
            return f"the Plural-Forms header {value!r} cannot be evaluated for n={n} ({type(exc).__name__})"
        if not 0 <= form < nplurals:
            return f"the Plural-Forms header {value!r} gives form {form} for n={n}, but nplurals is {nplurals}"
    if expected is None:
        return None
    want_n, want = parse_plural_forms(expected)
    differs = [n for n in _SAMPLES if function(n) != want(n)]
    if want_n != nplurals or differs:
        detail = (f"for n={differs[0]} it chooses form {function(differs[0])} where {language} needs form "
                  f"{want(differs[0])}") if differs else f"nplurals is {nplurals} where {language} needs {want_n}"
        return f"wrong Plural-Forms for {language}: {detail}; use {expected!r}"
    return None
