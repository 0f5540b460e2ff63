"""The Whoosh schema and the one analysis class it pickles.

Whoosh stores the schema, analyzers included, by pickling it into the index, and unpickles
it when the index is opened. Everything language-specific therefore happens before Whoosh
sees the text (in :mod:`amif_search.text.analysis`); the schema holds only
:class:`PositionedTokenizer`, which reads the analysed forms back. Its import path is part
of the index format: do not move or rename it. Any change here or in the analysis bumps
:data:`SCHEMA_VERSION` or :data:`amif_search.text.analysis.ANALYSIS_VERSION`, which every index
records and checks.
"""

from __future__ import annotations

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema

from .. import fields as F

__all__ = ["PositionedTokenizer", "build_schema", "SCHEMA_VERSION", "FORMS",
           "GROUP_SEPARATOR", "FORM_SEPARATOR"]

SCHEMA_VERSION = 1

# The forms each word of a text field (see :mod:`amif_search.fields`) is indexed under.
FORMS = ("", "_part", "_root", "_fold")   # exact stem, compound member, derivational root, folded
GROUP_SEPARATOR = " "    # between word positions
FORM_SEPARATOR = "|"     # between forms at one position


class PositionedTokenizer(Tokenizer):
    """Reads 'a|b c d' as a and b at position 0, c at 1, d at 2 (analysed text)."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, group in enumerate(value.split(GROUP_SEPARATOR)):
            if not group:
                continue
            for form in group.split(FORM_SEPARATOR):
                if not form:
                    continue
                token.text = form
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = form
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    token.startchar = token.endchar = start_char
                yield token


def _whoosh_field(field: F.Field):
    # Nothing is stored in Whoosh (its stored fields are pickles): the ID is read
    # from a column, the project from records.sqlite.
    if field.kind == F.ID:
        return ID(unique=True, sortable=True)
    if field.kind == F.CODE:
        return ID()
    if field.kind == F.YEAR:
        return NUMERIC(int, bits=32)
    if field.kind == F.AMOUNT:
        return NUMERIC(int, bits=64)
    raise ValueError(f"field {field.name!r}: no index field for the kind {field.kind!r}")  # pragma: no cover


def build_schema() -> Schema:
    """The schema of a project index: a field per indexed field of the registry, and one per
    form of each text field."""
    fields = {field.index_name: _whoosh_field(field) for field in F.indexed_fields()}
    for field in F.text_fields():
        for form in FORMS:
            phrase = form in ("", "_fold")
            fields[field.index_name + form] = TEXT(analyzer=PositionedTokenizer(), phrase=phrase)
    return Schema(**fields)
