"""The command line: a thin shell over the library.

Every command checks its input, calls the library and prints. Errors of the project reach
:func:`main`, which prints them as one line each on stderr and exits with their code
(2 for bad input; 1 when nothing was found, as grep does).
"""

from __future__ import annotations

import gc
import os
import sys

import click

from .. import __version__
from ..errors import AmifSearchError
from ..i18n import N_, _, detect_languages, ngettext, pop_warnings, set_language
from ..i18n.languages import best_language, interface_languages
from .helptext import TranslatedGroup, click_messages

__all__ = ["main", "cli"]



class _InterfaceLanguage(click.ParamType):
    """An interface language: Swedish or one with a catalog (looked for when the option is read)."""

    name = "lang"

    def get_metavar(self, param, *args, **kwargs) -> str:
        return "[" + "|".join(interface_languages()) + "]"

    def convert(self, value, param, ctx):
        available = interface_languages()
        chosen = best_language(value, available)
        if chosen is None:
            # click's own message for a choice, so that it reads as before
            choices = ", ".join(map(repr, available))
            self.fail(ngettext("{value!r} är inte {choice}.", "{value!r} är inte något av {choices}.",
                               len(available)).format(value=value, choice=choices, choices=choices), param, ctx)
        return chosen


# name -> (module, attribute, short help): a command's module is imported only when the
# command runs, so that 'search' does not pay for the web server or catalogs. The short help
# lists the commands in --help without importing them: it is the msgid of the command's own
# short_help (marked for translation there, so not here; a test keeps the two the same).
_COMMANDS = {
    "search": ("search", "search", "Sök bland projekten."),
    "list": ("search", "list_projects", "Lista alla projekt."),
    "show": ("search", "show", "Visa ett projekt i sin helhet."),
    "index": ("index", "index", "Bygg och granska sökindexet."),
    "glossary": ("glossary", "glossary", "Domänordlistan: slå upp och utbyt termer."),
    "catalog": ("catalog", "catalog", "Underhåll gettext-katalogerna."),
    "serve": ("serve", "serve", "Kör söksidan och JSON-API:t."),
}
class _OutputClosed(Exception):
    """The reader of our output went away (``| head -1``): not an error of ours."""


_LISTING = "amif_search.listing"   # ctx.meta key: set while --help lists the commands


class _Group(TranslatedGroup):
    """Lists commands in a fixed order and imports each one's module on first use."""

    def make_context(self, info_name, args, parent=None, **extra):
        # The environment's language before parsing: '--help' and usage errors of the
        # top-level options are rendered while parsing, maybe without any --lang.
        _use_language(None)
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in _COMMANDS if self.get_command(ctx, name) is not None]

    def invoke(self, ctx: click.Context):
        # click turns a broken pipe into exit code 1 before main() could see it.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _OutputClosed from None

    def format_commands(self, ctx: click.Context, formatter) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            ctx.meta.pop(_LISTING, None)

    def get_command(self, ctx: click.Context, name: str):
        if name in self.commands:
            return self.commands[name]
        if name not in _COMMANDS:
            return None
        module_name, attribute, short_help = _COMMANDS[name]
        if ctx.meta.get(_LISTING):
            if not _has_module(module_name):
                return None
            return click.Command(name, short_help=short_help)  # a stand-in, for its line in the list
        try:
            module = __import__(f"{__name__}.{module_name}", fromlist=[attribute])
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module_name}":
                raise
            return None
        command = getattr(module, attribute)
        self.add_command(command, name)
        return command


def _has_module(name: str) -> bool:
    """Whether this package has the command module ``name``, without importing it."""
    folders = [folder for folder in __path__ if os.path.isdir(folder)]
    if len(folders) < len(__path__):
        return True  # not plain folders (a zip file): the import will tell
    return any(os.path.exists(os.path.join(folder, name + suffix)) for folder in folders for suffix in (".py", ".pyc"))


def _use_language(lang: str | None) -> str:
    chosen, *fallbacks = detect_languages(lang)
    set_language(chosen, fallbacks=fallbacks)
    for warning in pop_warnings():  # a catalog that cannot be used: said once, texts fall back to Swedish
        click.echo(f"amif-search: {warning}", err=True)
    return chosen


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    # --lang is eager, so that a '--help' after it speaks its language.
    return _use_language(value)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Sök bland projekten inom EU:s asyl-, migrations- och integrationsfond (AMIF) i Finland."))
@click.version_option(__version__, "--version", prog_name="amif-search", message="%(prog)s %(version)s",
                      help=N_("Visa versionen och avsluta."))
# --ui names the interface language here as ui= does on the search page and in the API;
# --lang is the name it had first.
@click.option("--ui", "--lang", "lang", type=_InterfaceLanguage(), default=None, is_eager=True,
              callback=_choose_language,
              help=N_("Gränssnittets språk (standard: LANGUAGE, LC_ALL, LC_MESSAGES, LANG, annars sv)."))
def cli(lang: str) -> None:
    # --lang has done its work in its callback.
    pass


@click_messages()  # click's own texts (usage errors) in the user's language, also where they are printed below
def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of raising it."""
    try:
        return _main(argv)
    finally:
        for warning in pop_warnings():  # a translation that could not be used, met during the command
            click.echo(f"amif-search: {warning}", err=True)


def _main(argv: list[str] | None) -> int:
    try:
        result = cli.main(args=argv, prog_name="amif-search", standalone_mode=False)
    except AmifSearchError as exc:
        for line in exc.lines():
            click.echo(_("amif-search: fel: {message}").format(message=line), err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo(_("amif-search: avbrutet"), err=True)
        return 130
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "amif-search"
        click.echo(_("amif-search: fel: {message} (se '{command} --help')").format(
            message=exc.format_message(), command=command), err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(_("amif-search: fel: {message}").format(message=exc.format_message()), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo(_("amif-search: avbrutet"), err=True)
        return 130
    except (BrokenPipeError, _OutputClosed):
        # Output piped into 'head' and closed early: not an error of ours.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("AMIF_SEARCH_DEBUG"):
            raise
        click.echo(_("amif-search: internt fel: {kind}: {message} (sätt AMIF_SEARCH_DEBUG=1 för detaljer)").format(
            kind=type(exc).__name__, message=exc), err=True)
        return 3
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    # The search never multiplies matrices, so the command needs no BLAS thread pool; numpy's
    # import would otherwise start one thread a core, which spend CPU time on a busy machine
    # (a one-query process: about 85 ms of CPU on 2 cores). Only the command's own process is
    # told so: a program that imports the library keeps its own setting.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Starting up creates a few hundred thousand objects (modules, functions, the index's
    # tables) that live as long as the process: with the default threshold of 700 new
    # objects, the collector ran through them tens of times before the first answer (about
    # 15 ms of a one-query process). Cycles are still collected, every 10 000 objects.
    gc.set_threshold(10_000)
    _exit(main())


def _exit(code: int) -> None:
    """End the process without tearing the interpreter down.

    Freeing every object one by one at exit grows with the index (the lexicon alone is
    hundreds of thousands of strings) and cost a one-query process at 10 000 projects
    tens of milliseconds. The exit handlers still run and the output is flushed; when
    another thread still runs, the process exits the ordinary way.
    """
    import atexit  # noqa: PLC0415
    import threading  # noqa: PLC0415

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)
