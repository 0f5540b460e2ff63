"""The languages: what amif-search knows of each, and which of them the interface speaks.

The interface languages are Swedish, the source language, and every language that has a
catalog of the interface under ``locales/`` (``amif-search catalog init de`` adds German,
with no change here). What is known of a language (its name in itself and in English, its
gettext plural forms, its Snowball stemmer, how it writes numbers, amounts and dates) is in
one table below; a language it lacks is named by its code and written the Swedish way.

:func:`normalise` is the one reading of a language code (``fi_FI.UTF-8@euro``, ``en-GB``,
``pt-br``) that every part of the program uses.

This module never imports anything heavier than the standard library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Language", "SWEDISH", "UI_DOMAIN", "LANGUAGES", "normalise", "language",
           "interface_languages", "query_languages", "best_language"]

# The language of the source pages, the index and the glossary's headwords, and the one the
# interface's messages are written in (the msgids): the fallback of every other language.
SWEDISH = "sv"
# The gettext domain of the interface: a language with a catalog of it is an interface language.
UI_DOMAIN = "amif_search"

_ONE = "nplurals=2; plural=(n != 1);"
_ONE_AND_ZERO = "nplurals=2; plural=(n > 1);"
_EAST_SLAVIC = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                "(n%100<10 || n%100>=20) ? 1 : 2);")
_NONE = "nplurals=1; plural=0;"


@dataclass(frozen=True)
class Language:
    """What amif-search knows of one language.

    ``plural_forms``: the gettext ``Plural-Forms`` header (GNU gettext's and CLDR's rules);
    ``stemmer``: the Snowball stemmer's name. ``group`` and ``decimal`` separate a number's
    thousands and its fraction; ``amount`` places a number of euros, ``date`` the day, month
    (``{month}`` a number, ``{mon}`` an abbreviation from ``months``) and year.
    ``function_words``: left out when glossary terms are compared (mental health = mental
    health care's head words). ``queries``: a query language, whose questions are read as well
    as searched: its function words are not searched (:mod:`amif_search.index.stopwords` has
    them) and its words for years, amounts and objectives are understood
    (:mod:`amif_search.understanding`).
    """

    code: str
    name: str
    english_name: str
    plural_forms: str | None = None
    stemmer: str | None = None
    group: str = " "
    decimal: str = ","
    amount: str = "{number} €"
    date: str = "{day}.{month}.{year}"
    months: tuple[str, ...] = ()
    function_words: frozenset[str] = frozenset()
    queries: bool = False

    def format_json(self) -> dict:
        """The number and date conventions, for the search page's script."""
        return {"group": self.group, "decimal": self.decimal, "amount": self.amount, "date": self.date,
                "months": list(self.months)}


# Swedish is Finland-Swedish, as on the source page: a space between thousands (a plain space,
# so that output can be searched and compared as typed), a decimal comma, the euro sign after
# the amount, and dates day first with dots (1.10.2021), as Finnish writes them.
LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language("sv", "svenska", "Swedish", _ONE, "swedish", function_words=frozenset(
        "och för av i till som med på om den det de en ett".split()), queries=True),
    Language("fi", "suomi", "Finnish", _ONE, "finnish", function_words=frozenset("ja tai sekä".split()),
             queries=True),
    Language("en", "English", "English", _ONE, "english", group=",", decimal=".", amount="€{number}",
             date="{day} {mon} {year}",
             months=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
             function_words=frozenset("of the and for in to a an on with or".split()), queries=True),
    Language("de", "Deutsch", "German", _ONE, "german", group="."),
    Language("et", "eesti", "Estonian", _ONE, "estonian"),
    Language("da", "dansk", "Danish", _ONE, "danish", group="."),
    Language("nb", "norsk bokmål", "Norwegian Bokmål", _ONE, "norwegian"),
    Language("nn", "nynorsk", "Norwegian Nynorsk", _ONE, "norwegian"),
    Language("no", "norsk", "Norwegian", None, "norwegian"),
    Language("nl", "Nederlands", "Dutch", None, "dutch", group="."),
    Language("es", "español", "Spanish", _ONE, "spanish", group="."),
    Language("it", "italiano", "Italian", _ONE, "italian", group="."),
    # Portuguese: Brazil and Portugal count differently, so a catalog names its Plural-Forms.
    Language("pt", "português", "Portuguese", None, "portuguese", group="."),
    Language("fr", "français", "French", _ONE_AND_ZERO, "french"),
    Language("so", "Soomaali", "Somali", _ONE),
    Language("ku", "kurdî", "Kurdish", _ONE),
    Language("ps", "پښتو", "Pashto", _ONE),
    Language("sq", "shqip", "Albanian", _ONE),
    Language("tr", "Türkçe", "Turkish", _ONE, "turkish", group="."),
    Language("fa", "فارسی", "Persian", _ONE_AND_ZERO, "persian"),
    Language("ti", "ትግርኛ", "Tigrinya", _ONE_AND_ZERO),
    Language("am", "አማርኛ", "Amharic", _ONE_AND_ZERO),
    Language("ru", "русский", "Russian", _EAST_SLAVIC, "russian"),
    Language("uk", "українська", "Ukrainian", _EAST_SLAVIC),
    Language("pl", "polski", "Polish", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
             "(n%100<10 || n%100>=20) ? 1 : 2);"),
    Language("ar", "العربية", "Arabic", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
             "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);", "arabic"),
    Language("zh", "中文", "Chinese", _NONE),
    Language("vi", "Tiếng Việt", "Vietnamese", _NONE),
)}


def normalise(code: str, *, region: bool = False) -> str:
    """A language code as the catalogs' folders name it.

    ``fi_FI.UTF-8@euro`` -> ``fi``, ``en-GB`` -> ``en``, ``C`` and ``POSIX`` -> ``""``; with
    ``region``: ``fi_FI``, ``en_GB``, ``pt-br`` -> ``pt_BR``, ``sr@latin`` -> ``sr@latin``.
    """
    code = code.strip().replace("-", "_")
    code, _at, modifier = code.partition("@")
    code = code.split(".")[0]
    base, _sep, territory = code.partition("_")
    base = base.lower()
    if base in ("c", "posix"):
        return ""
    if not region:
        return base
    if territory:
        base += "_" + territory.upper()
    return base + ("@" + modifier if modifier else "")


@lru_cache(maxsize=256)
def language(code: str) -> Language:
    """What is known of the language ``code`` (any spelling :func:`normalise` reads)."""
    known = LANGUAGES.get(normalise(code, region=True)) or LANGUAGES.get(normalise(code))
    if known is not None:
        return known
    plain = normalise(code, region=True) or code
    return Language(plain, plain, plain)


def interface_languages(locales: Path | str | None = None) -> tuple[str, ...]:
    """Swedish and every language with a catalog of the interface in ``locales`` (by default the
    package's catalogs): the source language first, then those of the table in its order, then
    any other in name order."""
    if locales is None:
        from ..resources import locales_dir  # noqa: PLC0415

        locales = locales_dir()
    try:
        names = os.listdir(locales)
    except OSError:
        names = []
    found = {name for name in names
             if any(os.path.isfile(os.path.join(locales, name, "LC_MESSAGES", f"{UI_DOMAIN}{suffix}"))
                    for suffix in (".po", ".mo"))}
    found.discard(SWEDISH)
    ordered = [code for code in LANGUAGES if code in found] + sorted(found - set(LANGUAGES))
    return (SWEDISH, *ordered)


def query_languages() -> tuple[str, ...]:
    """The languages queries are read in (see :attr:`Language.queries`), in the table's order."""
    return tuple(code for code, known in LANGUAGES.items() if known.queries)


def best_language(requested: str, available: tuple[str, ...]) -> str | None:
    """The language of ``available`` that ``requested`` (a locale name or a language tag) asks
    for: the same code with its region (``pt_BR``), else the language alone; None if none."""
    for candidate in (normalise(requested, region=True), normalise(requested)):
        if candidate and candidate in available:
            return candidate
    return None
