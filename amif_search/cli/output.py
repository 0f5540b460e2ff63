"""Output formats shared by ``search``, ``list`` and ``glossary list``.

``--format table|json|jsonl|csv|tsv`` and ``--fields a,b,c``; ``--json`` is an alias of
``--format json``. Every format writes the same records (a hit, a project, a concept) under the
same keys as the JSON form:

- ``json``: one object, the records under one key beside the totals (as ``--json`` always did);
- ``jsonl``: one record a line, nothing else;
- ``csv``: for spreadsheets. UTF-8 with a byte-order mark, commas, fields quoted where
  they must be, lines ended by CR LF (RFC 4180). Excel reads a file as UTF-8 only when it
  starts with the mark (without it, å, ä and ö come out wrong); LibreOffice and Python's
  ``csv`` with ``encoding="utf-8-sig"`` read it too;
- ``tsv``: for other tools: UTF-8 without the mark, tabs, ``\\n`` lines, quoted only where a
  value holds a tab, a quote or a line break.

A value that is a list or an object (a hit's highlights, a concept's terms) is written as its
JSON text in csv and tsv.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Callable, Iterable, Sequence

import click

from ..i18n import N_, _

__all__ = ["FORMATS", "output_options", "chosen_format", "chosen_fields", "write_records", "table"]

FORMATS = ("table", "json", "jsonl", "csv", "tsv")
BOM = "\ufeff"


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


def _only(record: dict, fields: Sequence[str] | None) -> dict:
    return record if fields is None else {name: record.get(name) for name in fields}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_records(fmt: str, records: list[dict], fields: Sequence[str] | None, document: dict | None = None,
                  key: str = "records") -> None:
    """Print ``records`` in ``fmt`` (not ``table``); for ``json``, inside ``document`` under ``key``."""
    chosen = [_only(record, fields) for record in records]
    if fmt == "json":
        data = dict(document or {})
        data[key] = chosen
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for record in chosen:
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        columns = list(fields) if fields is not None else _columns(records)
        out = io.StringIO()
        if fmt == "csv":
            out.write(BOM)
            writer = csv.writer(out, lineterminator="\r\n")
        else:
            writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([_cell(record.get(name)) for name in columns])
        click.echo(out.getvalue(), nl=False)


def _columns(records: list[dict]) -> list[str]:
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    return list(columns)


def table(rows: Iterable[Sequence[str]], headers: Sequence[str] | None = None, width: int | None = None) -> str:
    """Columns aligned by the longest value; the last column is cut to ``width`` when given."""
    rows = [list(row) for row in rows]
    if headers is not None:
        rows.insert(0, list(headers))
    if not rows:
        return ""
    sizes = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        line = "  ".join(value.ljust(size) for value, size in zip(row, sizes))
        line = (line + "  " + row[-1]) if sizes else row[-1]
        if width is not None and len(line) > width:
            line = line[:max(width - 1, 0)] + "…"
        lines.append(line.rstrip())
    return "\n".join(lines)
