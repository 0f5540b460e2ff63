"""User-interface language: gettext lookups with Swedish as the source language.

Strings are marked with ``_()`` (translated now) or ``N_()`` (marked for extraction,
translated later). Swedish needs no catalog: the msgids are Swedish.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

__all__ = ["_", "N_", "ngettext", "set_language", "get_language", "SUPPORTED", "detect_language"]

DOMAIN = "amif_search"
SOURCE_LANGUAGE = "sv"
SUPPORTED = ("sv", "fi", "en")

_state: dict = {"lang": SOURCE_LANGUAGE, "trans": _gettext.NullTranslations()}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _state["trans"].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a plural form."""
    return _state["trans"].ngettext(singular, plural, n)


def get_language() -> str:
    """The current user-interface language code."""
    return _state["lang"]


def detect_language(explicit: str | None = None, environ: dict | None = None) -> str:
    """Choose a language: explicit, else LANGUAGE, LC_ALL, LC_MESSAGES, LANG, else Swedish."""
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        for candidate in value.split(":"):
            code = candidate.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in ("c", "posix", ""):
                continue
            if code in SUPPORTED:
                return code
        if var != "LANGUAGE":
            # A set locale variable that names an unsupported language decides.
            break
    return SOURCE_LANGUAGE


def set_language(lang: str, locales_dir: Path | None = None) -> None:
    """Make ``lang`` the language of every later ``_()`` call."""
    from .catalogs import load_translations  # noqa: PLC0415  (keeps start-up light)

    trans = load_translations(DOMAIN, lang, locales_dir)
    _state["lang"] = lang
    _state["trans"] = trans
