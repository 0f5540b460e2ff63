"""Finding what a query matched in a text, and cutting a snippet around it.

Works on the analysed forms of the query (:class:`MatchForms`), so a derivation, a folded
spelling or a member inside a compound is highlighted too: for 'trauma', the
'traumatiserade' inside 'krigstraumatiserade'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .analysis import SwedishAnalyzer, Token

__all__ = ["MatchForms", "match_spans", "make_snippet", "Snippet"]


@dataclass
class MatchForms:
    """The analysed forms a query looks for."""

    stems: set[str] = field(default_factory=set)
    roots: set[str] = field(default_factory=set)
    folds: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def add(self, token: Token, derivations: bool = True) -> None:
        """Look for ``token`` (and its compound members) in all its forms."""
        self.stems.add(token.stem)
        self.folds.add(token.fold)
        if derivations:
            self.roots.add(token.root)
        for part in token.parts:
            self.stems.add(part.stem)
            self.folds.add(part.fold)
            if derivations:
                self.roots.add(part.root)

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes)

    def matches(self, stem: str, root: str, folded: str) -> bool:
        return (stem in self.stems or root in self.roots or folded in self.folds
                or bool(self.prefixes) and any(stem.startswith(p) for p in self.prefixes))


def match_spans(text: str, analyzer: SwedishAnalyzer, forms: MatchForms,
                splits: Mapping[str, list[list[int]]] | None = None) -> list[tuple[int, int]]:
    """Character spans of ``text`` that the query matched: whole words or compound members
    (``splits``: the text's compounds as the index keeps them, see
    :func:`~amif_search.text.analysis.compound_splits`)."""
    spans: list[tuple[int, int]] = []
    if not forms:
        return spans
    # What each word (its remembered analysis) matched, worked out once: words recur.
    found: dict[str, tuple[tuple[int, int], ...]] = {}
    for word, start, end, known in analyzer.analysed_words(text, splits):
        matched = found.get(word)
        if matched is None:
            if forms.matches(known.stem, known.root, known.fold):
                matched = ((0, end - start),)
            else:
                matched = tuple((p.start, p.end) for p in known.parts if forms.matches(p.stem, p.root, p.fold))
            found[word] = matched
        spans.extend((start + s, start + e) for s, e in matched)
    return spans


@dataclass
class Snippet:
    """An excerpt of a text and the spans in it to highlight."""

    text: str
    spans: list[tuple[int, int]]


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = 240) -> Snippet:
    """The ``width``-character window of ``text`` with the most matches, cut at word bounds."""
    if len(text) <= width:
        return Snippet(text, list(spans))
    best_start, best_count = 0, -1
    for start, _end in spans or [(0, 0)]:
        window_start = max(0, start - width // 4)
        count = len({text[s:e].lower() for s, e in spans if window_start <= s and e <= window_start + width})
        if count > best_count:
            best_start, best_count = window_start, count
    start = best_start
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return Snippet(prefix + text[start:end] + suffix, inside)
