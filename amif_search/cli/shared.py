"""What the commands share: their common options and the few steps each would write again.

- ``--index DIR`` (:data:`index_option`) on every command that reads or writes the index, and
  :func:`open_index`, which opens it as ``search``, ``list`` and ``show`` do: built on first
  use with a progress bar on a terminal, a stale index said once on stderr;
- ``--format``, ``--json`` and ``--fields`` (:func:`output_options`, :func:`chosen_format`,
  :func:`chosen_fields`) on the commands that print records (the formats themselves, and
  :func:`~.output.echo_json` and :func:`~.output.cell`, are in :mod:`.output`);
- :func:`progress_bar`;
- :class:`CommandsInOrder`, a group that lists its commands in the order they were added.

The interface language (``--ui``) is the top-level group's option, in :mod:`amif_search.cli`;
errors reach the user through :func:`amif_search.cli.main`, the one place that prints them.
"""

from __future__ import annotations

import sys
from typing import Callable, Sequence

import click

from ..i18n import N_, _
from .helptext import TranslatedGroup
from .output import FORMATS

__all__ = ["index_option", "open_index", "progress_bar", "output_options", "chosen_format",
           "chosen_fields", "CommandsInOrder"]

index_option = click.option("--index", "index_dir", type=click.Path(file_okay=False), default=None,
                            help=N_("Indexmappen (standard: AMIF_SEARCH_INDEX, annars index i användarens "
                                    "datamapp)."))


def progress_bar(label: str, quiet: bool = False):
    """A progress bar on a terminal's stderr; None when ``quiet`` or when stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    from .progress import ProgressBar  # noqa: PLC0415

    return ProgressBar(label)


def open_index(index_dir: str | None):
    """The collection in ``index_dir`` (built first when there is none); a stale index is
    said once on stderr, before the answer."""
    from ..collection import open_collection  # noqa: PLC0415

    collection = open_collection(index_dir, progress=progress_bar(_("Bygger index")))
    for warning in collection.warnings:
        click.echo(_("amif-search: varning: {warning}").format(warning=warning), err=True)
    return collection


def output_options(f: Callable) -> Callable:
    """The options ``--format``, ``--json`` (its alias) and ``--fields``."""
    f = click.option("--fields", metavar="FIELD,...", default=None,
                     help=N_("Bara dessa fält (kolumner), åtskilda med kommatecken, i denna ordning."))(f)
    f = click.option("--json", "as_json", is_flag=True, help=N_("Samma som --format json."))(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help=N_("Utdataformat: table (standard), json, jsonl (en post per rad), csv (för "
                             "kalkylprogram: UTF-8 med BOM) eller tsv."))(f)
    return f


def chosen_format(fmt: str | None, as_json: bool) -> str:
    """The format ``--format`` and ``--json`` name together (``table`` when neither)."""
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(_("--json och --format {format} går inte ihop").format(format=fmt))
    return "json" if as_json else fmt or "table"


def chosen_fields(text: str | None, known: Sequence[str]) -> list[str] | None:
    """The fields named in ``--fields``, checked against ``known``."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise click.BadParameter(_("okänt fält {name} (kända: {known})").format(
            name=unknown[0] if unknown else "''", known=", ".join(known)), param_hint="'--fields'")
    return names


class CommandsInOrder(TranslatedGroup):
    """A group that lists its commands in the order they were added (the order of the work),
    not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)
