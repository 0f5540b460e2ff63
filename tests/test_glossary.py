"""The glossary model: loading the catalogs, lookups in every language and inflection, coverage, bad catalogs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from amif_search.errors import GlossaryError
from amif_search.glossary.concepts import (
    COMMENT_KEYS,
    DOMAINS,
    PARTS_OF_SPEECH,
    concept_id_problem,
    format_comments,
    join_terms,
    load_glossary,
    parse_comments,
    split_terms,
    term_problem,
)

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "glossary"
SMALL = FIXTURES / "locales"
BAD = FIXTURES / "bad_catalogs"


@pytest.fixture(scope="module")
def shipped():
    return load_glossary(LOCALES)


@pytest.fixture(scope="module")
def small():
    return load_glossary(SMALL)


def test_small_glossary_loads_every_field_in_catalog_order(small):
    assert [c.id for c in small] == ["kvotflykting", "vidarebosattning", "barn", "thl", "psykisk-halsa"]
    thl = small.get("thl")
    assert thl.headword == "Institutet för hälsa och välfärd"
    assert (thl.pos, thl.domain, thl.note) == ("organisation", "myndighet", "Verifierat i referenslistan (EUSA-PRESS).")
    assert thl.definition.startswith("Statlig forsknings- och expertinrättning")
    assert thl.variants == ["THL"]
    assert thl.terms["fi"] == ["Terveyden ja hyvinvoinnin laitos", "THL"]
    assert thl.line == 50  # the line of the msgid


def test_a_fuzzy_translation_is_not_a_term(small):
    assert "en" not in small.get("psykisk-halsa").terms
    assert small.get("psykisk-halsa").terms["fi"] == ["mielenterveys"]


def test_coverage_counts_concepts_with_a_term_per_language(small):
    assert small.coverage() == {"sv": (5, 5), "en": (4, 5), "fi": (5, 5)}


@pytest.mark.parametrize("word,lang,concept,term", [
    ("kvotflyktingarna", "sv", "kvotflykting", "kvotflykting"),
    ("kiintiöpakolaisille", "fi", "kvotflykting", "kiintiöpakolainen"),
    ("refugees", "en", "flykting", "refugee"),
    ("lapset", "fi", "barn", "lapsi"),
    ("children", "en", "barn", "child"),
    ("omplacering", "sv", "vidarebosattning", "omplacering"),
    ("mental health", "en", "psykisk-halsa", "mental health"),
], ids=["sv-definite-plural", "fi-allative-plural", "en-plural", "fi-plural", "en-irregular-plural",
        "sv-variant", "en-phrase"])
def test_lookup_finds_the_concept_from_an_inflected_term(shipped, word, lang, concept, term):
    matches = shipped.lookup(word)
    assert matches, word
    best = matches[0]
    assert (best.concept.id, best.lang, best.term) == (concept, lang, term)


def test_lookup_in_one_language_ignores_the_others(shipped):
    assert [m.concept.id for m in shipped.lookup("lapset", "fi") if m.how != "related"] == ["barn"]
    assert shipped.lookup("lapset", "en") == []


def test_lookup_of_an_unknown_word_finds_nothing(shipped):
    assert shipped.lookup("xyzzy") == []
    assert shipped.lookup("   ") == []


def test_shipped_glossary_has_150_concepts_and_finnish_and_english_are_complete(shipped):
    assert len(shipped) >= 150
    coverage = shipped.coverage()
    assert coverage["fi"] == (len(shipped), len(shipped))
    assert coverage["en"] == (len(shipped), len(shipped))


def test_shipped_glossary_uses_only_the_documented_fields(shipped):
    assert {c.pos for c in shipped} <= set(PARTS_OF_SPEECH)
    assert {c.domain for c in shipped} <= set(DOMAINS)
    assert all(concept_id_problem(c.id) is None for c in shipped)
    assert all(c.definition for c in shipped)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt is not installed")
@pytest.mark.parametrize("lang", ["fi", "en"])
def test_msgfmt_check_is_clean_on_the_glossary_catalogs(lang):
    po = LOCALES / lang / "LC_MESSAGES" / "glossary.po"
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt is not installed")
def test_msgfmt_check_on_the_template_warns_only_about_placeholder_headers():
    done = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(LOCALES / "glossary.pot")],
                          capture_output=True, text=True)
    assert done.returncode == 0
    warnings = done.stderr.splitlines()
    assert len(warnings) == 4
    assert all("still has the initial default value" in line for line in warnings)


@pytest.mark.parametrize("name,line,message", [
    ("no_headword.pot", 16, "a concept without a Swedish headword"),
    ("duplicate_concept.pot", 13, "duplicate concept 'barn' (first at line 9)"),
    ("no_concept_id.pot", 12, "the concept 'familj' has no msgctxt (concept ID)"),
    ("syntax_error.pot", 9, "unterminated string"),
], ids=["no-headword", "duplicate-concept", "no-concept-id", "syntax-error"])
@pytest.mark.usefixtures("english")  # the problems are read in English
def test_a_bad_template_raises_with_file_and_line(tmp_path, name, line, message):
    shutil.copyfile(BAD / name, tmp_path / "glossary.pot")
    with pytest.raises(GlossaryError) as caught:
        load_glossary(tmp_path)
    problem = caught.value.problems[0]
    assert (Path(problem.file), problem.line) == (tmp_path / "glossary.pot", line)
    assert message in problem.message
    assert caught.value.lines()[0].startswith(f"{tmp_path / 'glossary.pot'}:{line}: ")


def test_a_missing_template_raises(tmp_path):
    with pytest.raises(GlossaryError, match="no glossary template"):
        load_glossary(tmp_path)


def test_a_new_language_shows_up_as_soon_as_it_has_a_translation(tmp_path):
    from amif_search.l10n.create import init_catalog
    from amif_search.l10n.pofile import read_po_path, write_po_path

    locales = tmp_path / "locales"
    shutil.copytree(SMALL, locales)
    catalog = init_catalog(read_po_path(locales / "glossary.pot"), "so")
    write_po_path(catalog, locales / "so" / "LC_MESSAGES" / "glossary.po")
    empty = load_glossary(locales)
    assert "so" in empty.languages and empty.coverage()["so"] == (0, 5)
    next(e for e in catalog if e.msgctxt == "barn").msgstr = "ilmo; carruur"
    write_po_path(catalog, locales / "so" / "LC_MESSAGES" / "glossary.po")
    glossary = load_glossary(locales)
    assert glossary.coverage()["so"] == (1, 5)
    assert [(m.concept.id, m.lang, m.term) for m in glossary.lookup("Ilmo")] == [("barn", "so", "ilmo")]
    assert [(m.concept.id, m.lang, m.term) for m in glossary.lookup("carruur", "so")] == [("barn", "so", "carruur")]


def test_format_comments_is_the_inverse_of_parse_comments():
    values = {"definition": "En mening: med kolon.", "pos": "fras", "domain": "boende", "variants": "a; b",
              "note": ""}
    text = format_comments(values)
    assert text.splitlines() == ["definition: En mening: med kolon.", "pos: fras", "domain: boende",
                                 "variants: a; b"]
    assert parse_comments(text) == {key: value for key, value in values.items() if value}
    assert tuple(line.split(":")[0] for line in text.splitlines()) == COMMENT_KEYS[:4]


@pytest.mark.parametrize("text,terms", [
    ("kiintiöpakolainen", ["kiintiöpakolainen"]),
    ("quota refugee; resettled refugee", ["quota refugee", "resettled refugee"]),
    (" a ;b;; ", ["a", "b"]),
    ("", []),
], ids=["one", "two", "untidy", "empty"])
def test_split_terms_and_join_terms(text, terms):
    assert split_terms(text) == terms
    assert split_terms(join_terms(terms)) == terms


@pytest.mark.parametrize("concept_id,valid", [
    ("kvotflykting", True), ("program-for-vidarebosattning", True), ("ely-2", True),
    ("Kvotflykting", False), ("vidarebosättning", False), ("a--b", False), ("-a", False), ("a b", False), ("", False),
], ids=["plain", "hyphens", "digit", "upper-case", "non-ascii", "double-hyphen", "leading-hyphen", "space", "empty"])
def test_concept_id_problem(concept_id, valid):
    assert (concept_id_problem(concept_id) is None) is valid


@pytest.mark.parametrize("term,problem", [
    ("quota refugee", None), ("a;b", "contains ';'"), ("two\nlines", "line break"),
], ids=["good", "semicolon", "line-break"])
@pytest.mark.usefixtures("english")
def test_term_problem(term, problem):
    found = term_problem(term)
    assert found is None if problem is None else problem in found


def test_small_glossary_loads_the_thesaurus_fields(small):
    quota = small.get("kvotflykting")
    assert quota.hidden == {"sv": ["kvotflyktning"], "fi": ["kiintiopakolainen"]}
    assert (quota.broader, quota.related) == ([], ["vidarebosattning"])
    # Related is read from both ends; a hidden label finds its concept but is no term.
    assert small.neighbours("vidarebosattning") == {"broader": [], "narrower": [], "related": ["kvotflykting"]}
    assert "kvotflyktning" not in quota.terms["sv"]
    assert [m.concept.id for m in small.lookup("kvotflyktning", "sv") if m.how != "related"] == ["kvotflykting"]


def test_narrower_is_the_inverse_of_broader(shipped):
    for concept in shipped:
        for target in concept.broader:
            assert concept.id in shipped.neighbours(target)["narrower"]


def test_shipped_thesaurus_has_no_broken_relation(shipped):
    from amif_search.glossary.concepts import relation_problems

    assert relation_problems(shipped) == []
    assert sum(len(c.broader) + len(c.related) for c in shipped) >= 300
    labels = sum(len(v) for c in shipped for v in c.hidden.values()) + sum(
        len(v) - 1 for c in shipped for v in c.terms.values())
    assert labels >= 250


@pytest.mark.parametrize("broader, related, message", [
    ({"a": ["zz"]}, {}, "broader: 'zz' i 'a' är inget begrepp i ordlistan"),
    ({}, {"a": ["a"]}, "begreppet 'a' är relaterat till sig självt"),
    ({"a": ["b"], "b": ["c"], "c": ["a"]}, {}, "en cirkel av överordnade begrepp: a → b → c → a"),
], ids=["unknown", "self-related", "cycle"])
def test_relation_problems_name_the_entry(broader, related, message):
    from amif_search.glossary.concepts import Concept, Glossary, relation_problems

    concepts = [Concept(cid, cid, line=n * 10, broader=broader.get(cid, []), related=related.get(cid, []))
                for n, cid in enumerate("abc", start=1)]
    problems = relation_problems(Glossary(concepts, []), "glossary.pot")
    assert [(p.file, p.line, p.message) for p in problems] == [("glossary.pot", 10, message)]


@pytest.mark.parametrize("word, lang, concept, how", [
    ("kommunerna", "sv", "kommun", "exact"),      # the same stem: exact
    ("lapsille", "fi", "barn", "inflected"),
    ("valbefinnande", "sv", "valbefinnande", "spelling"),
    ("aidinkieli", "fi", "modersmal", "spelling"),
    ("kvot-flykting", "sv", "kvotflykting", "spelling"),
    ("EU stöd", "sv", "eu-stod", "spelling"),
    ("flyktingfamilj", "sv", "familj", "compound"),
    ("pakolaisperhe", "fi", "familj", "compound"),
    ("kalkylerad", "sv", "kalkylerad-ersattning", "part"),
    ("trafficking", "en", "manniskohandel", "part"),
    ("doktor", "sv", "lakare", "exact"),
], ids=["inflection", "fi-stem-change", "sv-without-diacritics", "fi-without-diacritics", "hyphen-for-nothing", "space-for-hyphen",
        "sv-compound-head", "fi-compound-head", "part-of-term", "head-of-term", "everyday-label"])
def test_lookup_reads_words_as_search_does(shipped, word, lang, concept, how):
    first = shipped.lookup(word, lang)[0]
    assert (first.concept.id, first.how) == (concept, how)


def test_lookup_ranks_exact_above_inflected_above_compound_and_ends_with_related(shipped):
    matches = shipped.lookup("läkare", "sv")
    assert matches[0].how == "exact" and matches[0].concept.id == "lakare"
    hows = [m.how for m in matches]
    assert hows == sorted(hows, key=lambda h: h == "related") and "related" in hows
    related = {m.concept.id for m in matches if m.how == "related"}
    assert related <= set(sum(shipped.neighbours("lakare").values(), []))


@pytest.mark.parametrize("word", ["fotboll", "jalkapallo", "football", "pizza", "bilverkstad"])
def test_lookup_of_a_word_outside_the_domain_finds_nothing(shipped, word):
    assert shipped.lookup(word) == []


@pytest.mark.parametrize("word, concept", [("äidit", "mamma"), ("velat", "skuld")], ids=["d-t", "lost-k"])
def test_finnish_consonant_gradation_reaches_the_term(shipped, word, concept):
    first = shipped.lookup(word, "fi")[0]
    assert (first.concept.id, first.how) == (concept, "inflected")


def test_capacity_building_is_no_english_term_for_kapacitet():
    # Capacity building is the building up of capacity, not the capacity itself.
    glossary = load_glossary()
    assert glossary.get("kapacitet").terms["en"] == ["capacity", "capability"]
    assert glossary.lookup("capacity building", "en") == []

