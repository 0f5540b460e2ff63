"""Reading a query through the glossary: Finnish and English words become Swedish ones.

Words of the query that the Swedish index does not know, and that the glossary knows as a
term of another language, are replaced by the Swedish terms of that concept ("lapset" ->
barn, "mental health" -> psykisk hälsa | mental hälsa). Swedish words stay as they are;
they gain the concept's other Swedish terms as weaker alternatives (synonyms), and an
organisation also its names in other languages, since Swedish pages often write the
Finnish name (Finlands flyktinghjälp -> Suomen pakolaisapu).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from ..fields import TEXT, field_named
from .concepts import SWEDISH, Glossary, TermMatch, _words, stem_for
from ..text.analysis import is_stopword
from ..query import And, FieldFilter, Or, ParsedQuery, Phrase, Word

__all__ = ["Expansion", "expand_query", "SYNONYM_WEIGHT", "RELATION_WEIGHTS"]

# How much a match through the thesaurus counts beside the word itself (1.0): another label of
# the same concept, a narrower or broader concept, a related one. A translation is the word itself.
SYNONYM_WEIGHT = 0.5
RELATION_WEIGHTS = {"narrower": 0.3, "broader": 0.25, "related": 0.2}
# An organisation named in the query lifts the projects it implements: their score for the
# clause gains this share of the best one (a boost, not a filter: partners count too).
IMPLEMENTER_BOOST = 2.0
# A concept with more neighbours than this of one kind is a hub (flykting, integration): its
# neighbours would make a word match nearly everything, so they are not followed from it.
MAX_NEIGHBOURS = 12
# A broader concept with more narrower ones than this is a category, not a route to search by.
MAX_MEMBERS = 5
_ORGANISATION = {"organisation", "förkortning"}


@dataclass
class Expansion:
    """One reading of the query through the glossary."""

    original: str
    lang: str
    concepts: list[str]
    swedish: list[str]
    kind: str = "translation"   # or "synonym", "narrower", "broader", "related"

    def to_json(self) -> dict:
        return {"from": self.original, "language": self.lang, "to": list(self.swedish),
                "concepts": list(self.concepts), "kind": self.kind}


@dataclass
class ExpandedQuery:
    parsed: ParsedQuery
    extras: dict[int, list] = field(default_factory=dict)
    expansions: list[Expansion] = field(default_factory=list)
    implementers: list[tuple[str, str]] = field(default_factory=list)   # (words, organisation) boosted


def _term_node(text: str):
    words = [w for w in _words(text) if not is_stopword(w)] or _words(text)
    if not words:
        return None
    if len(words) == 1:
        return Word(words[0], glossary=True)
    return And(tuple(Word(w, glossary=True) for w in words))


# Swedish plural and definite endings.
_ENDINGS = ("ar", "er", "or", "na", "en", "et")


def _near_inflection(match: TermMatch, words: list[str]) -> bool:
    """A Swedish term of one word whose stem differs from the word's by one final letter."""
    term = _words(match.term)
    if len(term) != 1 or len(words) != 1:
        return False
    a, b = stem_for(SWEDISH, term[0]), stem_for(SWEDISH, words[0])
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and len(long) - len(short) == 1 and long.startswith(short)


def _implementer_boost(matches: list[TermMatch]) -> list[tuple[object, float]]:
    """For an organisation: each of its names in the implementer field, as a boost."""
    names = [t for m in matches if m.concept.pos in _ORGANISATION for values in m.concept.terms.values() for t in values]
    return [(FieldFilter("implementer", name), IMPLEMENTER_BOOST) for name in dict.fromkeys(names)]


def _any_of(terms: list[str]):
    """One node that matches any of ``terms``."""
    nodes = [n for n in (_term_node(t) for t in terms) if n is not None]
    if not nodes:
        return None
    return Or(tuple(nodes)) if len(nodes) > 1 else nodes[0]


def _swedish_terms(matches: list[TermMatch], all_languages: bool = False) -> list[str]:
    terms: list[str] = []
    for match in matches:
        concept = match.concept
        terms += concept.terms.get(SWEDISH, [])
        if all_languages or concept.pos in _ORGANISATION:
            for lang, values in concept.terms.items():
                if lang != SWEDISH:
                    terms += values
    return list(dict.fromkeys(terms))


def _neighbours(glossary: Glossary, matches: list[TermMatch], original: str, lang: str,
                exclude: set[str]) -> tuple[list[tuple[object, float]], list[Expansion]]:
    """The Swedish terms of the concepts next to the matched ones in the thesaurus, each kind
    at its weight, and an expansion per kind for the output."""
    alternatives: list[tuple[object, float]] = []
    expansions: list[Expansion] = []
    seen = set(exclude)
    own = {m.concept.id for m in matches}
    for kind, weight in RELATION_WEIGHTS.items():
        ids: list[str] = []
        for match in matches:
            found = glossary.neighbours(match.concept.id)[kind]
            if kind == "broader":
                # A category with many members (yrkesperson) says little about any one of them.
                found = [c for c in found if len(glossary.narrower(c)) <= MAX_MEMBERS]
            if len(found) <= MAX_NEIGHBOURS:
                ids += [c for c in found if c not in own and c not in ids]
        terms = []
        for concept_id in ids:
            for term in glossary.concepts[concept_id].terms.get(SWEDISH, []):
                if term.lower() not in seen:
                    seen.add(term.lower())
                    terms.append(term)
        nodes = [n for n in (_term_node(t) for t in terms) if n is not None]
        if nodes:
            alternatives += [(node, weight) for node in nodes]
            expansions.append(Expansion(original, lang, ids, terms, kind))
    return alternatives, expansions


def expand_query(parsed: ParsedQuery, glossary: Glossary | None, is_swedish: Callable[[str], bool],
                 query_lang: str | None = None,
                 is_swedish_typo: Callable[[str], bool] = lambda word: False,
                 is_function_word: Callable[[str], bool] = lambda word: False) -> ExpandedQuery:
    """Expand ``parsed`` through ``glossary``.

    ``is_swedish(word)`` says whether the index knows a word; ``is_swedish_typo(word)``
    whether it is one edit away from a word it knows (then only an exact glossary match
    makes it foreign: 'placerning' is a typo, not the English 'planning').
    """
    if glossary is None or not len(glossary):
        return ExpandedQuery(parsed)
    clauses = list(parsed.clauses)
    extras: dict[int, list] = {}
    expansions: list[Expansion] = []
    foreign_languages = [lang for lang in glossary.all_languages() if lang != SWEDISH]
    if query_lang and query_lang != SWEDISH:
        foreign_languages = [query_lang] if query_lang in foreign_languages else []
    elif query_lang == SWEDISH:
        foreign_languages = []

    # Runs of plain words, where terms of several words can be recognised.
    runs = parsed.word_runs()
    replaced: dict[int, object] = {}
    dropped: set[int] = set()
    implementers: list[tuple[str, str]] = []
    for run in runs:
        words = [clauses[i].text for i in run]
        known = [is_swedish(w) for w in words]
        handled = [False] * len(words)
        # The language of the run: the one whose glossary recognises most of its words,
        # counting only runs with at least one word the Swedish index does not know.
        best_lang, best_spans, best_covered = None, [], 0
        for lang in foreign_languages:
            spans = []
            for s, e, m in glossary.read_words(words, lang):
                if all(is_function_word(w) for w in words[s:e]):
                    continue   # 'hankkeet', 'projects': words that are not searched
                if query_lang != lang and not all(x.exact for x in m) \
                        and any(is_swedish_typo(w) for w, k in zip(words[s:e], known[s:e]) if not k):
                    continue
                spans.append((s, e, m))
            evidence = query_lang == lang or any(not all(known[s:e]) for s, e, _m in spans)
            covered = sum(e - s for s, e, _m in spans) if evidence else 0
            if covered > best_covered:
                best_lang, best_spans, best_covered = lang, spans, covered
        for start, end, matches in best_spans:
            heads = [m for m in matches if m.how == "compound"]
            modifiers = [m for m in matches if m.how == "modifier"]
            if heads and modifiers:
                # A compound of two terms (työ + valmennus): both parts, or the head alone.
                head = _any_of(_swedish_terms(heads))
                modifier = _any_of(_swedish_terms(modifiers))
                if head is None:
                    continue
                swedish = _swedish_terms(modifiers) + _swedish_terms(heads)
                replaced[run[start]] = Or((And((modifier, head)), head)) if modifier is not None else head
                for k in range(start, end):
                    handled[k] = True
                expansions.append(Expansion(" ".join(words[start:end]), best_lang,
                                            [m.concept.id for m in modifiers + heads], swedish))
                continue
            swedish = _swedish_terms(matches)
            nodes = [n for n in (_term_node(t) for t in swedish) if n is not None]
            if not nodes:
                continue
            replaced[run[start]] = Or(tuple(nodes)) if len(nodes) > 1 else nodes[0]
            dropped.update(run[start + 1:end])
            for k in range(start, end):
                handled[k] = True
            original = " ".join(words[start:end])
            expansions.append(Expansion(original, best_lang, [m.concept.id for m in matches], swedish))
            near, shown = _neighbours(glossary, matches, original, best_lang, {t.lower() for t in swedish})
            boost = _implementer_boost(matches)
            if near or boost:
                extras.setdefault(run[start], []).extend(near + boost)
                expansions += shown
            if boost:
                implementers.append((original, matches[0].concept.headword))
        # A Swedish-looking word that is exactly a foreign term ('kotoutuminen' is also a
        # web address on the page) keeps its own reading and gains the Swedish terms.
        if best_lang is None and not query_lang:
            swedish_terms = {m.concept.id for _s, _e, ms in glossary.match_words(words, SWEDISH)
                             for m in ms if m.exact}
            for lang in foreign_languages:
                for start, end, matches in glossary.match_words(words, lang):
                    matches = [m for m in matches if m.exact and m.concept.id not in swedish_terms]
                    if end - start != 1 or handled[start] or not matches or is_function_word(words[start]):
                        continue
                    swedish = [t for t in _swedish_terms(matches) if t.lower() != words[start].lower()]
                    nodes = [n for n in (_term_node(t) for t in swedish) if n is not None]
                    if nodes:
                        extras.setdefault(run[start], []).extend((n, 1.0) for n in nodes)
                        handled[start] = True
                        expansions.append(Expansion(words[start], lang, [m.concept.id for m in matches], swedish))
        # Swedish words: the concept's other Swedish terms as weaker alternatives.
        for start, end, matches in glossary.read_words(words, SWEDISH):
            # The same stem, or one letter more or less (föräldrar, förälder: föräldr, föräld).
            # (Only for a word of the texts or one with a plural or definite ending: another may
            # be a typo, left to correction.) A word the texts lack may be a term read another
            # way (tjänstemän: tjänsteman); compounds are the index's own business.
            matches = [m for m in matches if m.how not in ("compound", "modifier") and (
                m.exact and (m.how != "spelling" or not all(known[start:end]))
                or _near_inflection(m, words[start:end]) and (
                    all(known[start:end]) or all(w.lower().endswith(_ENDINGS) for w in words[start:end])))]
            if not matches or any(handled[start:end]):
                continue
            own = " ".join(words[start:end]).lower()
            synonyms = [t for t in _swedish_terms(matches) if t.lower() != own]
            nodes = [n for n in (_term_node(t) for t in synonyms) if n is not None]
            original = " ".join(words[start:end])
            near, shown = _neighbours(glossary, matches, original, SWEDISH,
                                      {own} | {t.lower() for t in synonyms})
            if not nodes and not near:
                continue
            if end - start > 1:
                # A term of several words becomes one clause: all its words, or a synonym.
                replaced[run[start]] = And(tuple(clauses[i] for i in run[start:end]))
                dropped.update(run[start + 1:end])
            boost = _implementer_boost(matches)
            extras.setdefault(run[start], []).extend((n, SYNONYM_WEIGHT) for n in nodes)
            extras[run[start]].extend(near + boost)
            if boost:
                implementers.append((original, matches[0].concept.headword))
            if nodes:
                expansions.append(Expansion(original, SWEDISH, [m.concept.id for m in matches], synonyms,
                                            "synonym"))
            expansions += shown

    # Phrases: a phrase that is a glossary term gains the concept's other terms.
    for position, node in enumerate(clauses):
        if isinstance(node, Phrase):
            text = " ".join(node.words)
            matches = [m for m in glossary.lookup(text) if m.exact or m.lang != SWEDISH]
            if not matches:
                continue
            lang = matches[0].lang
            if lang != SWEDISH and all(is_swedish(w) for w in node.words):
                continue
            others = [t for t in _swedish_terms(matches) if t.lower() != text.lower()]
            nodes = [n for n in (_term_node(t) for t in others) if n is not None]
            if nodes:
                extras.setdefault(position, []).extend((n, SYNONYM_WEIGHT) for n in nodes)
                expansions.append(Expansion(text, lang, [m.concept.id for m in matches], others,
                                            "synonym" if lang == SWEDISH else "translation"))

    new_clauses, new_extras = [], {}
    for position, node in enumerate(clauses):
        if position in dropped:
            continue
        if position in extras:
            new_extras[len(new_clauses)] = extras[position]
        new_clauses.append(replaced.get(position, node))

    # Field values that name an organisation or a term: all its names.
    required = []
    for node in parsed.required:
        if isinstance(node, FieldFilter) and field_named(node.field).kind == TEXT:
            matches = glossary.lookup(node.text)
            names = [t for t in _swedish_terms(matches, all_languages=True) if t.lower() != node.text.lower()]
            if names:
                alternatives = [node] + [FieldFilter(node.field, name) for name in names]
                required.append(Or(tuple(alternatives)))
                expansions.append(Expansion(node.text, matches[0].lang, [m.concept.id for m in matches], names,
                                            "synonym"))
                continue
        required.append(node)
    return ExpandedQuery(replace(parsed, clauses=new_clauses, required=required), new_extras, expansions,
                         implementers)
