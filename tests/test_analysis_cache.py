"""The remembered analysis gives exactly what the stages give word by word.

The analyzer remembers each distinct word, the splitter remembers pieces and skips cuts that
cannot succeed, and the index writer remembers each word's forms. Here every word of the
page, and compounds glued from its words, go through both ways and must come out the same.
"""

from __future__ import annotations

import itertools
import math
import unicodedata

import pytest

from amif_search.text import analysis
from amif_search.text import words as swedish_words
from amif_search.text.analysis import STOPWORDS, Lexicon, SwedishAnalyzer, derivation_root, stem
from amif_search.text.compounds import (
    _ENDING, _NOT_MODIFIERS, _VOWEL, MAX_COMPOUND_LENGTH, _links, _plausible_head,
)
from amif_search.index.schema import FORM_SEPARATOR, GROUP_SEPARATOR
from amif_search.index.writer import WordForms, project_texts


@pytest.fixture(scope="module")
def lexicon(projects):
    return Lexicon.from_texts(f"{p.title} {p.description} {p.implementer}" for p in projects)


@pytest.fixture(scope="module")
def texts(projects) -> list[str]:
    return [text for p in projects for text in project_texts(p).values()] + [
        "ANM:s partnerskapsprogram", "Krigstraumatiserade BARN, barn och Barn", "", "  ", "2021 år 3",
        "hälsa Hälsa HÄLSA halsa", "kommunernas kommunplatser: s-s"]


def _stages(analyzer: SwedishAnalyzer, text: str):
    """The stages run over the whole text, as the analyzer did before it remembered words."""
    tokens = analyzer.tokenizer(unicodedata.normalize("NFC", text))
    for stage in analyzer.filters:
        tokens = stage(tokens)
    return list(tokens)


def _field_text(tokens) -> dict[str, str]:
    """The index fields of a text, joined from its analysed tokens as the writer did."""
    exact, part, root, folded = [], [], [], []
    for token in tokens:
        exact.append(token.stem)
        part.append(FORM_SEPARATOR.join(dict.fromkeys(p.stem for p in token.parts)))
        root.append(FORM_SEPARATOR.join(dict.fromkeys([token.root] + [p.root for p in token.parts])))
        folded.append(FORM_SEPARATOR.join(dict.fromkeys([token.fold] + [p.fold for p in token.parts])))
    return {"": GROUP_SEPARATOR.join(exact), "_part": GROUP_SEPARATOR.join(part),
            "_root": GROUP_SEPARATOR.join(root), "_fold": GROUP_SEPARATOR.join(folded)}


def test_remembered_tokens_equal_the_stages_for_every_text(lexicon, texts):
    analyzer = SwedishAnalyzer(lexicon)
    reference = SwedishAnalyzer(Lexicon(lexicon.counts))
    for _ in range(2):   # the second time every word comes from memory
        for text in texts:
            assert analyzer(text) == _stages(reference, text), text


def test_remembered_tokens_are_fresh_objects(lexicon):
    analyzer = SwedishAnalyzer(lexicon)
    first = analyzer("krigstraumatiserade barn")
    first[0].stem = "changed"
    first[0].parts[0].start = 99
    again = analyzer("krigstraumatiserade barn")
    assert again[0].stem != "changed" and again[0].parts[0].start == 0
    shifted = analyzer("barn krigstraumatiserade")
    assert [(p.start, p.end) for p in shifted[1].parts] == [(5, 9), (10, 24)]


def test_the_memory_starts_afresh_when_full(lexicon, texts, monkeypatch):
    monkeypatch.setattr(SwedishAnalyzer, "CACHE_WORDS", 5)
    monkeypatch.setattr(WordForms, "LIMIT", 5)
    analyzer = SwedishAnalyzer(lexicon)
    forms = WordForms(SwedishAnalyzer(lexicon))
    for text in texts[:8]:
        assert analyzer(text) == _stages(analyzer, text)
        assert forms.field_text(text) == _field_text(_stages(analyzer, text))
    assert len(analyzer._words) <= 5


def test_the_writers_fields_equal_those_joined_from_tokens(lexicon, texts):
    forms = WordForms(SwedishAnalyzer(lexicon))
    reference = SwedishAnalyzer(Lexicon(lexicon.counts))
    for _ in range(2):
        for text in texts:
            assert forms.field_text(text) == _field_text(_stages(reference, text)), text


def test_word_texts_are_the_tokens_texts(texts):
    tokenizer = SwedishAnalyzer().tokenizer
    for text in texts + ["ANM:s", ":s", "s:s", "a:s:s b", "ANM: s"]:
        assert tokenizer.words(text) == [t.text for t in tokenizer(text)]


# The splitter as it was before it remembered pieces and skipped cuts, for comparison.

def _reference_split(lexicon: Lexicon, word: str):
    if len(word) > MAX_COMPOUND_LENGTH:
        return ()
    best = _reference_best_split(lexicon, word, 0, 0)
    found = tuple(best[0]) if best and len(best[0]) > 1 else ()
    if found and stem(word) == stem(word[found[0][0]:found[0][1]]):
        found = ()
    return found


def _reference_best_split(lexicon: Lexicon, word: str, offset: int, depth: int = 0):
    n = len(word)
    if n < 6 or depth > 4:
        return None
    candidates = []

    def score(members):
        return sum(math.log(lexicon.frequency(m)) for m in members) / len(members)

    for i in range(3, n - 2):
        modifier = word[:i]
        if modifier in _NOT_MODIFIERS:
            continue
        modifier_known = lexicon.known(modifier)
        modifier_root = not modifier_known and lexicon.known_root(modifier)
        for link in ("", "s", "e"):
            if link and word[i:i + 1] != link:
                continue
            j = i + len(link)
            head = word[j:]
            if len(head) < 4 or head in STOPWORDS or _ENDING.fullmatch(head):
                continue
            head_known = lexicon.known(head)
            spans = [(offset, offset + i)]
            whole = spans + [(offset + j, offset + n)]
            if (modifier_known or modifier_root) and head_known:
                candidates.append((whole, 0, score([modifier, head])))
            if modifier_known:
                sub = _reference_best_split(lexicon, head, offset + j, depth + 1)
                if sub is not None and sub[1] == 0:
                    members = [modifier] + [word[s - offset:e - offset] for s, e in sub[0]]
                    candidates.append((spans + list(sub[0]), 0, score(members)))
            if not head_known and (modifier_known and _plausible_head(head, 5 if link else 6)
                                   or modifier_root and _plausible_head(head, 7)):
                candidates.append((whole, 1, score([modifier, head])))
            if not modifier_known and not link and head in lexicon.counts and len(head) >= 5 \
                    and len(modifier) >= 4 and _VOWEL.search(modifier):
                candidates.append((whole, 1, score([modifier, head])))
    if not candidates:
        return None

    def quality(candidate):
        spans, unknown, value = candidate
        words = sum(word[s - offset:e - offset] in lexicon.counts for s, e in spans)
        return (unknown, len(spans), -words, -_links(spans), -value, -(spans[0][1] - spans[0][0]))

    return min(candidates, key=quality)


def _reference_root(stemmed: str) -> str:
    if stemmed.endswith(swedish_words._NEUTER_T) and len(stemmed) > swedish_words._MIN_ROOT + 2:
        stemmed = stemmed[:-1]
    for suffix in swedish_words._DERIVATIONAL:
        if stemmed.endswith(suffix) and len(stemmed) - len(suffix) >= swedish_words._MIN_ROOT:
            stemmed = stemmed[: -len(suffix)]
            break
    if len(stemmed) > swedish_words._MIN_ROOT and stemmed[-1] == stemmed[-2] and stemmed[-1] not in "aeiouyåäö":
        stemmed = stemmed[:-1]
    if len(stemmed) > swedish_words._MIN_ROOT + 1 and stemmed[-1] in "aeiouy":
        stemmed = stemmed[:-1]
    return stemmed


def _glued(lexicon: Lexicon, count: int = 60) -> list[str]:
    """Compounds of the page's commonest words: two glued directly and with -s- and -e-,
    three glued, and the beginning of one (an unknown piece) before another."""
    common = [w for w, _ in sorted(lexicon.counts.items(), key=lambda kv: (-kv[1], kv[0]))
              if len(w) >= 4 and w.isalpha() and w not in STOPWORDS][:count]
    glued = [a + link + b for a, b in itertools.permutations(common[:36], 2) for link in ("", "s", "e")]
    glued += [a + "s" + b + c for a, b, c in zip(common, common[7:], common[13:])]
    heads = [w for w in common if len(w) <= 7][:20]
    glued += [a[:k] + b for a in common[:30] for b in heads for k in (3, 4, 5)]
    return sorted(set(glued))


def test_the_splitter_finds_what_it_found_without_memory_and_shortcuts(lexicon):
    words = sorted(w for w in lexicon.counts if len(w) >= 6) + _glued(lexicon)
    fresh = Lexicon(lexicon.counts)
    for word in words:
        assert fresh.split(word) == _reference_split(lexicon, word), word
    # Again, now that the pieces are remembered.
    assert [fresh.split(w) for w in words] == [_reference_split(lexicon, w) for w in words]


def test_derivation_roots_equal_the_ending_by_ending_search(lexicon):
    pieces = {w[:k] for w in lexicon.counts for k in range(1, len(w) + 1)}
    pieces |= {base + ending for base in ("", "ab", "abc", "abcd", "traum", "integr", "kommunal")
               for ending in swedish_words._DERIVATIONAL + list(swedish_words._NEUTER_T)}
    for piece in sorted(pieces):
        for form in (piece, stem(piece), piece + "t"):
            assert derivation_root.__wrapped__(form) == _reference_root(form), form


def test_derivation_roots_are_prefixes_of_at_least_four_letters(lexicon):
    # The splitter skips the cuts before the word's first prefix that is a root, which is
    # exact only because a root is a prefix of its stem, and a bare stem one of its word.
    for word in lexicon.counts:
        for k in range(4, len(word) + 1):
            root = derivation_root(word[:k])
            assert word.startswith(root) and len(root) >= 4, (word[:k], root)


def test_the_lexicon_counts_words_as_before_in_the_same_order(projects):
    texts = [f"{p.title} {p.description} {p.implementer}" for p in projects] + [
        "Barn BARN barn", "İstanbul ISTANBUL", "Straße STRASSE", "ANM:s", "kvot-flykting 2021"]
    extra = ["Kvotflykting", "ny ord"]
    reference: dict[str, int] = {}
    for text in texts:
        for match in analysis._WORD.finditer(unicodedata.normalize("NFC", text)):
            reference[match.group(0).lower()] = reference.get(match.group(0).lower(), 0) + 1
    for word in extra:
        for match in analysis._WORD.finditer(word.lower()):
            reference[match.group(0)] = reference.get(match.group(0), 0) + 1
    assert list(Lexicon.from_texts(texts, extra_words=extra).counts.items()) == list(reference.items())


def test_the_word_memories_are_emptied_past_their_bound():
    from amif_search.text.folding import fold
    from amif_search.text.words import derivation_root, forget_words, stem

    forget_words(limit=0)
    for i in range(50):
        stem(f"ordet{i}x"), derivation_root(f"ordet{i}x"), fold(f"ördet{i}x")
    forget_words(limit=10_000)
    assert min(f.cache_info().currsize for f in (stem, derivation_root, fold)) >= 50   # within the bound: kept
    forget_words(limit=20)
    assert max(f.cache_info().currsize for f in (stem, derivation_root, fold)) == 0
    assert stem("kommunerna") == "kommun"   # and they still answer
