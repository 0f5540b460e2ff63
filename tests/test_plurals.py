"""Every count is printed with a plural message: '1 träff' and '2 träffar', in every language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from amif_search.i18n import translations
from amif_search.i18n.languages import interface_languages
from amif_search.l10n.pofile import read_po_path
from amif_search.web.page import PageContext, render_page

LOCALES = Path(__file__).resolve().parent.parent / "locales"
TEMPLATE = read_po_path(LOCALES / "amif_search.pot")
PLURALS = [e for e in TEMPLATE if e.msgid_plural and any(c in e.msgid for c in ("{count}", "{total}", "{n}"))]
# Placeholders that hold a number of things.
COUNTS = ("{count}", "{total}", "{n}")
# A label and its value: no word follows the number, so no plural is needed.
LABELS = {"Projekt:    {count}"}


def _filled(text: str, number: int) -> str:
    names = {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    values = {name: number if name in ("count", "total", "n", "max", "first", "last") else "x" for name in names}
    values.update(seconds=1.0) if "seconds" in names else None
    return text.format(**values)


def test_no_count_is_printed_with_a_singular_only_message():
    singular_only = [e.msgid for e in TEMPLATE
                     if not e.msgid_plural and any(c in e.msgid for c in COUNTS) and e.msgid not in LABELS]
    assert singular_only == []


@pytest.mark.parametrize("lang", interface_languages())
@pytest.mark.parametrize("entry", PLURALS, ids=[e.msgid[:40] for e in PLURALS])
def test_each_count_message_reads_with_one_and_with_two(entry, lang):
    trans = translations(lang)
    one, two = (_filled(trans.ngettext(entry.msgid, entry.msgid_plural, n), n) for n in (1, 2))
    assert re.search(r"\b1\b", one) and re.search(r"\b2\b", two)
    if lang == "en":  # English always tells one from two
        assert one.replace("1", "2") != two


@pytest.mark.parametrize("lang, one, two", [
    ("sv", "1 träff för x (visar 1–1)", "2 träffar för x (visar 1–2)"),
    ("fi", "1 osuma haulle x (näytetään 1–1)", "2 osumaa haulle x (näytetään 1–2)"),
    ("en", "1 result for x (showing 1–1)", "2 results for x (showing 1–2)"),
])
def test_the_hit_count_of_a_search(lang, one, two):
    trans = translations(lang)
    pair = ("{total} träff för {query} (visar {first}–{last})", "{total} träffar för {query} (visar {first}–{last})")
    assert trans.ngettext(*pair, 1).format(total=1, query="x", first=1, last=1) == one
    assert trans.ngettext(*pair, 2).format(total=2, query="x", first=1, last=2) == two


@pytest.mark.parametrize("lang, one, other", [
    ("sv", "{total} träff för {query}", "{total} träffar för {query}"),
    ("fi", "{total} osuma haulle {query}", "{total} osumaa haulle {query}"),
    ("en", "{total} result for {query}", "{total} results for {query}"),
])
def test_the_web_page_counts_one_hit_and_more_with_the_plural_forms(collection, lang, one, other):
    # The server renders the count (the page works without its script).
    from amif_search.web.page import SearchView

    context = PageContext.of(collection.projects(), 200)
    # tortyr: the two LANU projects and one through a related concept (våld).
    for query, total, form in (("Spring House", 1, one), ("tortyr", 3, other)):
        result = collection.search(query)
        assert result.total == total
        page = render_page(lang, {"q": query}, context, view=SearchView(result=result))
        assert f'aria-atomic="true">{form.format(total=total, query=query)}</p>' in page
