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
import os
import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import GlossaryError, Problem
from ..i18n import _
from ..i18n.languages import SWEDISH, language

__all__ = ["Concept", "Glossary", "TermMatch", "load_glossary", "glossary_digest", "glossary_to_json",
           "glossary_from_json", "GLOSSARY_DOMAIN", "SWEDISH",
           "stem_for", "PARTS_OF_SPEECH", "DOMAINS", "format_comments", "read_comment_fields", "join_terms",
           "concept_id_problem", "term_problem", "RELATIONS", "hidden_labels", "with_hidden_labels",
           "relation_problems"]

GLOSSARY_DOMAIN = "glossary"
VARIANT_SEPARATOR = "; "
COMMENT_KEYS = ("definition", "pos", "domain", "variants", "hidden", "broader", "related", "note")
# The thesaurus relations a concept's entry names; narrower is the inverse of broader.
RELATIONS = ("broader", "related")
# A translator comment line of a language catalog that holds that language's hidden labels.
HIDDEN_PREFIX = "hidden:"
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
    hidden: dict[str, list[str]] = field(default_factory=dict)
    broader: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)

    @property
    def variants(self) -> list[str]:
        """Swedish variants (the headword excluded)."""
        return self.terms.get(SWEDISH, [])[1:]

    def preferred(self, lang: str) -> str | None:
        values = self.terms.get(lang)
        return values[0] if values else None

    def labels(self, lang: str) -> list[str]:
        """Every word of ``lang`` that names the concept: its terms, then its hidden labels."""
        return self.terms.get(lang, []) + self.hidden.get(lang, [])

    def to_json(self) -> dict:
        return {"id": self.id, "headword": self.headword, "pos": self.pos, "domain": self.domain,
                "definition": self.definition, "note": self.note,
                "terms": {lang: list(values) for lang, values in self.terms.items()},
                "hidden": {lang: list(values) for lang, values in self.hidden.items() if values},
                "broader": list(self.broader), "related": list(self.related)}


@dataclass(frozen=True)
class TermMatch:
    """Where a term of a concept was recognised."""

    concept: Concept
    lang: str
    term: str
    exact: bool
    # How lookup found it, best first: exact, inflected, spelling (without å/ä/ö, a hyphen for a
    # space), compound (a part of the word is the term), part (the word is part of the term),
    # related (a neighbour in the thesaurus of a concept found so).
    how: str = field(default="", compare=False)

    def __hash__(self) -> int:
        return hash((self.concept.id, self.lang, self.term))


@dataclass
class _Term:
    concept_id: str
    lang: str
    text: str
    stems: tuple[str, ...]
    folded: tuple[str, ...] | None = None   # the stems as typed without diacritics, when saved


class Glossary:
    """All concepts, with an index of every term by language for lookups."""

    def __init__(self, concepts: list[Concept], languages: list[str], digest: str = "",
                 term_stems: dict | None = None, folded_stems: dict | None = None) -> None:
        self.concepts = {c.id: c for c in concepts}
        self.languages = languages
        self.digest = digest
        self._terms: dict[str, list[_Term]] = {}
        self._narrower: dict[str, list[str]] = {}
        self._related: dict[str, list[str]] = {}
        for concept in concepts:
            for target in concept.broader:
                self._narrower.setdefault(target, []).append(concept.id)
            for target in concept.related:
                # Related is symmetric: written once, read from both ends.
                self._related.setdefault(concept.id, []).append(target)
                self._related.setdefault(target, []).append(concept.id)
            for lang in list(dict.fromkeys(list(concept.terms) + list(concept.hidden))):
                values = concept.labels(lang)
                known = (term_stems or {}).get(concept.id, {}).get(lang)
                known_folded = (folded_stems or {}).get(concept.id, {}).get(lang)
                for position, value in enumerate(values):
                    if known is not None and position < len(known):
                        stems = tuple(known[position])
                    else:
                        stems = tuple(stem_for(lang, w) for w in _content(lang, _words(value)))
                    folded = tuple(known_folded[position]) if known_folded is not None \
                        and position < len(known_folded) else None
                    if stems:
                        self._terms.setdefault(lang, []).append(_Term(concept.id, lang, value, stems, folded))
        self._by_first: dict[str, dict[str, list[_Term]]] = {}
        for lang, terms in self._terms.items():
            by_start = self._by_first.setdefault(lang, {})
            for term in terms:
                by_start.setdefault(term.stems[0][:3], []).append(term)
        # The same terms as typed without diacritics (välbefinnande as valbefinnande), built when
        # first needed; and every content word's stem, for a word that is part of a term.
        self._folded: dict[str, dict[str, list[_Term]]] | None = None
        self._by_word: dict[str, dict[str, list[_Term]]] | None = None
        self._foreign: dict[str, set[str]] | None = None
        self.max_words = max((len(t.stems) for ts in self._terms.values() for t in ts), default=1)

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self):
        return iter(self.concepts.values())

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def narrower(self, concept_id: str) -> list[str]:
        """The concepts whose broader concept is ``concept_id`` (the inverse of broader)."""
        return list(self._narrower.get(concept_id, []))

    def related(self, concept_id: str) -> list[str]:
        """The concepts related to ``concept_id``, whichever of the two entries names the link."""
        return list(dict.fromkeys(self._related.get(concept_id, [])))

    def neighbours(self, concept_id: str) -> dict[str, list[str]]:
        """The concepts next to ``concept_id`` in the thesaurus, by relation (known concepts only)."""
        concept = self.concepts.get(concept_id)
        found = {"broader": list(concept.broader) if concept else [], "narrower": self.narrower(concept_id),
                 "related": self.related(concept_id)}
        return {kind: [c for c in ids if c in self.concepts and c != concept_id] for kind, ids in found.items()}

    def swedish_words(self) -> list[str]:
        """Every Swedish term, for the compound lexicon."""
        return [value for c in self for value in c.terms.get(SWEDISH, [])]

    def _candidates(self, lang: str, first_stem: str, folded: bool = False) -> list[_Term]:
        if folded:
            if self._folded is None:
                self._folded = {}
                for code, terms in self._terms.items():
                    by_start = self._folded.setdefault(code, {})
                    for term in terms:
                        stems = term.folded if term.folded is not None else _folded_stems(code, term.text)
                        copy = _Term(term.concept_id, code, term.text, stems or term.stems)
                        by_start.setdefault(copy.stems[0][:3], []).append(copy)
            return self._folded.get(lang, {}).get(first_stem[:3], [])
        return self._by_first.get(lang, {}).get(first_stem[:3], [])

    def match_words(self, words: list[str], lang: str, folded: bool = False) -> list[tuple[int, int, list[TermMatch]]]:
        """Longest glossary terms of ``lang`` in ``words``: (start, end, matches), left to right.

        ``folded``: compare the words as typed without diacritics (halsa for hälsa)."""
        stems = [_fold(stem_for(lang, _fold(w))) if folded else stem_for(lang, w) for w in words]
        found = []
        i = 0
        skip = language(lang).function_words
        while i < len(words):
            if words[i].lower() in skip:
                i += 1
                continue
            best_end, best = i, []
            for term in self._candidates(lang, stems[i], folded):
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

    def read_words(self, words: list[str], lang: str) -> list[tuple[int, int, list[TermMatch]]]:
        """Terms of ``lang`` in ``words`` as search and lookup read them: :meth:`match_words`,
        then a word left over that is a term typed without diacritics, or a compound of two
        terms (its matches marked ``compound`` for the head and ``modifier``)."""
        found = self.match_words(words, lang)
        covered = {k for start, end, _m in found for k in range(start, end)}
        for k, word in enumerate(words):
            if k in covered or word.lower() in language(lang).function_words or len(word) < 4:
                continue
            matches = [_how(m, "spelling") for m in self._whole([word], lang, folded=True) if m.exact]
            if not matches:
                matches = self._gradation(word, lang)
            if not matches and len(word) >= 7:
                matches = self._compound(word, lang)
            if matches:
                found.append((k, k + 1, matches))
        return sorted(found, key=lambda span: span[0])

    def _whole(self, words: list[str], lang: str, folded: bool = False) -> list[TermMatch]:
        """Terms of ``lang`` that are all of ``words`` (any inflection)."""
        return [m for start, end, found in self.match_words(words, lang, folded)
                if start == 0 and end == len(words) for m in found]

    def lookup(self, text: str, lang: str | None = None) -> list[TermMatch]:
        """Concepts that ``text`` names, in ``lang`` or in any language, best first.

        Read as search reads words: a term in any inflection, or typed without å/ä/ö or with a
        hyphen for a space (or the other way round); else a compound whose parts are terms
        (flyktingfamilj, pakolaisperhe: the head first); else a word that is part of a term of
        several words (kalkylerad). Exact before inflected before spelling before compound
        before part; then the source language, then the order of the catalogs. The concepts
        related to the best ones follow, marked ``related``.
        """
        words = _words(text)
        if not words:
            return []
        languages = [lang] if lang else self.all_languages()
        found: list[TermMatch] = []
        for language in languages:
            for match in self._whole(words, language):
                found.append(_how(match, "exact" if match.exact else "inflected"))
        if not any(m.exact for m in found):
            for variant in _spelling_variants(words):
                for language in languages:
                    for folded in (False, True):
                        if variant == words and not folded:
                            continue
                        found += [_how(m, "spelling") for m in self._whole(variant, language, folded)
                                  if m.exact or not found]
        if not found and len(words) == 1:
            for language in languages:
                found += self._gradation(words[0], language)
        if not found and len(words) == 1:
            for language in languages:
                found += self._compound(words[0], language)
        if not found and len(words) == 1:
            for language in languages:
                found += self._part_of_term(words[0], language)
        order = {code: n for n, code in enumerate(self.all_languages())}
        rank = {"exact": 0, "spelling": 1, "inflected": 2, "compound": 3, "modifier": 4, "part": 5}
        typed = " ".join(words).lower()
        found = sorted(_unique(found), key=lambda m: (rank.get(m.how, 9) + (0.5 if m.how == "spelling" and not m.exact else 0),
                                                      m.term.lower() != typed, -_common_prefix(m.term.lower(), typed),
                                                      order.get(m.lang, 99)))
        seen = {m.concept.id for m in found}
        related: list[TermMatch] = []
        for match in found[:1]:
            for kind in ("narrower", "broader", "related"):
                for concept_id in self.neighbours(match.concept.id)[kind]:
                    if concept_id not in seen:
                        seen.add(concept_id)
                        concept = self.concepts[concept_id]
                        term = concept.preferred(match.lang) or concept.headword
                        related.append(TermMatch(concept, match.lang, term, False, "related"))
        return found + related

    def _gradation(self, word: str, lang: str) -> list[TermMatch]:
        """A Finnish word whose stem is a term's in its weak grade (äidit: äiti, velat: velka),
        which Snowball leaves apart: the strong grade is tried, and only an exact stem counts."""
        if lang != "fi" or len(word) < 4:
            return []
        for variant in _strong_grades(word.lower()):
            found = [_how(m, "inflected") for m in self._whole([variant], lang) if m.exact]
            if found:
                return found
        return []

    def _compound(self, word: str, lang: str) -> list[TermMatch]:
        """A word made of two terms of ``lang`` (flykting + familj, pakolais + perhe): the head's
        concepts, then the modifier's."""
        lowered = word.lower()
        for folded in (False, True):
            for i in range(3, len(lowered) - 2):
                head = lowered[i:]
                heads = [m for m in self._whole([head], lang, folded) if len(m.term) >= 3]
                if not heads:
                    continue
                modifier = lowered[:i]
                modifiers = self._whole([modifier], lang, folded) or (
                    self._whole([modifier[:-1]], lang, folded) if modifier[-1:] in ("s", "e") else [])
                if not modifiers:
                    modifiers = self._modifier_stem(modifier, lang, folded)
                if modifiers:
                    return [_how(m, "compound") for m in heads] + [_how(m, "modifier") for m in modifiers]
        return []

    def _modifier_stem(self, modifier: str, lang: str, folded: bool) -> list[TermMatch]:
        """Terms of one word whose stem begins the modifier (pakolais- of pakolainen)."""
        found = []
        key = _fold(modifier) if folded else modifier
        for term in self._candidates(lang, key, folded):
            if len(term.stems) == 1 and len(term.stems[0]) >= 4 and key.startswith(term.stems[0]) \
                    and len(key) - len(term.stems[0]) <= 2:
                found.append(TermMatch(self.concepts[term.concept_id], lang, term.text, False))
        return found

    def _part_of_term(self, word: str, lang: str) -> list[TermMatch]:
        """Terms of several words of which ``word`` is one (kalkylerad → kalkylerad ersättning)."""
        if self._by_word is None:
            self._by_word = {}
            for code, terms in self._terms.items():
                by_word = self._by_word.setdefault(code, {})
                for term in terms:
                    if len(term.stems) > 1:
                        for term_stem in term.stems:
                            by_word.setdefault(term_stem, []).append(term)
        if word.lower() in language(lang).function_words:
            return []
        key = stem_for(lang, word)
        # The term whose head the word is (human trafficking), then the shortest.
        terms = sorted(self._by_word.get(lang, {}).get(key, []), key=lambda t: (t.stems[-1] != key, len(t.stems))) \
            if len(key) >= 4 else []
        return [TermMatch(self.concepts[t.concept_id], lang, t.text, False, "part") for t in terms]

    def is_foreign_word(self, word: str) -> bool:
        """True when ``word`` is (an inflection of) a word of a term in a language other than Swedish."""
        if self._foreign is None:
            self._foreign = {lang: {stem for term in terms for stem in term.stems}
                             for lang, terms in self._terms.items() if lang != SWEDISH}
        return any(stem_for(lang, word) in stems for lang, stems in self._foreign.items())

    def all_languages(self) -> list[str]:
        return [SWEDISH] + [lang for lang in self.languages if lang != SWEDISH]

    def coverage(self) -> dict[str, tuple[int, int]]:
        """Per language: (concepts with a term, all concepts)."""
        total = len(self.concepts)
        return {lang: (sum(1 for c in self if c.terms.get(lang)), total) for lang in self.all_languages()}


def _folded_stems(lang: str, value: str) -> tuple[str, ...]:
    """The stems of a term's content words as typed without diacritics: folded before
    stemming, as a query word typed so is."""
    return tuple(_fold(stem_for(lang, _fold(w))) for w in _content(lang, _words(value)))


def _fold(text: str) -> str:
    """``text`` as typed without diacritics (hälsa → halsa, työ → tyo)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Finnish consonant gradation, weak grade -> strong grade (äidin -> äiti, tavat -> tapa).
_GRADES = (("nn", "nt"), ("ll", "lt"), ("rr", "rt"), ("mm", "mp"), ("ng", "nk"), ("d", "t"), ("v", "p"),
           ("t", "tt"), ("p", "pp"), ("k", "kk"))
_VOWELS = "aeiouyäö"


def _strong_grades(word: str) -> list[str]:
    """``word`` with its last weak-grade consonant made strong, each way it could be (and with a
    lost k restored: velat -> velkat)."""
    variants = []
    body = word[:-1]   # the last letter is an ending's
    for weak, strong in _GRADES:
        at = body.rfind(weak)
        if at > 0 and (len(weak) == 2 or body[at - 1] in _VOWELS + "lrnh"):
            variants.append(word[:at] + strong + word[at + len(weak):])
    inserted = 0
    for at in range(len(body) - 1, 1, -1):
        if word[at] in _VOWELS and word[at - 1] in _VOWELS + "lrh" and inserted < 2:
            variants.append(word[:at] + "k" + word[at:])
            inserted += 1
    return variants


def _common_prefix(a: str, b: str) -> int:
    """How many letters ``a`` and ``b`` share at the start (employer/employers before employment)."""
    return len(os.path.commonprefix([a, b]))


def _how(match: TermMatch, how: str) -> TermMatch:
    return TermMatch(match.concept, match.lang, match.term, match.exact, how)


def _spelling_variants(words: list[str]) -> list[list[str]]:
    """The words with a hyphen for a space and the other way round, and joined (kvot-flykting,
    kvot flykting, kvotflykting; EU stöd, EU-stöd)."""
    pieces = [p for w in words for p in w.split("-") if p]
    variants: list[list[str]] = []
    if 1 < len(pieces) <= 5:
        # Each gap between two pieces as a space, a hyphen or nothing.
        texts = [pieces[0]]
        for piece in pieces[1:]:
            texts = [t + joiner + piece for t in texts for joiner in (" ", "-", "")]
        variants = [t.split(" ") for t in texts]
    variants.append(list(words))
    return [v for n, v in enumerate(variants) if v not in variants[:n]]


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


def hidden_labels(translator_comment: str | None) -> list[str]:
    """The hidden labels a language catalog's translator comment holds (``# hidden: a; b``)."""
    labels: list[str] = []
    for line in (translator_comment or "").split("\n"):
        text = line.strip()
        if text.lower().startswith(HIDDEN_PREFIX):
            labels += split_terms(text[len(HIDDEN_PREFIX):])
    return labels


def with_hidden_labels(translator_comment: str | None, labels: list[str]) -> str:
    """``translator_comment`` with its hidden-labels line set to ``labels`` (left out when none);
    the translator's other lines stay as they are."""
    others = [line for line in (translator_comment or "").split("\n")
              if line.strip() and not line.strip().lower().startswith(HIDDEN_PREFIX)]
    return "\n".join(([f"{HIDDEN_PREFIX} {join_terms(labels)}"] if labels else []) + others)


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
    """The glossary with the stems of its terms (as written, and as typed without
    diacritics), so that loading it and searching it need no stemming."""
    stems = {c.id: {lang: [[stem_for(lang, w) for w in _content(lang, _words(value))] for value in c.labels(lang)]
                    for lang in dict.fromkeys(list(c.terms) + list(c.hidden))} for c in glossary}
    folded = {c.id: {lang: [list(_folded_stems(lang, value)) for value in c.labels(lang)]
                     for lang in dict.fromkeys(list(c.terms) + list(c.hidden))} for c in glossary}
    return {"digest": glossary.digest, "languages": glossary.languages,
            "concepts": [dict(c.to_json(), line=c.line, stems=stems.get(c.id, {}), folded=folded.get(c.id, {}))
                         for c in glossary]}


def glossary_from_json(data: dict) -> Glossary:
    concepts = [Concept(c["id"], c["headword"], c.get("definition", ""), c.get("pos", ""), c.get("domain", ""),
                        c.get("note", ""), {k: list(v) for k, v in c["terms"].items()}, c.get("line", 0),
                        {k: list(v) for k, v in c.get("hidden", {}).items()}, list(c.get("broader", [])),
                        list(c.get("related", [])))
                for c in data["concepts"]]
    term_stems = {c["id"]: c.get("stems", {}) for c in data["concepts"]}
    folded_stems = {c["id"]: c.get("folded", {}) for c in data["concepts"]}
    return Glossary(concepts, list(data["languages"]), data.get("digest", ""), term_stems, folded_stems)


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
        concept.terms[SWEDISH] = [concept.headword] + split_terms(info.get("variants", ""))
        hidden = split_terms(info.get("hidden", ""))
        if hidden:
            concept.hidden[SWEDISH] = hidden
        concept.broader = split_terms(info.get("broader", ""))
        concept.related = split_terms(info.get("related", ""))
        concepts.append(concept)
    if problems:
        raise GlossaryError(str(problems[0]), problems)

    by_id = {c.id: c for c in concepts}
    languages = []
    for lang, catalog in catalogs.items():
        if lang == SWEDISH:
            continue
        languages.append(lang)
        for entry in catalog:
            if entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr.strip():
                continue
            concept = by_id.get(entry.msgctxt or "")
            if concept is not None:
                concept.terms[lang] = split_terms(entry.msgstr)
                hidden = hidden_labels(entry.tcomment)
                if hidden:
                    concept.hidden[lang] = hidden
    return Glossary(concepts, languages, glossary_digest(locales))


def relation_problems(glossary: Glossary, path: str = "") -> list[Problem]:
    """Broken thesaurus relations, at the line of the entry that names them: a relation to an
    unknown concept, a concept broader than or related to itself, and a cycle of broader links."""
    problems: list[Problem] = []
    for concept in glossary:
        for kind in RELATIONS:
            for target in getattr(concept, kind):
                if target == concept.id:
                    message = (_("begreppet {id} är överordnat sig självt") if kind == "broader"
                               else _("begreppet {id} är relaterat till sig självt"))
                    problems.append(Problem(path, concept.line, message.format(id=repr(concept.id))))
                elif target not in glossary.concepts:
                    problems.append(Problem(path, concept.line, _(
                        "{kind}: {target} i {id} är inget begrepp i ordlistan").format(
                        kind=kind, target=repr(target), id=repr(concept.id))))
    # A cycle of broader links: walk up from each concept; reported once, at its first concept.
    state: dict[str, int] = {}   # 1: on the current path, 2: done
    for start in glossary.concepts:
        if state.get(start):
            continue
        path_ids: list[str] = []
        stack = [(start, iter(glossary.concepts[start].broader))]
        state[start] = 1
        path_ids.append(start)
        while stack:
            node, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                path_ids.pop()
                state[node] = 2
                continue
            if target == node or target not in glossary.concepts:
                continue
            if state.get(target) == 1:
                cycle = path_ids[path_ids.index(target):] + [target]
                first = glossary.concepts[cycle[0]]
                problems.append(Problem(path, first.line, _("en cirkel av överordnade begrepp: {cycle}").format(
                    cycle=" → ".join(cycle))))
                continue
            if not state.get(target):
                state[target] = 1
                path_ids.append(target)
                stack.append((target, iter(glossary.concepts[target].broader)))
    return problems
