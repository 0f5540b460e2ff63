"""Merging a template into a language catalog, as ``msgmerge --previous`` does.

polib's own ``merge()`` only copies entries whose msgid is unchanged; a translator then
loses every translation of a message that gained a comma. This module follows GNU
msgmerge instead:

- an entry whose msgctxt and msgid are in the old catalog (or among its obsolete
  entries) keeps its translation, translator comments and fuzzy flag;
- an entry that is new, but close to an old translated one, gets that translation
  marked fuzzy, and the old msgid in ``#|`` lines so that the translator sees what
  changed. Closeness is msgmerge's: the share of common characters (an LCS ratio) above
  0.6, among candidates that share a 4-letter sequence with it;
- old translated entries that nothing used become obsolete (``#~``), after the obsolete
  entries the catalog already had; untranslated ones are dropped;
- the order is the template's; references, extracted comments and format flags come
  from the template; the header is the catalog's, with the template's
  Report-Msgid-Bugs-To and POT-Creation-Date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import polib

from .plurals import parse_plural_forms
from .pofile import format_po, read_po_path, write_po_path

__all__ = ["merge_catalog", "update_catalog", "MergeResult", "similarity", "FUZZY_THRESHOLD"]

FUZZY_THRESHOLD = 0.6
# msgmerge's cut-offs (gettext-tools/src/msgl-fsearch.c): shorter msgids than 4
# characters are compared with short old msgids of a fitting length, longer ones with
# the old msgids that share the most 4-grams with them.
_SHORT_STRING_MAX_BYTES = 3 * 4
_SHORT_MSG_MAX = int(_SHORT_STRING_MAX_BYTES * (2 / FUZZY_THRESHOLD - 1))
_CONTEXT_BONUS = 0.00001


@dataclass
class MergeResult:
    """A merged catalog and what the merge did."""

    catalog: polib.POFile
    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0
    changed: bool = False


def _lcs_length(a: bytes, b: bytes) -> int:
    # Bit-parallel longest common subsequence (Allison-Dix / Hyyrö): one big-integer
    # step per byte of b instead of a len(a) x len(b) table.
    if not a or not b:
        return 0
    masks: dict[int, int] = {}
    for i, byte in enumerate(a):
        masks[byte] = masks.get(byte, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for byte in b:
        u = v & masks.get(byte, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def similarity(a: str, b: str) -> float:
    """msgmerge's ``fstrcmp``: 2 x common bytes / all bytes, from 0 (nothing) to 1 (equal)."""
    x, y = a.encode("utf-8"), b.encode("utf-8")
    if not x and not y:
        return 1.0
    return 2 * _lcs_length(x, y) / (len(x) + len(y))


def _grams(text: str) -> set[str]:
    return {text[i:i + 4] for i in range(len(text) - 3)}


def _translated(entry: polib.POEntry) -> bool:
    # msgmerge's test: the first (or only) msgstr is not empty. Fuzzy entries count.
    if entry.msgid_plural:
        return bool(entry.msgstr_plural.get(0) or entry.msgstr_plural.get("0"))
    return bool(entry.msgstr)


class _FuzzyLookup:
    """The old translated entries, searchable for the closest msgid as msgmerge searches."""

    def __init__(self, entries: list[polib.POEntry]) -> None:
        self.entries = [e for e in entries if _translated(e) and e.msgid]
        self.grams: dict[str, list[int]] = {}
        for number, entry in enumerate(self.entries):
            for gram in _grams(entry.msgid):
                self.grams.setdefault(gram, []).append(number)
        self.firstfew = max(10, int(math.sqrt(len(self.entries))))

    @staticmethod
    def weight(candidate: polib.POEntry, msgctxt: str | None, msgid: str) -> float:
        bonus = _CONTEXT_BONUS if candidate.msgctxt is None or candidate.msgctxt == msgctxt else 0.0
        return similarity(msgid, candidate.msgid) + bonus

    def search(self, msgctxt: str | None, msgid: str) -> polib.POEntry | None:
        if len(msgid) >= 4:
            counts: dict[int, int] = {}
            for gram in _grams(msgid):
                for number in self.grams.get(gram, ()):
                    counts[number] = counts.get(number, 0) + 1
            ranked = sorted(counts, key=lambda number: (-counts[number], number))[:self.firstfew]
            candidates = [self.entries[number] for number in ranked]
        else:
            size = len(msgid.encode("utf-8"))
            low = math.ceil(size / (2 / FUZZY_THRESHOLD - 1))
            high = int(size * (2 / FUZZY_THRESHOLD - 1))
            candidates = []
            for length in range(low, min(high, _SHORT_MSG_MAX) + 1):
                candidates += [e for e in self.entries if len(e.msgid.encode("utf-8")) == length]
        best, best_weight = None, FUZZY_THRESHOLD
        for candidate in candidates:
            weight = self.weight(candidate, msgctxt, msgid)
            if weight > best_weight:
                best, best_weight = candidate, weight
        return best


def _nplurals(catalog: polib.POFile) -> int:
    try:
        return parse_plural_forms(catalog.metadata.get("Plural-Forms", ""))[0]
    except ValueError:
        return 2


def _translation_for(template: polib.POEntry, old: polib.POEntry, nplurals: int) -> tuple[str, dict, bool]:
    """msgstr, msgstr_plural, and whether the plural changed (its shape or its msgid_plural),
    which makes the entry fuzzy."""
    if template.msgid_plural and old.msgid_plural:
        forms = {int(k): v for k, v in old.msgstr_plural.items()}
        # A changed msgid_plural alone makes the entry fuzzy too, as msgmerge does: the
        # plural forms translate it.
        return ("", {i: forms.get(i, "") for i in range(max(nplurals, len(forms)))},
                template.msgid_plural != old.msgid_plural)
    if template.msgid_plural:
        return "", {i: old.msgstr for i in range(nplurals)}, True
    if old.msgid_plural:
        forms = {int(k): v for k, v in old.msgstr_plural.items()}
        return forms.get(0, ""), {}, True
    return old.msgstr, {}, False


def _merged_entry(template: polib.POEntry, old: polib.POEntry | None, fuzzy_match: bool,
                  nplurals: int) -> polib.POEntry:
    entry = polib.POEntry(
        msgctxt=template.msgctxt,
        msgid=template.msgid,
        msgid_plural=template.msgid_plural,
        occurrences=list(template.occurrences),
        comment=template.comment,
    )
    template_flags = [f for f in template.flags if f != "fuzzy"]
    if old is None:
        entry.msgstr = ""
        entry.msgstr_plural = {i: "" for i in range(nplurals)} if template.msgid_plural else {}
        entry.flags = template_flags
        return entry
    entry.msgstr, entry.msgstr_plural, reshaped = _translation_for(template, old, nplurals)
    entry.tcomment = old.tcomment
    fuzzy = fuzzy_match or reshaped or old.fuzzy
    entry.flags = (["fuzzy"] if fuzzy else []) + template_flags
    if fuzzy_match or reshaped:
        keep_previous = old.fuzzy and old.previous_msgid is not None
        entry.previous_msgctxt = old.previous_msgctxt if keep_previous else old.msgctxt
        entry.previous_msgid = old.previous_msgid if keep_previous else old.msgid
        entry.previous_msgid_plural = (old.previous_msgid_plural if keep_previous else old.msgid_plural) or None
    elif old.fuzzy:
        entry.previous_msgctxt = old.previous_msgctxt
        entry.previous_msgid = old.previous_msgid
        entry.previous_msgid_plural = old.previous_msgid_plural
    return entry


def _obsolete_copy(old: polib.POEntry) -> polib.POEntry:
    entry = polib.POEntry(
        msgctxt=old.msgctxt, msgid=old.msgid, msgid_plural=old.msgid_plural,
        msgstr=old.msgstr, msgstr_plural=dict(old.msgstr_plural),
        tcomment=old.tcomment, flags=list(old.flags), obsolete=True,
    )
    if old.fuzzy:
        entry.previous_msgctxt = old.previous_msgctxt
        entry.previous_msgid = old.previous_msgid
        entry.previous_msgid_plural = old.previous_msgid_plural
    return entry


def _merged_header(fields: dict[str, str], template: dict[str, str]) -> dict[str, str]:
    """The catalog's header with the template's bug address and creation date, as msgmerge does."""
    items = list(fields.items())
    order = ["Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date"]
    for key in order[1:]:
        if key not in template:
            continue
        keys = [k for k, _v in items]
        if key in keys:
            items[keys.index(key)] = (key, template[key])
            continue
        before = [keys.index(k) for k in order[:order.index(key)] if k in keys]
        items.insert(max(before) + 1 if before else 0, (key, template[key]))
    return dict(items)


def merge_catalog(catalog: polib.POFile, template: polib.POFile) -> MergeResult:
    """A new catalog: ``template``'s entries with ``catalog``'s translations (see module doc)."""
    before = format_po(catalog)
    nplurals = _nplurals(catalog)
    old_entries = [e for e in catalog if not e.obsolete] + [e for e in catalog if e.obsolete]
    exact: dict[tuple[str | None, str], polib.POEntry] = {}
    for old in old_entries:
        exact.setdefault((old.msgctxt, old.msgid), old)
    similar = _FuzzyLookup(old_entries)

    merged = polib.POFile(wrapwidth=catalog.wrapwidth, encoding="utf-8")
    merged.header = catalog.header
    merged.metadata = _merged_header(catalog.metadata, template.metadata)
    merged.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    result = MergeResult(merged)
    used: set[int] = set()
    for wanted in template:
        if wanted.obsolete:
            continue
        old = exact.get((wanted.msgctxt, wanted.msgid))
        fuzzy_match = False
        if old is None:
            old = similar.search(wanted.msgctxt, wanted.msgid)
            fuzzy_match = old is not None
        if old is not None:
            used.add(id(old))
        entry = _merged_entry(wanted, old, fuzzy_match, nplurals)
        merged.append(entry)
        if old is None:
            result.new += 1
        elif entry.fuzzy:
            result.fuzzy += 1
        else:
            result.kept += 1
    for old in old_entries:
        if id(old) not in used and _translated(old):
            merged.append(_obsolete_copy(old))
            result.obsolete += 1
    result.changed = format_po(merged) != before
    return result


def update_catalog(po_path: Path | str, pot_path: Path | str) -> MergeResult:
    """Merge the template at ``pot_path`` into the catalog at ``po_path`` and save it if it changed."""
    template = read_po_path(pot_path, template=True)
    catalog = read_po_path(po_path)
    result = merge_catalog(catalog, template)
    result.changed = write_po_path(result.catalog, po_path)
    return result
