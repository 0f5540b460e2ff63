"""Plural forms: the ``Plural-Forms`` header each language needs, and a checker for it.

A catalog's plural expression is C code that gettext evaluates for a count ``n``. The
forms below are those of GNU gettext and the CLDR plural rules; a catalog whose
expression gives other plural forms than these, for any count, has a wrong header.
"""

from __future__ import annotations

import re

__all__ = ["PLURAL_FORMS", "plural_forms_for", "parse_plural_forms", "plural_forms_problem"]

_ONE = "nplurals=2; plural=(n != 1);"
_ONE_AND_ZERO = "nplurals=2; plural=(n > 1);"
_EAST_SLAVIC = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                "(n%100<10 || n%100>=20) ? 1 : 2);")

PLURAL_FORMS: dict[str, str] = {
    "sv": _ONE,
    "fi": _ONE,
    "en": _ONE,
    "de": _ONE,
    "et": _ONE,
    "da": _ONE,
    "nb": _ONE,
    "nn": _ONE,
    "es": _ONE,
    "it": _ONE,
    "so": _ONE,
    "ku": _ONE,
    "ps": _ONE,
    "sq": _ONE,
    "tr": _ONE,
    "fa": _ONE_AND_ZERO,
    "ti": _ONE_AND_ZERO,
    "am": _ONE_AND_ZERO,
    "fr": _ONE_AND_ZERO,
    "ru": _EAST_SLAVIC,
    "uk": _EAST_SLAVIC,
    "pl": ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
           "(n%100<10 || n%100>=20) ? 1 : 2);"),
    "ar": ("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
           "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"),
    "zh": "nplurals=1; plural=0;",
    "vi": "nplurals=1; plural=0;",
}

_HEADER = re.compile(r"^\s*nplurals\s*=\s*(?P<n>\d+)\s*;\s*plural\s*=\s*(?P<expr>[^;]+?)\s*;?\s*$")
# Counts that tell every rule above apart (0-200 covers the n%100 rules, the rest the big numbers).
_SAMPLES = tuple(range(0, 201)) + (1000, 1001, 1002, 1011, 1021, 100000, 1000000)


def _language_code(language: str) -> str:
    return language.replace("-", "_").split("_")[0].split("@")[0].lower()


def plural_forms_for(language: str) -> str | None:
    """The ``Plural-Forms`` value for a language code (``fi``, ``pt_BR``), or None if unknown."""
    return PLURAL_FORMS.get(language) or PLURAL_FORMS.get(_language_code(language))


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
