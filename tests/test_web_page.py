"""The search page and the project pages as the server renders them (no script needed)."""

from __future__ import annotations

import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from amif_search.web import create_app
from tests.test_web_api import call

ROOT = Path(__file__).resolve().parent.parent
# Amounts and dates do not break inside: their spaces are non-breaking on the page.
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def app(collection):
    return create_app(collection)


def build_many(folder: Path) -> Path:
    """An index of the real page and 60 projects made by bench/generate.py from its words: a
    search then has more hits than one page shows (the real page has only 12 projects)."""
    from amif_search.collection import build_index

    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    pages = generate.write_corpus(60, folder / "pages")
    build_index([ROOT / "data" / "amif-so6-quota-refugee-placement.sv.txt", *pages], folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def many_app(tmp_path_factory):
    from amif_search.collection import open_collection

    opened = open_collection(build_many(tmp_path_factory.mktemp("many")), build=False)
    yield create_app(opened)
    opened.close()


class _Links(HTMLParser):
    """The hits' title links, the facet links and every element's lang, read from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.hit_links: list[str] = []
        self.facet_links: list[str] = []
        self.text_by_lang: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.stack.append((tag, attributes))
        inside = [t for t, _a in self.stack]
        if tag == "a" and "h2" in inside and any(a.get("class") == "hit-title" for _t, a in self.stack):
            self.hit_links.append(attributes["href"])
        if tag == "a" and any(a.get("class") == "facets" for _t, a in self.stack):
            self.facet_links.append(attributes["href"])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip():
            lang = next((a["lang"] for _t, a in reversed(self.stack) if "lang" in a), None)
            self.text_by_lang.append((lang, data.strip()))


def _parse(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def test_the_search_page_shows_the_hits_without_a_script(app):
    reply = call(app, "/?q=trauma+barn")
    assert reply.status == 200
    page = _parse(reply.text)
    assert [link.split("?")[0] for link in page.hit_links] == [
        "/projects/lanu-2019", "/projects/lanu-2022", "/projects/rehabilitering-krigstraumatiserade-2021"]
    assert '<p id="status" role="status" aria-live="polite" aria-atomic="true">3 träffar för trauma barn</p>' \
        in reply.text
    assert f"3 projekt, EU-stöd sammanlagt 2{NBSP}091{NBSP}076,95{NBSP}€" in reply.text
    assert "<title>3 träffar för trauma barn – AMIF-projekt i Finland</title>" in reply.text


def test_hits_highlight_their_titles(app):
    text = call(app, "/?q=krigstraumatiserade").text
    assert "Rehabilitering för <mark>krigstraumatiserade</mark></a>" in text


def test_each_hit_leads_to_a_project_page_with_the_full_description(app, collection):
    links = _parse(call(app, "/?q=trauma+barn&ui=en").text).hit_links
    assert all("ui=en" in link for link in links)
    for link in links:
        path, _sep, query = link.replace("&amp;", "&").partition("?")
        reply = call(app, f"{path}?{query}")
        project = collection.get(path.rsplit("/", 1)[1])
        assert reply.status == 200
        assert project.description[-80:].replace("&", "&amp;") in reply.text.replace("&#x27;", "'")
        assert f"<h1 lang=\"sv\">{project.title}</h1>" in reply.text
        assert "Back to the search" in reply.text and "trauma+barn" in reply.text


def test_the_project_page_has_the_facts_and_glossary_terms_in_the_readers_language(app, collection):
    text = call(app, "/projects/lanu-2022?ui=fi").text
    line = collection.get("lanu-2022").line
    for fact in ("6.2 Kiintiöpakolaisten kotoutumisen edistäminen", "1.1.2022–31.12.2022", f"501{NBSP}845,10{NBSP}€",
                 f"amif-so6-quota-refugee-placement.sv.txt, rivi {line}",
                 '<span lang="sv">Stiftelsen Diakonissanstalten i Helsingfors sr</span>'):
        assert fact in text, fact
    assert '<span lang="sv">rehabilitering</span> – <span>kuntoutus</span>' in text
    assert "/srv" not in text and "data/" not in text


def test_swedish_text_is_marked_swedish_in_a_finnish_page(app):
    parsed = _parse(call(app, "/?q=tortyr&ui=fi").text)
    swedish = [text for lang, text in parsed.text_by_lang if lang == "sv"]
    finnish = [text for lang, text in parsed.text_by_lang if lang == "fi"]
    assert any("tortyr" in text for text in swedish)
    assert "Hankkeen toteuttaja" in finnish and not any("Projektgenomförare" in t for t in finnish)
    # A Swedish page needs no marks of its own.
    assert 'lang="sv"' not in call(app, "/?q=tortyr&ui=sv").text.split("<main>")[1]


def test_facets_are_links_that_filter(app):
    reply = call(app, "/?q=flyktingar&ui=en")
    links = _parse(reply.text).facet_links
    objective = next(link for link in links if "objective=6.1" in link).replace("&amp;", "&")
    narrowed = call(app, objective)
    assert "3 results for flyktingar" in narrowed.text
    implementer = next(link for link in links if "implementer=" in link).replace("&amp;", "&")
    narrowed_text = call(app, implementer).text
    total = int(re.search(r'role="status"[^>]*>([0-9]+) results? for flyktingar<', narrowed_text).group(1))
    assert 0 < total < 12
    assert "Remove the filter" in call(app, implementer).text


def test_the_page_is_paged_with_links_and_says_when_past_the_end(app):
    first = call(app, "/?q=flyktingar&sort=-start").text
    assert 'id="more"' not in first  # twelve hits fit one page
    past = call(app, "/?q=flyktingar&offset=40").text
    assert "Det finns bara 12 träffar; inget att visa från nummer 41" in past
    assert 'class="results"' not in past


def test_the_sort_select_orders_the_hits(app):
    text = call(app, "/?q=flyktingar&sort=-support").text
    ids = re.findall(r'<li class="hit" data-id="([^"]+)"', text)
    assert ids[0] == "sylvia-6-2022" and len(ids) == 12
    assert '<option value="-support" selected>' in text


def test_a_bad_search_is_said_on_the_page_in_its_language(app):
    reply = call(app, "/?q=tortyr&year=1899&ui=fi")
    assert reply.status == 400
    assert "Haku epäonnistui: year on oltava kokonaisluku väliltä 1900–2200, ei &#x27;1899&#x27;" in reply.text


def test_an_unknown_project_page_is_a_404_page_that_suggests(app):
    reply = call(app, "/projects/lanu-2023?ui=en")
    assert reply.status == 404 and reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "did you mean lanu-2022, lanu-2019?" in reply.text


def test_a_start_year_facet_narrows_to_projects_that_started_then(app):
    links = _parse(call(app, "/?q=flyktingar&ui=en").text).facet_links
    link = next(link for link in links if "start_year=2019" in link).replace("&amp;", "&")
    narrowed = call(app, link).text
    ids = re.findall(r'<li class="hit" data-id="([^"]+)"', narrowed)
    assert ids and all(pid.endswith("2019") for pid in ids)
    assert 'name="start_year" value="2019"' in narrowed and "Remove the filter" in narrowed


def _partial_ids(text: str) -> list[str]:
    return re.findall(r'<li class="hit" data-id="([^"]+)"><article>\n<h2[^\n]*\n<p class="partial">', text)


def test_hits_that_match_only_part_of_the_query_say_so(app):
    text = call(app, "/?q=trauma+barn&ui=en").text
    ids = re.findall(r'<li class="hit" data-id="([^"]+)"', text)
    partial = _partial_ids(text)
    assert ids[:2] and not set(ids[:2]) & set(partial)      # the LANU projects match both words
    assert partial and set(partial) <= set(ids[2:])
    assert "Matches part of the query" in text
    assert "No project matches the whole query" not in text


def test_the_page_says_first_when_no_project_matches_the_whole_query(app):
    text = call(app, "/?q=tortyr+arbetsgivare").text
    assert "Inget projekt matchar hela frågan" in text
    assert _partial_ids(text) == re.findall(r'<li class="hit" data-id="([^"]+)"', text)


def _notes(text: str) -> list[str]:
    found = re.search(r'<ul id="notes" class="notes" aria-label="([^"]*)">(.*?)</ul>', text)
    return re.findall(r"<li>(.*?)</li>", found.group(2)) if found else []


@pytest.mark.parametrize("lang, said", [
    ("sv", '<q>started in 2021</q> lästes som <code>startår:2021</code>'),
    ("fi", '<q>started in 2021</q> luettiin muotoon <code lang="sv">startår:2021</code>'),
    ("en", '<q>started in 2021</q> was read as <code lang="sv">startår:2021</code>'),
])
def test_words_read_as_a_filter_are_said_in_the_readers_language(app, lang, said):
    text = call(app, f"/?q=projects+that+started+in+2021&ui={lang}").text
    assert _notes(text) == [said]
    assert re.search(r'<ul id="notes" class="notes" aria-label="(Så lästes frågan|Näin kysely tulkittiin|'
                     r'How the query was read)">', text)
    ids = re.findall(r'<li class="hit" data-id="([^"]+)"', text)
    assert ids and all(pid.endswith("2021") for pid in ids)


def test_an_organisation_read_as_a_boost_and_amounts_and_objectives_are_said(app):
    boost = _notes(call(app, "/?q=diakonissanstalten+trauma&ui=en").text)
    assert boost == ['<q>diakonissanstalten</q> was read as <code lang="sv">genomförare:&quot;Stiftelsen '
                     'Diakonissanstalten i Helsingfors&quot;</code>: the projects it implements come first']
    filters = _notes(call(app, "/?q=tortyr+%C3%B6ver+500000+m%C3%A5l+6.2&ui=fi").text)
    assert filters[:2] == ['<q>över 500000</q> luettiin muotoon <code lang="sv">stöd:&gt;500000</code>',
                           '<q>mål 6.2</q> luettiin muotoon <code lang="sv">mål:6.2</code>']


def test_corrections_translations_and_unknown_words_are_said_with_the_swedish_marked(app):
    corrected = _notes(call(app, "/?q=tortir&ui=en").text)
    assert corrected == ['Searched for <span lang="sv">tortyr</span> instead of tortir',
                         'Did you mean: <a href="/?ui=en&amp;q=tortyr">tortyr</a>']
    assert _notes(call(app, "/?q=kidutus&ui=en").text) == ['Searched for kidutus as <span lang="sv">tortyr</span>']
    unknown = _notes(call(app, "/?q=tortyr+xyzzyq&ui=fi").text)
    assert unknown[0] == "Ei löydy hankkeista: xyzzyq"
    # A Swedish page marks nothing, and a query read as it stands has no notes at all.
    assert _notes(call(app, "/?q=tortir").text)[0] == "Sökte efter <span>tortyr</span> i stället för tortir"
    assert 'id="notes"' not in call(app, "/?q=trauma+barn").text


def test_the_notes_escape_the_words_they_repeat(app):
    text = call(app, "/?q=%3Cem%3Exyzzyq%3C%2Fem%3E+tortyr&ui=en").text
    assert "<em>" not in text.split("<main>")[1]


def _ids(text: str) -> list[str]:
    return re.findall(r'<li class="hit" data-id="([^"]+)"', text)


def test_without_the_script_the_next_page_is_a_link_that_pages_on_the_server(many_app):
    everything = call(many_app, "/api/v1/search?q=trauma+barn&limit=100").json()
    assert everything["total"] == 45
    order = [hit["id"] for hit in everything["hits"]]
    seen, target, pages = [], "/?q=trauma+barn&ui=en", 0
    while target:
        text = call(many_app, target).text
        pages += 1
        first = len(seen) + 1
        seen += _ids(text)
        assert f'<ol id="results" class="results" start="{first}"' in text
        assert f'<span id="showing">Showing {first}–{len(seen)}</span>' in text
        assert ('rel="prev"' in text) == (first > 1)
        more = re.search(r'<a id="more" rel="next" href="([^"]+)" data-offset="(\d+)">Next page</a>', text)
        if more:
            # The page it opens starts at the hits, not at the top of the form.
            assert more.group(1).endswith("#status") and int(more.group(2)) == len(seen)
            target = more.group(1).replace("&amp;", "&").split("#")[0]
        else:
            target = None
    assert pages == 3 and seen == order


def test_the_previous_page_link_goes_back_one_page(many_app):
    text = call(many_app, "/?q=trauma+barn&ui=sv&offset=40").text
    previous = re.search(r'<a rel="prev" href="([^"]+)#status">Föregående sida</a>', text).group(1)
    assert "offset=20" in previous
    first = re.search(r'<a rel="prev" href="([^"]+)#status">', call(many_app, previous.replace("&amp;", "&")).text)
    assert "offset" not in first.group(1)


def test_the_script_gets_what_it_needs_to_render_more_hits_as_the_server_does(many_app):
    text = call(many_app, "/?q=trauma+barn&ui=fi&sort=relevance").text
    config = json.loads(re.search(r'<script type="application/json" id="page-config">(.*?)</script>', text).group(1))
    assert config["limit"] == 20 and config["clauses"] == 2
    assert config["search"] == {"q": "trauma barn", "sort": "relevance"}
    assert config["labels"]["more"] == "Näytä lisää osumia" and config["labels"]["partial"] == "Vastaa osaa kyselystä"
    # Sorted, no hit is told apart as partial (as on the command line).
    assert json.loads(re.search(r'id="page-config">(.*?)</script>',
                                call(many_app, "/?q=trauma+barn&sort=-start").text).group(1))["clauses"] == 0
