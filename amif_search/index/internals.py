"""The private parts of Whoosh that amif-search relies on, in one place, and checked.

Two modules go below Whoosh's public interface, for speed: :mod:`.plan` decodes the W3
codec's posting blocks and reads the document-length column directly, and :mod:`.writer`
replaces the segment writer's pool of postings and its commit. Both were written against
Whoosh 2.7.4, which is pinned exactly (README, "The search engine"). Another version could
keep the names and change what they hold, and then answer wrongly without a word, so
:func:`check_whoosh` (called when an index is opened or written) refuses any other version,
and any version whose classes lack what is relied on, with one clear message.
``tests/test_whoosh_internals.py`` checks the same, and that what is read through these
attributes is what Whoosh's public interface gives.
"""

from __future__ import annotations

import numpy as np

from ..errors import IndexStateError

__all__ = ["WHOOSH_VERSION", "RELIED_ON", "check_whoosh", "read_postings", "read_positions", "length_bytes"]

# The one version of Whoosh this module was written and tested against.
WHOOSH_VERSION = (2, 7, 4)

# What is relied on: (module, class or None, attribute, the names its code must use). An
# attribute set in ``__init__`` is checked through the names ``__init__``'s code assigns.
# Reading (index/plan.py), checked when an index is opened: these modules are loaded then.
READING = [
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "__init__", ("_byteids", "_postfile", "format")),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_goto", ("_data", "_blocklength", "_maxid")),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_read_data", ("_data", "loads")),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_read_ids", ("_data", "_byteids", "delta_decode")),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_read_weights", ("_data", "_blocklength")),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_next_block", ()),
    ("whoosh.codec.whoosh3", "W3PerDocReader", "_cached_reader", ()),
    ("whoosh.codec.whoosh3", None, "LENGTHS_COLUMN", ()),
    ("whoosh.codec.whoosh3", None, "_lenfield", ()),
    ("whoosh.columns", "NumericColumn.Reader", "__init__", ("_dbfile", "_basepos", "_count")),
    ("whoosh.matching.wrappers", "FilterMatcher", "__init__", ("child", "_exclude")),
    ("whoosh.reading", "SegmentReader", "__init__", ("_perdoc",)),
    ("whoosh.formats", "Positions", "decode_positions", ()),
]
# Writing (index/writer.py), checked before an index is written.
WRITING = [
    ("whoosh.writing", "PostingPool", "__init__", ("fieldnames", "currentsize", "limit")),
    ("whoosh.externalsort", "SortingPool", "__init__", ("current", "runs")),
    ("whoosh.writing", "PostingPool", "save", ()),
    ("whoosh.writing", "PostingPool", "iter_postings", ()),
    ("whoosh.writing", "PostingPool", "_open_run", ()),
    ("whoosh.writing", "PostingPool", "_remove_run", ()),
    ("whoosh.writing", "SegmentWriter", "__init__", ("pool", "_tempstorage", "newsegment", "perdocwriter",
                                                     "fieldwriter", "codec", "_added")),
    ("whoosh.writing", "SegmentWriter", "_flush_segment", ("perdocwriter", "fieldwriter", "pool")),
    ("whoosh.writing", "SegmentWriter", "_merge_segments", ()),
    ("whoosh.writing", "SegmentWriter", "_finalize_segment", ()),
    ("whoosh.writing", "SegmentWriter", "_close_segment", ()),
    ("whoosh.writing", "SegmentWriter", "_commit_toc", ()),
    ("whoosh.writing", "SegmentWriter", "_finish", ()),
    ("whoosh.writing", "SegmentWriter", "per_document_reader", ()),
    ("whoosh.writing", "SegmentWriter", "add_document", ("docnum", "perdocwriter", "pool", "_added")),
    ("whoosh.codec.whoosh3", "W3PerDocWriter", "add_field", ("_fieldlengths", "add_column_value")),
    ("whoosh.codec.whoosh3", "W3PerDocWriter", "finish_doc", ("_indoc",)),
    ("whoosh.codec.whoosh3", "W3FieldWriter", "start_field", ("_postwriter",)),
    ("whoosh.codec.whoosh3", "W3FieldWriter", "start_term", ()),
    ("whoosh.codec.whoosh3", "W3FieldWriter", "finish_term", ()),
    ("whoosh.codec.whoosh3", "W3FieldWriter", "finish_field", ()),
    ("whoosh.codec.whoosh3", "W3PostingsWriter", "add_posting",
     ("_blocklimit", "_ids", "_weights", "_values", "_maxweight", "_minlength", "_maxlength", "_write_block")),
    ("whoosh.formats", "Positions", "encode", ("pack_uint", "dumps")),
    ("whoosh.system", None, "pack_uint", ()),
    ("whoosh.util", None, "random_name", ()),
]
RELIED_ON = {"reading": READING, "writing": WRITING}

_checked: dict[str, str] = {}


def problems(part: str = "reading") -> list[str]:
    """What differs from what ``part`` (reading or writing) relies on in the installed
    Whoosh (none: [])."""
    import importlib  # noqa: PLC0415

    import whoosh  # noqa: PLC0415

    found = []
    version = tuple(getattr(whoosh, "__version__", ()))
    if version != WHOOSH_VERSION:
        found.append("version {} (not {})".format(".".join(map(str, version)) or "unknown",
                                                  ".".join(map(str, WHOOSH_VERSION))))
    for module_name, class_name, attribute, names in RELIED_ON[part]:
        try:
            owner = importlib.import_module(module_name)
            for part in (class_name or "").split(".") if class_name else ():
                owner = getattr(owner, part)
            value = getattr(owner, attribute)
        except (ImportError, AttributeError):
            found.append(f"{module_name}.{class_name + '.' if class_name else ''}{attribute} is missing")
            continue
        code = getattr(value, "__code__", None)
        if names and (code is None or not set(names) <= set(code.co_names) | set(code.co_varnames)):
            missing = sorted(set(names) - (set(code.co_names) | set(code.co_varnames) if code else set()))
            found.append(f"{module_name}.{class_name}.{attribute} no longer uses {', '.join(missing)}")
    return found


def check_whoosh(part: str = "reading") -> None:
    """Raise :class:`IndexStateError` unless the installed Whoosh is the one ``part``
    (reading or writing) relies on. Checked once per process."""
    found = _checked.get(part)
    if found is None:
        found = _checked[part] = "; ".join(problems(part))
    if found:
        raise IndexStateError(
            f"amif-search needs Whoosh {'.'.join(map(str, WHOOSH_VERSION))} exactly, as pinned "
            f"(pip install 'whoosh=={'.'.join(map(str, WHOOSH_VERSION))}'): its index reader and writer "
            f"use that version's private attributes, and the installed one differs: {found}")


def _unfiltered(matcher):
    """A term's own block matcher: Whoosh wraps it to skip deleted documents, which the
    callers drop themselves."""
    from whoosh.matching.wrappers import FilterMatcher  # noqa: PLC0415

    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        return matcher.child
    return matcher


def _block_ids(block_ids, byteids: bool) -> np.ndarray:
    ids = np.asarray(block_ids, dtype=np.int64)
    return ids if byteids else np.cumsum(ids)   # delta-coded from 0 in each block


def read_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers int32, frequencies float32) of a term's postings, block by block
    as the W3 codec stores them: (delta-coded ids, weights, values) in one pickle a block."""
    from whoosh.codec.whoosh3 import W3LeafMatcher  # noqa: PLC0415

    matcher = _unfiltered(matcher)
    ids, weights = [], []
    if type(matcher) is W3LeafMatcher:
        byteids = matcher._byteids
        while matcher.is_active():
            matcher._read_data()
            block_ids, block_weights = matcher._data[0], matcher._data[1]
            ids.append(_block_ids(block_ids, byteids))
            if block_weights is None:
                weights.append(np.ones(matcher._blocklength, dtype=np.float32))
            elif isinstance(block_weights, float):
                weights.append(np.full(matcher._blocklength, block_weights, dtype=np.float32))
            else:
                weights.append(np.asarray(block_weights, dtype=np.float32))
            matcher._next_block()
    else:   # another matcher (not written by this codec): its public interface
        while matcher.is_active():
            ids.append(np.array([matcher.id()], dtype=np.int64))
            weights.append(np.array([matcher.weight()], dtype=np.float32))
            matcher.next()
    if not ids:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights)


def read_positions(matcher, fmt) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document numbers, offsets, positions) of a term: the positions in the document
    ``docs[i]`` are ``positions[offsets[i]:offsets[i + 1]]``."""
    from whoosh.codec.whoosh3 import W3LeafMatcher  # noqa: PLC0415

    matcher = _unfiltered(matcher)
    docs, lists = [], []
    decode = fmt.decode_positions
    if type(matcher) is W3LeafMatcher:
        byteids = matcher._byteids
        while matcher.is_active():
            matcher._read_data()
            docs.append(_block_ids(matcher._data[0], byteids))
            lists.extend(decode(value) for value in matcher._data[2])
            matcher._next_block()
    else:
        while matcher.is_active():
            docs.append(np.array([matcher.id()], dtype=np.int64))
            lists.append(matcher.value_as("positions"))
            matcher.next()
    counts = np.fromiter((len(p) for p in lists), dtype=np.int64, count=len(lists))
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    positions = np.fromiter((p for row in lists for p in row), dtype=np.int32, count=int(offsets[-1]))
    ids = np.concatenate(docs).astype(np.int32) if docs else np.zeros(0, dtype=np.int32)
    return ids, offsets, positions


def length_bytes(reader, fieldname: str, doccount: int) -> bytes:
    """Every document's length byte of a field in a segment, read from the lengths column
    in one piece (Whoosh reads it a document at a time)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield  # noqa: PLC0415
    from whoosh.util.numeric import length_to_byte  # noqa: PLC0415

    perdoc = getattr(reader, "_perdoc", None)
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc is not None else None
    if column is None:
        return bytes(length_to_byte(reader.doc_field_length(d, fieldname)) if reader.doc_field_length(d, fieldname)
                     else 0 for d in range(doccount))
    count = min(column._count, doccount)
    raw = column._dbfile.get(column._basepos, count) if count else b""
    return bytes(raw) + bytes(doccount - count)
