"""The domain glossary: concepts with Swedish, Finnish, English (and more) terms, kept as gettext.

Storage convention (see ``locales/GLOSSARY.md``): the template ``locales/glossary.pot`` is the
Swedish master. Each concept is one entry::

    #. definition: <Swedish definition>
    #. pos: substantiv
    #. domain: psykisk-hälsa
    #. variants: <Swedish variants, separated by "; ">
    #. note: <usage note>
    msgctxt "<concept id>"
    msgid "<Swedish headword>"
    msgstr ""

and ``locales/<lang>/LC_MESSAGES/glossary.po`` holds, in ``msgstr``, the preferred term of that
language followed by its variants, separated by "; ". A language shows up as soon as its
catalog has a translation.

Lookup recognises a term in any language and inflection: each language's Snowball stemmer
reduces the words of the term and of the query, and stems that differ only at the end (Finnish
lapset/lapsi, kiintiöpakolaiset/kiintiöpakolainen, English children/child) still match.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import GlossaryError, Problem
from ..i18n import _
from ..i18n.languages import SOURCE_LANGUAGE, language

__all__ = ["Concept", "Glossary", "TermMatch", "load_glossary", "glossary_digest", "glossary_to_json",
           "glossary_from_json", "GLOSSARY_DOMAIN", "SOURCE_LANGUAGE",
           "stem_for", "PARTS_OF_SPEECH", "DOMAINS", "format_comments", "read_comment_fields", "join_terms",
           "concept_id_problem", "term_problem"]

GLOSSARY_DOMAIN = "glossary"
VARIANT_SEPARATOR = "; "
COMMENT_KEYS = ("definition", "pos", "domain", "variants", "note")
# The documented values of ``pos:`` and ``domain:`` (locales/GLOSSARY.md).
PARTS_OF_SPEECH = ("substantiv", "verb", "adjektiv", "fras", "organisation", "förkortning")
DOMAINS = ("mottagande", "skydd", "placering", "integration", "psykisk-hälsa", "barn-familj", "sysselsättning",
           "utbildning", "tolkning", "boende", "social-trygghet", "finansiering", "myndighet")
_CONCEPT_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


@lru_cache(maxsize=32)
def _stemmer(lang: str):
    name = language(lang).stemmer
    if name is None:
        return None
    import snowballstemmer  # noqa: PLC0415

    return snowballstemmer.stemmer(name)


@lru_cache(maxsize=100_000)
def stem_for(lang: str, word: str) -> str:
    """``word`` lower-cased and stemmed with the language's Snowball stemmer."""
    word = unicodedata.normalize("NFC", word).lower()
    stemmer = _stemmer(lang)
    return stemmer.stemWord(word) if stemmer is not None else word


def _words(text: str) -> list[str]:
    return [m.group(0) for m in _WORD.finditer(unicodedata.normalize("NFC", text))]


def _content(lang: str, words: list[str]) -> list[str]:
    skip = language(lang).function_words
    kept = [w for w in words if w.lower() not in skip]
    return kept or words


def _stems_match(a: str, b: str) -> bool:
    """Equal stems, or stems that differ only in their last letters.

    Snowball leaves some inflections apart: Finnish lapset/lapsi (laps, lap),
    kiintiöpakolaiset/kiintiöpakolainen (…lais, …lain), English children/child.
    """
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 3:
        return True
    return len(short) >= 5 and long.startswith(short[:-1]) and len(long) - len(short) + 1 <= 3


@dataclass
class Concept:
    """One concept and its terms in every language that has them."""

    id: str
    headword: str
    definition: str = ""
    pos: str = ""
    domain: str = ""
    note: str = ""
    terms: dict[str, list[str]] = field(default_factory=dict)
    line: int = 0

    @property
    def variants(self) -> list[str]:
        """Swedish variants (the headword excluded)."""
        return self.terms.get(SOURCE_LANGUAGE, [])[1:]

    def preferred(self, lang: str) -> str | None:
        values = self.terms.get(lang)
        return values[0] if values else None

    def to_json(self) -> dict:
        return {"id": self.id, "headword": self.headword, "pos": self.pos, "domain": self.domain,
                "definition": self.definition, "note": self.note,
                "terms": {lang: list(values) for lang, values in self.terms.items()}}


@dataclass(frozen=True)
class TermMatch:
    """Where a term of a concept was recognised."""

    concept: Concept
    lang: str
    term: str
    exact: bool

    def __hash__(self) -> int:
        return hash((self.concept.id, self.lang, self.term))


@dataclass
class _Term:
    concept_id: str
    lang: str
    text: str
    stems: tuple[str, ...]


class Glossary:
    """All concepts, with an index of every term by language for lookups."""

    def __init__(self, concepts: list[Concept], languages: list[str], digest: str = "",
                 term_stems: dict | None = None) -> None:
        self.concepts = {c.id: c for c in concepts}
        self.languages = languages
        self.digest = digest
        self._terms: dict[str, list[_Term]] = {}
        for concept in concepts:
            for lang, values in concept.terms.items():
                known = (term_stems or {}).get(concept.id, {}).get(lang)
                for index, value in enumerate(values):
                    if known is not None and index < len(known):
                        stems = tuple(known[index])
                    else:
                        stems = tuple(stem_for(lang, w) for w in _content(lang, _words(value)))
                    if stems:
                        self._terms.setdefault(lang, []).append(_Term(concept.id, lang, value, stems))
        self._by_first: dict[str, dict[str, list[_Term]]] = {}
        for lang, terms in self._terms.items():
            index = self._by_first.setdefault(lang, {})
            for term in terms:
                index.setdefault(term.stems[0][:3], []).append(term)
        self.max_words = max((len(t.stems) for ts in self._terms.values() for t in ts), default=1)

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self):
        return iter(self.concepts.values())

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def swedish_words(self) -> list[str]:
        """Every Swedish term, for the compound lexicon."""
        return [value for c in self for value in c.terms.get(SOURCE_LANGUAGE, [])]

    def _candidates(self, lang: str, first_stem: str) -> list[_Term]:
        return self._by_first.get(lang, {}).get(first_stem[:3], [])

    def match_words(self, words: list[str], lang: str) -> list[tuple[int, int, list[TermMatch]]]:
        """Longest glossary terms of ``lang`` in ``words``: (start, end, matches), left to right."""
        stems = [stem_for(lang, w) for w in words]
        found = []
        i = 0
        skip = language(lang).function_words
        while i < len(words):
            if words[i].lower() in skip:
                i += 1
                continue
            best_end, best = i, []
            for term in self._candidates(lang, stems[i]):
                n = len(term.stems)
                # Match the term's content words against the next content words of the query.
                j, k, exact = i, 0, True
                while j < len(words) and k < n:
                    if words[j].lower() in skip and k:
                        j += 1
                        continue
                    if not _stems_match(stems[j], term.stems[k]):
                        break
                    exact = exact and stems[j] == term.stems[k]
                    j, k = j + 1, k + 1
                if k == n:
                    if j > best_end:
                        best_end, best = j, []
                    if j == best_end:
                        best.append(TermMatch(self.concepts[term.concept_id], lang, term.text, exact))
            if best:
                exact_ones = [m for m in best if m.exact]
                if not exact_ones:
                    # Of inexact matches the closest: pakolaiset is pakolainen, not pakolaistyö.
                    distance = {id(m): _distance(m, stems[i:best_end], lang) for m in best}
                    closest = min(distance.values())
                    best = [m for m in best if distance[id(m)] == closest]
                found.append((i, best_end, _unique(exact_ones or best)))
                i = best_end
            else:
                i += 1
        return found

    def lookup(self, text: str, lang: str | None = None) -> list[TermMatch]:
        """Concepts one of whose terms is ``text`` (any inflection), in ``lang`` or in any language."""
        words = _words(text)
        if not words:
            return []
        matches: list[TermMatch] = []
        for language in ([lang] if lang else self.all_languages()):
            for start, end, found in self.match_words(words, language):
                if start == 0 and end == len(words):
                    matches.extend(found)
        # Exact stems first, then the source language, then the order of the catalogs.
        order = {lang: n for n, lang in enumerate(self.all_languages())}
        return sorted(_unique(matches), key=lambda m: (not m.exact, order.get(m.lang, 99), m.concept.id))

    def all_languages(self) -> list[str]:
        return [SOURCE_LANGUAGE] + [lang for lang in self.languages if lang != SOURCE_LANGUAGE]

    def coverage(self) -> dict[str, tuple[int, int]]:
        """Per language: (concepts with a term, all concepts)."""
        total = len(self.concepts)
        return {lang: (sum(1 for c in self if c.terms.get(lang)), total) for lang in self.all_languages()}


def _distance(match: TermMatch, query_stems: list[str], lang: str) -> int:
    """How many letters the term's stems and the query's differ in length, summed."""
    term_stems = [stem_for(lang, w) for w in _content(lang, _words(match.term))]
    content = [s for s in query_stems if s]
    return sum(abs(len(a) - len(b)) for a, b in zip(content, term_stems))


def _unique(matches):
    seen, result = set(), []
    for match in matches:
        key = (match.concept.id, match.lang, match.term)
        if key not in seen:
            seen.add(key)
            result.append(match)
    return result


# A field longer than this is written on several '#.' lines. polib rewraps a comment line
# longer than 79 columns ('#. ' included) and Babel one whose text is longer than 76, so a
# line of at most 76 is saved by both as it is; GNU gettext never rewraps comments.
COMMENT_WIDTH = 76
_FIELD_LINE = re.compile(r"^(%s):(?:\s(.*)|$)" % "|".join(COMMENT_KEYS))


def read_comment_fields(comment: str) -> tuple[dict[str, str], list[str]]:
    """The fields of an entry's extracted comments, and the lines that are no field.

    A field starts with ``key: value``; the lines after it that start no later field
    continue its value (as polib, Babel and the writer wrap a long one). A key that comes
    again, or before one it should follow, is read as text of the field before it.
    """
    values: dict[str, str] = {}
    stray: list[str] = []
    current: str | None = None
    for line in (comment or "").split("\n"):
        text = line.strip()
        match = _FIELD_LINE.match(text)
        if match and (current is None or COMMENT_KEYS.index(match[1]) > COMMENT_KEYS.index(current)):
            current = match[1]
            values[current] = (match[2] or "").strip()
        elif current is not None:
            if text:
                values[current] = f"{values[current]} {text}".strip()
        elif text:
            stray.append(line)
    return values, stray


def parse_comments(comment: str) -> dict[str, str]:
    """The fields of an entry's extracted comments (see :func:`read_comment_fields`)."""
    return read_comment_fields(comment)[0]


def _field_text(key: str, value: str, width: int | None) -> str:
    text = f"{key}: {value}"
    if width is None or len(text) <= width:
        return text
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    # A continued line that would read as a later field stays unwrapped.
    if any(_FIELD_LINE.match(line) for line in lines[1:]):
        return text
    return "\n".join(lines)


def format_comments(values: dict[str, str], width: int | None = COMMENT_WIDTH) -> str:
    """The extracted comment of an entry: ``key: value`` lines in the documented order, empty ones
    left out, a long value continued on lines of at most ``width`` columns (None: one line each).

    The inverse of :func:`parse_comments` for the keys of :data:`COMMENT_KEYS`.
    """
    return "\n".join(_field_text(key, " ".join(values[key].split()), width)
                     for key in COMMENT_KEYS if values.get(key, "").strip())


def split_terms(text: str) -> list[str]:
    """The terms of a ``msgstr`` or ``variants:`` value, preferred first."""
    return [t.strip() for t in text.split(";") if t.strip()]


def join_terms(terms: list[str]) -> str:
    """Terms as one ``msgstr`` or ``variants:`` value; the inverse of :func:`split_terms`."""
    return VARIANT_SEPARATOR.join(terms)


def concept_id_problem(concept_id: str) -> str | None:
    """Why ``concept_id`` cannot be a concept ID, or None when it can."""
    if not _CONCEPT_ID.match(concept_id):
        return _("begrepps-id:t {id} får bara ha små ASCII-bokstäver, siffror och enkla bindestreck "
                 "(å/ä→a, ö→o)").format(id=repr(concept_id))
    return None


def term_problem(term: str) -> str | None:
    """Why ``term`` cannot be stored as one term of a concept, or None when it can."""
    if "\n" in term or "\r" in term:
        return _("termen {term} innehåller en radbrytning").format(term=repr(term))
    if ";" in term:
        return _("termen {term} innehåller ';', som skiljer termer åt i katalogerna").format(term=repr(term))
    return None


def glossary_paths(locales: Path) -> tuple[Path, dict[str, Path]]:
    """The template and each language's catalog of the glossary domain."""
    template = locales / f"{GLOSSARY_DOMAIN}.pot"
    catalogs = {}
    if locales.is_dir():
        for path in sorted(locales.glob(f"*/LC_MESSAGES/{GLOSSARY_DOMAIN}.po")):
            catalogs[path.parent.parent.name] = path
    return template, catalogs


def glossary_digest(locales: Path | None = None) -> str:
    """A digest of the glossary catalogs' bytes: a changed catalog gives another digest."""
    from ..resources import locales_dir  # noqa: PLC0415

    locales = Path(locales) if locales is not None else locales_dir()
    template_path, catalog_paths = glossary_paths(locales)
    digest = hashlib.sha256()
    try:
        digest.update(template_path.read_bytes())
        for lang, path in catalog_paths.items():
            digest.update(lang.encode() + path.read_bytes())
    except OSError:
        return ""
    return digest.hexdigest()


def glossary_to_json(glossary: Glossary) -> dict:
    """The glossary with the stems of its terms, so that loading it needs no stemming."""
    stems = {c.id: {lang: [[stem_for(lang, w) for w in _content(lang, _words(value))] for value in values]
                    for lang, values in c.terms.items()} for c in glossary}
    return {"digest": glossary.digest, "languages": glossary.languages,
            "concepts": [dict(c.to_json(), line=c.line, stems=stems.get(c.id, {})) for c in glossary]}


def glossary_from_json(data: dict) -> Glossary:
    concepts = [Concept(c["id"], c["headword"], c.get("definition", ""), c.get("pos", ""), c.get("domain", ""),
                        c.get("note", ""), {k: list(v) for k, v in c["terms"].items()}, c.get("line", 0))
                for c in data["concepts"]]
    term_stems = {c["id"]: c.get("stems", {}) for c in data["concepts"]}
    return Glossary(concepts, list(data["languages"]), data.get("digest", ""), term_stems)


def load_glossary(locales: Path | None = None) -> Glossary:
    """Read the glossary catalogs; raises :class:`GlossaryError` naming file and line."""
    from ..errors import CatalogError  # noqa: PLC0415
    from ..l10n.pofile import read_po_path  # noqa: PLC0415
    from ..resources import locales_dir  # noqa: PLC0415

    locales = Path(locales) if locales is not None else locales_dir()
    template_path, catalog_paths = glossary_paths(locales)
    if not template_path.exists():
        raise GlossaryError(f"{template_path}: no glossary template")
    try:
        template = read_po_path(template_path)
        catalogs = {lang: read_po_path(path) for lang, path in catalog_paths.items()}
    except CatalogError as exc:
        raise GlossaryError(exc.message, exc.problems) from None

    problems: list[Problem] = []
    concepts: list[Concept] = []
    seen_ids: dict[str, int] = {}
    for entry in template:
        if entry.obsolete or not entry.msgid and not entry.msgctxt:
            continue
        line = entry.linenum
        if not entry.msgid.strip():
            problems.append(Problem(str(template_path), line, "a concept without a Swedish headword"))
            continue
        concept_id = entry.msgctxt or ""
        if not concept_id:
            problems.append(Problem(str(template_path), line, f"the concept {entry.msgid!r} has no msgctxt (concept ID)"))
            continue
        if concept_id in seen_ids:
            problems.append(Problem(str(template_path), line,
                                    f"duplicate concept {concept_id!r} (first at line {seen_ids[concept_id]})"))
            continue
        seen_ids[concept_id] = line
        info = parse_comments(entry.comment)
        concept = Concept(concept_id, entry.msgid.strip(), info.get("definition", ""), info.get("pos", ""),
                          info.get("domain", ""), info.get("note", ""), line=line)
        concept.terms[SOURCE_LANGUAGE] = [concept.headword] + split_terms(info.get("variants", ""))
        concepts.append(concept)
    if problems:
        raise GlossaryError(str(problems[0]), problems)

    by_id = {c.id: c for c in concepts}
    languages = []
    for lang, catalog in catalogs.items():
        if lang == SOURCE_LANGUAGE:
            continue
        languages.append(lang)
        for entry in catalog:
            if entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr.strip():
                continue
            concept = by_id.get(entry.msgctxt or "")
            if concept is not None:
                concept.terms[lang] = split_terms(entry.msgstr)
    return Glossary(concepts, languages, glossary_digest(locales))
