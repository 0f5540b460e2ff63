"""Output formats shared by ``search``, ``list`` and ``glossary list``.

``--format table|json|jsonl|csv|tsv`` and ``--fields a,b,c``; ``--json`` is an alias of
``--format json`` (the options are in :mod:`.shared`). Every format writes the same records (a hit, a project, a concept) under the
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
from typing import Iterable, Sequence

import click

__all__ = ["FORMATS", "cell", "echo_json", "write_records", "table"]

FORMATS = ("table", "json", "jsonl", "csv", "tsv")
BOM = "\ufeff"


def echo_json(data: object) -> None:
    """``data`` as indented JSON, letters as they are (not escaped)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _only(record: dict, fields: Sequence[str] | None) -> dict:
    return record if fields is None else {name: record.get(name) for name in fields}


def cell(value: object) -> str:
    """A value as the text of a table's or a csv file's cell: a list or an object as its JSON."""
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
        echo_json(data)
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
            writer.writerow([cell(record.get(name)) for name in columns])
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
