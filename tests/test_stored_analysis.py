"""What the build works out once and the index keeps: each project's compounds as split, the
lexicon read a word at a time, the glossary's stems as typed without diacritics. A search
answers exactly as when all of it is worked out at search time."""

from __future__ import annotations

import pytest

from amif_search.glossary.concepts import glossary_from_json, glossary_to_json, load_glossary
from amif_search.index import store
from amif_search.index.lexicon_file import StoredLexicon
from amif_search.text.analysis import SwedishAnalyzer, compound_splits
from amif_search.text.highlight import MatchForms, match_spans

QUERIES = ["trauma barn", "krigstraumatiserade", "tortyr", "kvotflyktingar", "integration kommun",
           "psykisk hälsa", "arbetsliv", '"servicerådgivning för svårt"', "halsa", "barn*", "lanu"]


def _answers(collection) -> list[dict]:
    return [collection.search(query, limit=None).to_json() for query in QUERIES]


def test_highlights_from_the_kept_splits_equal_those_worked_out_at_search_time(collection, monkeypatch):
    kept = _answers(collection)
    assert sum(len(hit["highlights"]) + len(hit["title_highlights"]) for answer in kept for hit in answer["hits"]) > 50
    monkeypatch.setattr(store.RecordStore, "splits", lambda self, ids: {})
    assert _answers(collection) == kept


def test_the_records_keep_each_compound_of_title_and_description(collection):
    project = collection.get("lanu-2022")
    splits = collection.records.splits(["lanu-2022"])["lanu-2022"]
    assert splits["krigstraumatiserade"] == [[0, 4], [5, 19]]
    assert splits == compound_splits([project.title, project.description], collection.lexicon)


def test_text_split_as_kept_is_analysed_as_when_split_here(collection):
    project = collection.get("lanu-2022")
    analyzer = SwedishAnalyzer(collection.lexicon)
    forms = MatchForms()
    for token in analyzer("trauma vård"):
        forms.add(token)
    splits = compound_splits([project.description], collection.lexicon)
    assert match_spans(project.description, SwedishAnalyzer(collection.lexicon), forms, splits) == \
        match_spans(project.description, analyzer, forms) != []


def test_the_stored_lexicon_answers_as_the_whole_one(collection, projects):
    from amif_search.indexing import _texts
    from amif_search.text.analysis import Lexicon

    stored = collection.lexicon
    assert isinstance(stored, StoredLexicon)
    whole = Lexicon.from_texts((_texts(p) for p in projects), extra_words=load_glossary().swedish_words())
    assert len(stored) == len(whole) and list(stored.counts) == list(whole.counts)
    for word in ("trauma", "barn", "tortyrutsatta", "kvotflyktingar", "sjukhus", "integration", "arbetsliv"):
        assert stored.compounds_with(word) == whole.compounds_with(word)
        assert stored.split(word + "stöd") == whole.split(word + "stöd")
    for letter in "abkstö":
        assert stored.beginning_with(letter) == whole.beginning_with(letter)


def test_a_lexicon_file_that_is_no_database_is_one_clear_error(tmp_path):
    from amif_search.errors import IndexStateError

    path = tmp_path / store.LEXICON
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(IndexStateError, match="lexikonet kan inte läsas") as refused:
        StoredLexicon(path)
    assert "\n" not in refused.value.message


def test_the_glossary_keeps_its_stems_as_typed_without_diacritics():
    glossary = load_glossary()
    saved = glossary_from_json(glossary_to_json(glossary))
    for words, lang in ((["halsa"], "sv"), (["valbefinnande"], "sv"), (["kiintiopakolaiset"], "fi"),
                        (["torture", "victims"], "en"), (["psykisk", "halsa"], "sv")):
        assert saved.match_words(words, lang, folded=True) == glossary.match_words(words, lang, folded=True)
    assert any(saved.match_words(["halsa"], "sv", folded=True))
