"""Click's help and usage errors in the user's language.

The help texts of the commands are Swedish msgids marked with ``N_()`` where the commands
are defined. They are translated when help is rendered, not when the modules load, so
that ``--lang`` and the environment, which are read while the command line is parsed,
decide the language. :class:`TranslatedContext` does that through its formatter, and
every command uses it (:class:`TranslatedCommand`, :class:`TranslatedGroup`).

Click's own texts ("Usage:", "Options", "[default: …]", usage errors such as "Invalid
value for …") come from ``gettext`` calls in click's modules, with English msgids and
gettext's global domain, which our catalogs are not. :func:`click_messages` routes those
calls, while amif-search runs, to the Swedish msgids of :data:`CLICK_TEXTS` and
:data:`CLICK_PLURALS`, and so to our catalogs; a text not listed there stays click's
English. The routing is switched off again on the way out, so that nothing else in the
process sees it.
"""

from __future__ import annotations

import contextlib
import gettext
import importlib
from collections.abc import Iterator

import click

from ..i18n import N_, N_plural, _, ngettext

__all__ = [
    "CLICK_TEXTS", "CLICK_PLURALS", "click_text", "click_messages", "TranslatedFormatter", "TranslatedContext",
    "TranslatedCommand", "TranslatedGroup",
]

# Click's English texts (its gettext msgids and its default metavars) -> our Swedish msgids.
# Only texts amif-search can show are listed.
CLICK_TEXTS: dict[str, str] = {
    # Help.
    "Usage:": N_("Användning:"),
    "Options": N_("Flaggor"),
    "Commands": N_("Kommandon"),
    "Show this message and exit.": N_("Visa den här hjälpen och avsluta."),
    # Translators: click's note after an option's help, as in "[standard: 10]".
    "default: {default}": N_("standard: {default}"),
    # Translators: click's note after the help of an option that must be given, as in "[obligatorisk]".
    "required": N_("obligatorisk"),
    # Translators: in a usage line, as in "amif-search search [FLAGGOR] QUERY"; keep the brackets.
    "[OPTIONS]": N_("[FLAGGOR]"),
    # Translators: in a usage line, as in "amif-search index [FLAGGOR] KOMMANDO [ARGUMENT]...".
    "COMMAND [ARGS]...": N_("KOMMANDO [ARGUMENT]..."),
    # Usage errors: amif-search prints them as "amif-search: fel: {message} (se ...)".
    "Invalid value: {message}": N_("Ogiltigt värde: {message}"),
    # Translators: param_hint is an option or argument, as in "'--limit'".
    "Invalid value for {param_hint}: {message}": N_("Ogiltigt värde för {param_hint}: {message}"),
    # Translators: followed by the argument, as in "Saknat argument 'QUERY'."
    "Missing argument": N_("Saknat argument"),
    # Translators: followed by the option, as in "Saknad flagga '--format'."
    "Missing option": N_("Saknad flagga"),
    "Missing parameter": N_("Saknad parameter"),
    "Missing command.": N_("Kommando saknas."),
    "No such option {name!r}.": N_("Okänd flagga {name!r}."),
    "No such command {name!r}.": N_("Okänt kommando {name!r}."),
    # Translators: range is a formula such as 1<=x<=1000.
    "{value} is not in the range {range}.": N_("{value} ligger inte inom intervallet {range}."),
    # Click's own text names the type in English ('integer range'), so ours leaves it out.
    "{value!r} is not a valid {number_type}.": N_("{value!r} är inte ett giltigt tal."),
    # Translators: after "Saknad flagga '--format'."; choices are the values, one a line.
    "Choose from:\n\t{choices}": N_("Välj bland:\n\t{choices}"),
    # Click names the kind of path in English ('File'), so ours leave it out.
    "{name} {filename!r} does not exist.": N_("{filename!r} finns inte."),
    "{name} {filename!r} is a file.": N_("{filename!r} är en fil."),
    "{name} {filename!r} is a directory.": N_("{filename!r} är en mapp."),
    "{name} {filename!r} is not readable.": N_("{filename!r} kan inte läsas."),
}

CLICK_PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        N_plural("Oväntat extra argument ({args})", "Oväntade extra argument ({args})"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        N_plural("Menade du {possibility}?", "(Menade du någon av: {possibilities}?)"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        N_plural("{value!r} är inte {choice}.", "{value!r} är inte något av {choices}."),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        N_plural("Flaggan {name!r} behöver ett värde.", "Flaggan {name!r} behöver {nargs} värden."),
}

# The modules whose texts are routed; click.decorators is left out on purpose: its texts
# (the --help option's) are fixed when an option is made and then cached on the command,
# so they are translated when rendered instead (see TranslatedFormatter).
_CLICK_MODULES = ("click.core", "click.exceptions", "click.formatting", "click.parser", "click.types")


def click_text(text: str) -> str:
    """One of click's English texts in the current language; any other text unchanged."""
    swedish = CLICK_TEXTS.get(text)
    return text if swedish is None else _(swedish)


def _click_gettext(message: str) -> str:
    swedish = CLICK_TEXTS.get(message)
    return gettext.gettext(message) if swedish is None else _(swedish)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    swedish = CLICK_PLURALS.get((singular, plural))
    return gettext.ngettext(singular, plural, n) if swedish is None else ngettext(*swedish, n)


@contextlib.contextmanager
def click_messages() -> Iterator[None]:
    """Translate click's own texts into the current language while the block (or decorated function) runs.

    Click's modules call ``gettext.gettext`` through names they imported (``_``,
    ``ngettext``); those names are pointed at our catalogs and restored afterwards. A
    module whose name is no longer gettext's (another click version) is left alone, and
    its texts stay English. Nested use is harmless.
    """
    replaced = []
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        for attribute, original, ours in (("_", gettext.gettext, _click_gettext),
                                          ("ngettext", gettext.ngettext, _click_ngettext)):
            if getattr(module, attribute, None) is original:
                setattr(module, attribute, ours)
                replaced.append((module, attribute, original))
    try:
        yield
    finally:
        for module, attribute, original in reversed(replaced):
            setattr(module, attribute, original)


class TranslatedFormatter(click.HelpFormatter):
    """Translates the help texts (Swedish msgids) as they are written into the help."""

    def write_text(self, text: str) -> None:
        super().write_text(_(text) if text else text)

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _translate_cell(text)) for term, text in rows], col_max, col_spacing)


def _translate_cell(text: str) -> str:
    """An option's or a command's help, with click's "  [default: …]" note kept as it is.

    Click appends the note (already in the current language, see click_messages) to the
    help text; only the help text before it is a msgid.
    """
    help_text, note = text, ""
    if text.endswith("]"):
        at = text.rfind("  [")
        if at >= 0:
            help_text, note = text[:at], text[at:]
        elif text.startswith("["):
            help_text, note = "", text
    if not help_text:
        return note
    # The --help option's text is click's English; every other help text is a msgid of ours.
    return _(CLICK_TEXTS.get(help_text, help_text)) + note


class TranslatedContext(click.Context):
    """A context whose help (and usage line) is rendered in the current language."""

    formatter_class = TranslatedFormatter

    def get_help(self) -> str:
        with click_messages():
            return super().get_help()

    def get_usage(self) -> str:
        with click_messages():
            return super().get_usage()


class _TranslatedUsage:
    """Makes a command's context a TranslatedContext and translates click's metavars in its usage line."""

    context_class = TranslatedContext

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        # Only click's own pieces ("[OPTIONS]", "COMMAND [ARGS]..."): a metavar of ours
        # such as ID must not be looked up as a message.
        return [click_text(piece) for piece in super().collect_usage_pieces(ctx)]  # type: ignore[misc]


class TranslatedCommand(_TranslatedUsage, click.Command):
    """A command whose help speaks the user's language."""


class TranslatedGroup(_TranslatedUsage, click.Group):
    """A group whose help speaks the user's language, as do the commands and groups defined on it."""

    command_class = TranslatedCommand
    group_class = type
