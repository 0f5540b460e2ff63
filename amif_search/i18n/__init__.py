"""User-interface language: gettext lookups with Swedish as the source language.

Strings are marked with ``_()`` (translated now) or ``N_()`` (marked for extraction,
translated later); plurals with ``ngettext()`` or, for later, ``N_plural()``. Swedish
needs no catalog: the msgids are Swedish.

A language's translations come from ``<locales>/<lang>/LC_MESSAGES/<domain>.mo`` when
that file is at least as new as the ``.po`` beside it; otherwise the ``.po`` is checked
and compiled on first use into a per-user cache (``$XDG_CACHE_HOME/amif-search``), so
that an installed package, which ships only the ``.po`` files, needs no build step.

A catalog that cannot be used never stops the program: the language falls back to
Swedish and a warning is recorded once, for the command line to show
(:func:`pop_warnings`). This module never prints.

Importing it is cheap: polib and the catalog tools load only when a catalog has to be
compiled.
"""

from __future__ import annotations

import copy
import gettext as _gettext
import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

from .languages import SWEDISH, UI_DOMAIN, best_language, interface_languages

__all__ = [
    "_", "N_", "N_plural", "ngettext", "set_language", "get_language", "detect_language", "detect_languages",
    "translations", "warnings", "pop_warnings", "cache_dir", "forget_translations", "speaking",
]

DOMAIN = UI_DOMAIN
# Bump when the compiled form changes, so that old cached .mo files are not reused.
_CACHE_FORMAT = "1"

_state: dict = {"lang": SWEDISH, "trans": _gettext.NullTranslations()}
_loaded: dict[tuple[str, str, str], _gettext.NullTranslations] = {}
_warnings: list[str] = []
# The language of one piece of work (a web request) in its thread, over the process's own.
_speaking: ContextVar[tuple[str, _gettext.NullTranslations] | None] = ContextVar("amif_search_language", default=None)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural pair for extraction; translate it later with ``ngettext(*pair, n)``."""
    return singular, plural


def _current() -> tuple[str, _gettext.NullTranslations]:
    local = _speaking.get()
    return local if local is not None else (_state["lang"], _state["trans"])


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _Message(_current()[1].gettext(message), message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a plural form."""
    return _Message(_current()[1].ngettext(singular, plural, n), singular if n == 1 else plural, plural)


class _Message(str):
    """A translated message whose ``format`` uses only its msgid's fields, with bounded widths
    (see :mod:`amif_search.i18n.message_format`); a translation that cannot be formatted so gives
    way to the Swedish msgid, with one warning."""

    def __new__(cls, text: str, source: str, *others: str) -> "_Message":
        message = super().__new__(cls, text)
        message._sources = (source, *others)
        return message

    def format(self, *args, **kwargs) -> str:  # noqa: A003
        from .message_format import UnsafeMessage, safe_format  # noqa: PLC0415

        if args:
            return str.format(self._sources[0], *args, **kwargs)
        try:
            return safe_format(self, list(self._sources), kwargs)
        except (UnsafeMessage, KeyError) as exc:
            if str(self) != self._sources[0]:
                _warn_once(_plain(N_("varning: en översättning kan inte användas och visas på svenska: {msgid}: "
                                     "{reason}"), msgid=repr(self._sources[0]), reason=exc))
            return str.format(self._sources[0], **kwargs)


def _plain(message: str, **kwargs) -> str:
    """A warning about a catalog, in its language when that translation can be used, else in
    Swedish (never through a translation that could fail again)."""
    from .message_format import UnsafeMessage, safe_format  # noqa: PLC0415

    try:
        return safe_format(_current()[1].gettext(message), [message], kwargs)
    except (UnsafeMessage, KeyError):
        return message.format(**kwargs)


def _warn_once(warning: str) -> None:
    if warning not in _warnings and warning not in _warned:
        _warnings.append(warning)
        _warned.add(warning)


_warned: set[str] = set()


def get_language() -> str:
    """The current user-interface language code (also when its catalog fell back to Swedish)."""
    return _current()[0]


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Within the block, in this thread (or task) only, ``_()`` speaks ``lang``: a web server
    answers each request in its client's language while other threads answer in theirs."""
    token = _speaking.set((lang, translations(lang)))
    try:
        yield
    finally:
        _speaking.reset(token)


def detect_languages(explicit: str | None = None, environ: dict | None = None,
                     locales_dir: Path | None = None) -> list[str]:
    """The interface languages asked for, best first: ``explicit``; else each language of
    LANGUAGE (a list such as ``de:fi``) that has a catalog, in its order; else the language of
    the first of LC_ALL, LC_MESSAGES, LANG that is set, when it has a catalog; else Swedish.
    Messages a language lacks are looked up in the next (:func:`set_language`), then in Swedish."""
    available = interface_languages(locales_dir)
    if explicit:
        return [best_language(explicit, available) or explicit]
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        chosen = [code for code in (best_language(c, available) for c in value.split(":")) if code]
        if chosen:
            return list(dict.fromkeys(chosen))
        if var != "LANGUAGE":
            # A set locale variable that names a language without a catalog (or C) decides.
            break
    return [SWEDISH]


def detect_language(explicit: str | None = None, environ: dict | None = None,
                    locales_dir: Path | None = None) -> str:
    """The interface language: the first of :func:`detect_languages`."""
    return detect_languages(explicit, environ, locales_dir)[0]


def set_language(lang: str, locales_dir: Path | None = None, fallbacks: tuple[str, ...] | list[str] = ()) -> None:
    """Make ``lang`` the language of every later ``_()`` call; a message it lacks is looked up
    in each of ``fallbacks`` in turn, then left in Swedish."""
    _state["trans"] = translations(lang, DOMAIN, locales_dir, fallbacks)
    _state["lang"] = lang


def warnings() -> list[str]:
    """The warnings recorded so far about catalogs that could not be used."""
    return list(_warnings)


def pop_warnings() -> list[str]:
    """The recorded warnings, forgotten once returned (so that each is shown once)."""
    taken = list(_warnings)
    _warnings.clear()
    return taken


def cache_dir(environ: dict | None = None) -> Path:
    """Where compiled catalogs are cached: ``$XDG_CACHE_HOME/amif-search/locales``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "amif-search" / "locales"


def translations(lang: str, domain: str = DOMAIN, locales_dir: Path | None = None,
                 fallbacks: tuple[str, ...] | list[str] = ()) -> _gettext.NullTranslations:
    """The translations of ``domain`` into ``lang``, without touching the current language.

    For a web layer that answers each request in its own language. Swedish, and any
    language whose catalog cannot be used, gives the untranslated (Swedish) messages;
    the latter also records a warning, once. A message ``lang`` lacks is looked up in each
    of ``fallbacks`` in turn.
    """
    chain = []
    for code in dict.fromkeys([lang, *fallbacks]):
        if code == SWEDISH:
            break   # Swedish has every message: nothing after it is asked
        found = _translations(code, domain, locales_dir)
        if isinstance(found, _gettext.GNUTranslations):
            chain.append(found)
    if len(chain) <= 1:
        return chain[0] if chain else _gettext.NullTranslations()
    # Linked copies: the loaded catalogs are shared, and each chain is its own.
    linked = None
    for found in reversed(chain):
        link = copy.copy(found)
        link._fallback = None
        if linked is not None:
            link.add_fallback(linked)
        linked = link
    return linked


def _translations(lang: str, domain: str, locales_dir: Path | None) -> _gettext.NullTranslations:
    if lang == SWEDISH:
        return _gettext.NullTranslations()
    if locales_dir is None:
        from ..resources import locales_dir as default_locales  # noqa: PLC0415

        locales_dir = default_locales()
    key = (str(locales_dir), domain, lang)
    if key not in _loaded:
        try:
            _loaded[key] = _load(Path(locales_dir), domain, lang)
        except _CatalogUnusable as exc:
            _warnings.append(_("varning: översättningen till {lang} ({domain}) kan inte användas; texterna visas "
                               "på svenska: {reason}").format(lang=lang, domain=domain, reason=exc))
            _loaded[key] = _gettext.NullTranslations()
    return _loaded[key]


def forget_translations() -> None:
    """Drop every loaded catalog (after the catalogs changed on disk, and in tests)."""
    _loaded.clear()


class _CatalogUnusable(Exception):
    """A catalog that is missing, malformed or cannot be compiled (the reason is the message)."""


def _read_mo(data: bytes, name: str) -> _gettext.GNUTranslations:
    import io  # noqa: PLC0415

    try:
        translations = _gettext.GNUTranslations(io.BytesIO(data))
    except Exception as exc:  # OSError, struct.error, ValueError (plural forms): all mean "damaged"
        raise _CatalogUnusable(f"{name}: not a valid compiled catalog ({type(exc).__name__}: {exc})") from exc
    _drop_unusable(translations, name)
    return translations


def _drop_unusable(translations: _gettext.GNUTranslations, name: str) -> None:
    """Forget the messages that cannot be formatted safely (their msgid is shown instead) and
    a plural rule that fails (the source language's is used), with one warning."""
    from .message_format import unusable_translations  # noqa: PLC0415

    catalog = translations._catalog  # type: ignore[attr-defined]
    try:
        nplurals = int(translations.info().get("plural-forms", "").split("nplurals=")[1].split(";")[0])
    except (IndexError, ValueError):
        nplurals = 2
    plural = getattr(translations, "plural", None)
    bad, plural_bad = unusable_translations(catalog, plural, nplurals)
    for key in bad:
        del catalog[key]
    if plural_bad:
        translations.plural = lambda n: int(n != 1)  # type: ignore[method-assign]  (Swedish)
    if bad or plural_bad:
        reasons = list(bad.values()) + (["Plural-Forms"] if plural_bad else [])
        more = f" (+{len(reasons) - 1})" if len(reasons) > 1 else ""
        _warn_once(_plain(N_("varning: {path}: översättningar som inte kan användas visas på svenska: "
                             "{reason}{more}"), path=name, reason=reasons[0], more=more))


def _load(locales: Path, domain: str, lang: str) -> _gettext.GNUTranslations:
    folder = locales / lang / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    try:
        po_stat = po.stat() if po.is_file() else None
        if mo.is_file() and (po_stat is None or mo.stat().st_mtime >= po_stat.st_mtime):
            return _read_mo(mo.read_bytes(), str(mo))
        if po_stat is None:
            raise _CatalogUnusable(f"no catalog {po}")
        data = po.read_bytes()
    except OSError as exc:
        raise _CatalogUnusable(f"{po}: {exc.strerror or exc}") from exc
    digest = _digest(data)
    cached = _cached_mo(domain, lang, digest)
    if cached is not None:
        try:
            return _read_mo(cached, str(po))
        except _CatalogUnusable:
            pass  # a damaged cache entry: compile again
    return _read_mo(_compile_and_cache(data, po, domain, lang, digest), str(po))


def _digest(data: bytes) -> str:
    import hashlib  # noqa: PLC0415

    return hashlib.sha256(_CACHE_FORMAT.encode() + b"\0" + data).hexdigest()[:20]


def _cached_mo(domain: str, lang: str, digest: str) -> bytes | None:
    try:
        return (cache_dir() / lang / f"{domain}-{digest}.mo").read_bytes()
    except OSError:
        return None


def _compile_and_cache(data: bytes, po: Path, domain: str, lang: str, digest: str) -> bytes:
    """The .mo bytes of a .po's text, kept in the cache (when it is writable) for the next run."""
    from ..errors import CatalogError  # noqa: PLC0415
    from ..files import write_atomically  # noqa: PLC0415
    from ..l10n.compile import compile_po_bytes  # noqa: PLC0415  (polib loads only here)
    from ..l10n.safety import with_usable_plural_forms  # noqa: PLC0415

    # A plural rule that cannot be evaluated gives way to Swedish's; the translations stay.
    data, plural_reason = with_usable_plural_forms(data)
    try:
        mo = compile_po_bytes(data, str(po))
    except CatalogError as exc:
        more = f" (+{len(exc.problems) - 1})" if len(exc.problems) > 1 else ""
        raise _CatalogUnusable((exc.lines()[0] if exc.problems else exc.message) + more) from exc
    if plural_reason is not None:
        _warn_once(_plain(N_("varning: {path}: översättningar som inte kan användas visas på svenska: "
                             "{reason}{more}"), path=str(po), reason=plural_reason, more=""))
        return mo   # not cached, so that every run says it
    folder = cache_dir() / lang
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{domain}-*.mo"):
            old.unlink()
        write_atomically(folder / f"{domain}-{digest}.mo", mo, durable=False)
    except OSError:
        pass  # no writable cache: compile again next time, still correct
    return mo
