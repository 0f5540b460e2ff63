"""Swedish analysis: compounds, stems, derivational roots, folded spellings."""

from __future__ import annotations

import pytest

from amif_search.text.analysis import Lexicon, SwedishAnalyzer, derivation_root, fold, is_stopword, stem


@pytest.fixture(scope="module")
def lexicon(projects):
    return Lexicon.from_texts(f"{p.title} {p.description} {p.implementer}" for p in projects)


@pytest.mark.parametrize("word,members", [
    ("krigstraumatiserade", ["krig", "traumatiserade"]),
    ("kvotflyktingar", ["kvot", "flyktingar"]),
    ("kommunplatser", ["kommun", "platser"]),
    ("tortyrutsatta", ["tortyr", "utsatta"]),
    ("kommunanställda", ["kommun", "anställda"]),
    ("arbetslivsfärdigheter", ["arbetsliv", "färdigheter"]),
    ("sysselsättningstjänster", ["sysselsättning", "tjänster"]),
    ("mentalvårdsfrågor", ["mental", "vård", "frågor"]),
    ("flyktingbakgrund", ["flykting", "bakgrund"]),
    ("traumarelaterade", ["trauma", "relaterade"]),
], ids=lambda v: v if isinstance(v, str) else "+".join(v))
def test_compounds_of_the_page_split_into_their_members(lexicon, word, members):
    assert [word[s:e] for s, e in lexicon.split(word)] == members


@pytest.mark.parametrize("word", ["kommunernas", "flyktingarnas", "placeringen", "utbildningen",
                                  "integrationen", "verksamheten", "barn"])
def test_inflected_and_simple_words_are_not_split(lexicon, word):
    assert lexicon.split(word) == ()


def test_the_lexicon_comes_from_the_texts_not_a_word_list():
    tiny = Lexicon.from_texts(["hund", "katt"])
    assert [("hundkatt"[s:e]) for s, e in tiny.split("hundkatt")] == ["hund", "katt"]
    assert Lexicon.from_texts(["hund"]).split("krigstraumatiserade") == ()


@pytest.mark.parametrize("words", [
    ("trauma", "traumatiserade", "traumatiserats", "traumatisering"),
    ("integration", "integrering", "integreringen"),
    ("psykoedukation", "psykoedukativt", "psykoedukativa"),
    ("rehabilitering", "rehabilitera", "rehabiliterande"),
    ("placering", "placera", "placeras"),
    ("psykiatri", "psykiatriska"),
], ids=lambda w: w[0])
def test_derivations_share_a_root(words):
    roots = {derivation_root(stem(w)) for w in words}
    assert len(roots) == 1, roots


def test_inflections_share_a_stem():
    assert {stem(w) for w in ("kommun", "kommunerna", "kommunernas", "kommuner")} == {"kommun"}


def test_folding_removes_diacritics_but_keeps_letters():
    assert fold("hälsa") == "halsa"
    assert fold("Öppet") == "Oppet"
    assert fold("får") == "far"


def test_stopwords_are_recognised_also_without_diacritics():
    assert is_stopword("för") and is_stopword("for") and is_stopword("OCH")
    assert not is_stopword("barn")


def test_tokens_keep_offsets_of_words_and_members(lexicon):
    text = "Stöd för krigstraumatiserade barn"
    tokens = SwedishAnalyzer(lexicon)(text)
    word = next(t for t in tokens if t.norm == "krigstraumatiserade")
    assert text[word.start:word.end] == "krigstraumatiserade"
    assert [text[p.start:p.end] for p in word.parts] == ["krig", "traumatiserade"]
    assert word.parts[1].root == "traum"


def test_abbreviation_genitive_is_one_word():
    tokens = SwedishAnalyzer()("ANM:s partnerskapsprogram")
    assert [t.norm for t in tokens] == ["anm", "partnerskapsprogram"]
