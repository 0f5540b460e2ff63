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

__all__ = ["PositionedTokenizer", "build_schema", "SCHEMA_VERSION", "TEXT_SOURCES", "FORMS",
           "GROUP_SEPARATOR", "FORM_SEPARATOR"]

SCHEMA_VERSION = 1

# The text a project is searched by, and the forms each word is indexed under.
TEXT_SOURCES = ("title", "short", "desc", "impl")
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


def build_schema() -> Schema:
    """The schema of a project index."""
    fields = {
        # Nothing is stored in Whoosh (its stored fields are pickles): the ID is read
        # from a column, the project from records.sqlite.
        "id": ID(unique=True, sortable=True),
        "objective": ID(),
        "start_year": NUMERIC(int, bits=32),
        "end_year": NUMERIC(int, bits=32),
        "support_cents": NUMERIC(int, bits=64),
    }
    for source in TEXT_SOURCES:
        for form in FORMS:
            phrase = form in ("", "_fold")
            fields[source + form] = TEXT(analyzer=PositionedTokenizer(), phrase=phrase)
    return Schema(**fields)
