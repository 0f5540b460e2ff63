"""The search page and the page of a project: HTML rendered on the server, in the visitor's language.

The server renders every label through gettext for the language of the request (``?ui=fi``,
else ``Accept-Language``, else Swedish), renders the hits of ``GET /?q=...`` itself, so that
the page works without JavaScript, and escapes every piece of text it puts into the page.
Project data is Swedish: inside a Finnish or English page it carries ``lang="sv"``. The
script (``static/search.js``) only adds to this: "more hits" without reloading the page.
Without it, the same control is a link to the next page that the server renders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import PurePath
from string import Formatter
from typing import Mapping
from urllib.parse import quote, urlencode

from ..fields import field_named, filterable_fields, label
from ..i18n import N_, N_plural
from ..i18n.formatting import format_amount, format_period
from ..i18n.languages import SWEDISH, best_language, interface_languages, language
from ..model import Objective, Project
from ..summary import SORT_FIELDS

__all__ = ["PageContext", "choose_language", "render_page", "render_project_page", "translations_for",
           "SCRIPT_LABELS", "PAGE_SIZE", "sort_labels"]

# Hits on one page.
PAGE_SIZE = 20

TITLE = N_("AMIF-projekt i Finland")
INTRO = N_("Sök bland de projekt i Finland som EU:s asyl-, migrations- och integrationsfond (AMIF) har stött.")
QUERY_LABEL = N_("Sökord")
SUBMIT = N_("Sök")
ALL_OBJECTIVES = N_("Alla mål")
ALL_YEARS = N_("Alla år")
SORT_LABEL = N_("Ordning")
LANGUAGE_LABEL = N_("Språk")
RESULTS_LABEL = N_("Träffar")
FAILED = N_("Sökningen misslyckades: {message}")
NONE = N_("Inga träffar för {query}")
SUGGESTION = N_("Menade du: {suggestion}")
CORRECTED = N_("Sökte efter {corrected} i stället för {original}")
TRANSLATED = N_("Sökte efter {original} som {swedish}")
# How plain words were read, said as the command line says it (cli/search.py).
READ_AS = N_("{original} lästes som {reading}")
READ_AS_BOOST = N_("{original} lästes som {reading}: de projekt den genomför kommer först")
UNKNOWN = N_("Finns inte i projekten: {words}")
NOTES_LABEL = N_("Så lästes frågan")
TOTAL = N_plural("{count} projekt, EU-stöd sammanlagt {amount}", "{count} projekt, EU-stöd sammanlagt {amount}")
COUNT = N_plural("{total} träff för {query}", "{total} träffar för {query}")
PAST_THE_END = N_plural("Det finns bara {total} träff; inget att visa från nummer {first}",
                        "Det finns bara {total} träffar; inget att visa från nummer {first}")
SHOWING = N_("Visar {first}–{last}")
# As on the command line: with several clauses, a hit that matches only some of them says so.
NO_FULL_MATCH = N_("Inget projekt matchar hela frågan; de här matchar en del av den.")
PARTIAL = N_("Matchar en del av frågan")
PAGES_LABEL = N_("Sidor")
PREVIOUS = N_("Föregående sida")
# Without the script the link opens the next page; the script turns it into "more hits" in place.
NEXT_PAGE = N_("Nästa sida")
NEXT = N_("Visa fler träffar")
FACETS_HEADING = N_("Fördelning av träffarna")
FILTERS_LABEL = N_("Filter")
REMOVE_FILTER = N_("Ta bort filtret {filter}")
FACET_COUNT = N_plural("{count} projekt, {amount}", "{count} projekt, {amount}")
BACK = N_("Tillbaka till sökningen")
DESCRIPTION = N_("Projektbeskrivning")
CONCEPTS = N_("Begrepp i ordlistan")
SOURCE_LINE = N_("{file}, rad {line}")
NOT_FOUND = N_("Sidan finns inte")

# The two facts of a hit and a project that are no field of the registry.
PERIOD = N_("Verksamhetsperiod")
SOURCE = N_("Källa")
RELEVANCE = N_("Bäst matchande först")


def sort_labels() -> dict[str, str]:
    """The page's sort orders and their msgids: relevance, then the registry's sortable fields."""
    labels = {"relevance": RELEVANCE}
    for key, name in SORT_FIELDS.items():
        labels["-" + key], labels[key] = field_named(name).sort_labels or (key, key)
    return labels


# Labels the script uses to render more hits as the server does.
SCRIPT_LABELS = {
    "implementer": label("implementer"),
    "period": PERIOD,
    "support": label("support"),
    "objective": label("objective"),
    "failed": FAILED,
    "more": NEXT,
    "showing": SHOWING,
    "partial": PARTIAL,
}
# The filters the form offers as selects; any other filter (set from a facet) is a hidden field.
FORM_FILTERS = ("objective", "year")


def search_state() -> tuple[str, ...]:
    """The parameters of the search page that a search reads (the rest of the address is ignored)."""
    return ("q", *(f.api_parameter for f in filterable_fields()), "sort")


@dataclass(frozen=True)
class PageContext:
    """What the page shows besides its labels: the filter choices and the state to restore."""

    objectives: tuple[Objective, ...]
    years: tuple[int, ...]
    max_query_length: int

    @classmethod
    def of(cls, projects: list[Project], max_query_length: int) -> "PageContext":
        objectives = {p.objective.code: p.objective for p in projects}
        years = sorted({year for p in projects for year in p.years})
        return cls(tuple(objectives[code] for code in sorted(objectives, key=_code_key)), tuple(years),
                   max_query_length)

    def objective_title(self, code: str) -> str | None:
        return next((o.title for o in self.objectives if o.code == code), None)


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def translations_for(lang: str):
    """The gettext translations of ``lang`` for one request (Swedish: the msgids themselves)."""
    from .. import i18n  # noqa: PLC0415

    return i18n.translations(lang)


def choose_language(explicit: str | None, accept_language: str) -> str:
    """``explicit`` when it is an interface language, else the best interface language of
    Accept-Language, else Swedish."""
    available = interface_languages()
    if explicit:
        chosen = best_language(explicit, available)
        if chosen is not None:
            return chosen
    ranked = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _sep, rest = item.strip().partition(";")
        quality = 1.0
        for param in rest.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = best_language(tag, available)
        if code is not None and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else SWEDISH


def _script_json(data) -> str:
    # Inside <script> nothing may close the element or open a comment.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class _Page:
    """The pieces every page shares, for one request's language."""

    def __init__(self, lang: str, base: str) -> None:
        self.lang = lang
        self.base = base
        self.trans = translations_for(lang)

    def t(self, msgid: str) -> str:
        return self.trans.gettext(msgid)

    def n(self, pair: tuple[str, str], count: int) -> str:
        return self.trans.ngettext(pair[0], pair[1], count)

    def sv(self, text: str, tag: str = "span", attributes: str = "") -> str:
        """Swedish text of the data, marked as Swedish inside a page of another language."""
        marked = f' lang="{SWEDISH}"' if self.lang != SWEDISH else ""
        return f"<{tag}{attributes}{marked}>{text}</{tag}>"

    def href(self, path: str, params: Mapping[str, object]) -> str:
        """A link within the application, keeping the interface language."""
        query = urlencode({"ui": self.lang, **{k: v for k, v in params.items() if v not in (None, "")}})
        return escape(f"{self.base}{path}?{query}")

    def document(self, title: str, main: str, state: Mapping[str, str], path: str = "/", heading: bool = True,
                 script: dict | None = None, status: int = 200) -> str:
        e = escape
        site = e(self.t(TITLE))
        languages = []
        for code in interface_languages():
            # Each language named in itself, so that a visitor finds their own.
            current = ' aria-current="page"' if code == self.lang else ""
            query = urlencode({**state, "ui": code})
            languages.append(f'<li><a href="{e(self.base + path)}?{e(query)}" hreflang="{e(code)}" lang="{e(code)}" '
                             f'data-ui="{e(code)}"{current}>{e(language(code).name)}</a></li>')
        name = f"<h1>{site}</h1>" if heading else \
            f'<p class="site"><a href="{self.href("/", {})}">{site}</a></p>'
        scripts = ""
        if script is not None:
            scripts = (f'<script src="{e(self.base)}/static/search.js" defer></script>\n', 
                       f'<script type="application/json" id="page-config">{_script_json(script)}</script>\n')
        nl = "\n"
        return f"""<!DOCTYPE html>
<html lang="{e(self.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<link rel="stylesheet" href="{e(self.base)}/static/search.css">
{scripts[0] if scripts else ""}</head>
<body>
<header>
{name}
<nav aria-label="{e(self.t(LANGUAGE_LABEL))}"><ul class="languages">
{nl.join(languages)}
</ul></nav>
</header>
<main>
{main}
</main>
{scripts[1] if scripts else ""}</body>
</html>
"""

    def period(self, project: Project) -> str:
        return escape(_unbroken(format_period(project.start, project.end, self.lang)))

    def amount(self, value) -> str:
        return escape(_unbroken(format_amount(value, self.lang)))


def _unbroken(text: str) -> str:
    """An amount or a date kept on one line: its spaces do not break ('2 091 076,95 €')."""
    return text.replace(" ", "\u00a0")


def _fill(template: str, values: Mapping[str, str]) -> str:
    """A translated text, escaped, with its placeholders replaced by pieces of HTML."""
    out = []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        out.append(escape(literal))
        if name is not None:
            out.append(values.get(name, escape(f"{{{name}}}")))
    return "".join(out)


def _marked(text: str, spans) -> str:
    """``text`` escaped, with the spans in ``<mark>``."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return "".join(out)


@dataclass
class SearchView:
    """What a search gave for the page: a result, or the message of an error (and its status)."""

    result: object | None = None
    error: str | None = None


def render_page(lang: str, params: Mapping[str, str], context: PageContext, base: str = "",
                view: SearchView | None = None) -> str:
    """The search page in ``lang``, with the search box and filters set from ``params``, and
    the hits of the search when ``view`` holds one; ``base`` is the path the application is
    mounted at ("" at the root)."""
    page = _Page(lang, base)
    t, e = page.t, escape
    query = params.get("q", "")[:context.max_query_length]
    state = {k: params.get(k, "") for k in search_state() if params.get(k)}
    state["q"] = query
    state = {k: v for k, v in state.items() if v}

    def option(value: str, text: str, chosen: str) -> str:
        selected = " selected" if value == chosen else ""
        return f'<option value="{e(value)}"{selected}>{e(text)}</option>'

    nl = "\n"
    # The filters the form offers, each a field of the registry: (field, "all" label, choices).
    offered = [
        (field_named("objective"), ALL_OBJECTIVES, [(o.code, f"{o.code} {t(o.title)}") for o in context.objectives]),
        (field_named("year"), ALL_YEARS, [(str(year), str(year)) for year in context.years]),
    ]
    selects = []
    for field, all_label, choices in offered:
        name = field.api_parameter or field.name
        chosen = params.get(name, "")
        options = [option("", t(all_label), chosen)] + [option(value, text, chosen) for value, text in choices]
        selects.append(f"""<div class="field">
<label for="{e(name)}">{e(t(field.label or name))}</label>
<select id="{e(name)}" name="{e(name)}" data-filter>
{nl.join(options)}
</select>
</div>""")
    chosen_sort = params.get("sort", "") or "relevance"
    sorts = [option(key, t(text), chosen_sort) for key, text in sort_labels().items()]
    hidden = "".join(f'<input type="hidden" name="{e(name)}" value="{e(params[name])}">\n'
                     for name in _hidden_filters() if params.get(name))
    form = f"""<p>{e(t(INTRO))}</p>
<form id="search-form" role="search" action="{e(base)}/" method="get">
<input type="hidden" name="ui" value="{e(lang)}">
{hidden}<div class="field query">
<label for="q">{e(t(QUERY_LABEL))}</label>
<input id="q" name="q" type="search" value="{e(query)}" maxlength="{context.max_query_length}" required
 autocomplete="off" spellcheck="false">
</div>
{nl.join(selects)}
<div class="field">
<label for="sort">{e(t(SORT_LABEL))}</label>
<select id="sort" name="sort">
{nl.join(sorts)}
</select>
</div>
<button type="submit">{e(t(SUBMIT))}</button>
</form>"""
    title = t(TITLE)
    status, body, script = "", "", None
    if view is not None and view.error is not None:
        status = e(t(FAILED).format(message=view.error))
    elif view is not None and view.result is not None:
        result = view.result
        status_text, body, script = _results(page, result, params, state, context)
        status = e(status_text)
        title = f"{status_text} – {title}"
    main = (f'{form}\n{_filters(page, params, state)}<p id="status" role="status" aria-live="polite" '
            f'aria-atomic="true">{status}</p>\n{body}')
    return page.document(title, main, state, script=script or _script_config(page))


def _hidden_filters() -> list[str]:
    """The filter parameters the form has no select for (a facet's link sets them)."""
    return [f.api_parameter for f in filterable_fields() if f.api_parameter and f.name not in FORM_FILTERS]


def _filters(page: _Page, params: Mapping[str, str], state: dict) -> str:
    """The filters that have no control in the form (set from a facet), each with a link that removes it."""
    fields = {f.api_parameter: f for f in filterable_fields()}
    active = [(name, params[name]) for name in _hidden_filters() if params.get(name)]
    if not active:
        return ""
    items = []
    for name, value in active:
        rest = {k: v for k, v in state.items() if k != name}
        label = escape(page.t(fields[name].label or name))
        items.append(f'<li>{label}: {page.sv(escape(value))} <a href="{page.href("/", rest)}" '
                     f'aria-label="{escape(page.t(REMOVE_FILTER).format(filter=value))}">×</a></li>')
    return (f'<ul class="active-filters" aria-label="{escape(page.t(FILTERS_LABEL))}">'
            + "".join(items) + "</ul>\n")


def _notes(page: _Page, result, state: dict) -> list[str]:
    """How the query was read, in the order the command line says it: corrections, words read
    as filters or as an implementer, translations, words no project has, a suggestion."""
    t, e = page.t, escape
    notes = []
    for correction in result.corrections:
        notes.append(_fill(t(CORRECTED), {"corrected": page.sv(e(correction.corrected)),
                                          "original": e(correction.original)}))
    for reading in result.interpretations:
        # The reading is query syntax, with the field's Swedish name: what the reader may type.
        values = {"original": f"<q>{e(reading.original)}</q>", "reading": page.sv(e(reading.reading), "code")}
        notes.append(_fill(t(READ_AS_BOOST if reading.kind == "boost" else READ_AS), values))
    for expansion in result.expansions:
        if expansion.kind == "translation" and expansion.original.lower() not in \
                {s.lower() for s in expansion.swedish[:1]}:
            notes.append(_fill(t(TRANSLATED), {"original": e(expansion.original),
                                               "swedish": page.sv(e(" | ".join(expansion.swedish[:6])))}))
    if result.unknown:
        notes.append(_fill(t(UNKNOWN), {"words": e(", ".join(result.unknown))}))
    if result.suggestion:
        link = f'<a href="{page.href("/", {**state, "q": result.suggestion})}">{e(result.suggestion)}</a>'
        notes.append(_fill(t(SUGGESTION), {"suggestion": link}))
    return notes


def _results(page: _Page, result, params: Mapping[str, str], state: dict, context: PageContext):
    t, e = page.t, escape
    query = result.query
    notes = _notes(page, result, state)
    partial = result.clauses > 1 and result.sort == "relevance"
    if partial and result.hits and not result.offset and not any(
            hit.coverage >= result.clauses for hit in result.hits):
        notes.append(e(t(NO_FULL_MATCH)))
    notes_html = ""
    if notes:
        items = "".join(f"<li>{note}</li>" for note in notes)
        notes_html = f'<ul id="notes" class="notes" aria-label="{e(t(NOTES_LABEL))}">{items}</ul>\n'
    if not result.total:
        return t(NONE).format(query=query), notes_html, None
    if not result.hits:
        return page.n(PAST_THE_END, result.total).format(total=result.total, first=result.offset + 1), notes_html, None
    status = page.n(COUNT, result.total).format(total=result.total, query=query)
    first, last = result.offset + 1, result.offset + len(result.hits)
    total = page.n(TOTAL, result.total).format(count=result.total,
                                               amount=_unbroken(format_amount(result.eu_support_total, page.lang)))
    summary = (f'<p class="summary">{e(total)} · <span id="showing">{e(t(SHOWING).format(first=first, last=last))}'
               f'</span></p>\n')
    hits = "\n".join(_hit(page, hit, state, partial and hit.coverage < result.clauses) for hit in result.hits)
    listing = (f'<ol id="results" class="results" start="{first}" aria-label="{e(t(RESULTS_LABEL))}">\n'
               f"{hits}\n</ol>\n")
    links = []
    # A page opened from these links starts at the hits, not above the form again.
    if result.offset > 0:
        previous = page.href("/", {**state, "offset": max(result.offset - PAGE_SIZE, 0) or None})
        links.append(f'<a rel="prev" href="{previous}#status">{e(t(PREVIOUS))}</a>')
    if last < result.total:
        links.append(f'<a id="more" rel="next" href="{page.href("/", {**state, "offset": last})}#status" '
                     f'data-offset="{last}">{e(t(NEXT_PAGE))}</a>')
    paging = f'<nav class="paging" aria-label="{e(t(PAGES_LABEL))}">{" ".join(links)}</nav>\n' if links else ""
    facets = _facets(page, result.facets, state, context)
    script = _script_config(page, total=result.total, search=dict(state), limit=result.limit or PAGE_SIZE,
                            clauses=result.clauses if partial else 0,
                            objectives={o.code: page.t(o.title) for o in context.objectives})
    return status, notes_html + summary + listing + paging + facets, script



def _script_config(page: _Page, **results: object) -> dict[str, object]:
    """What the script needs: the languages, the labels and number formats, and a result's state."""
    return {"lang": page.lang, "source": SWEDISH, "base": page.base,
            "labels": {key: page.t(msgid) for key, msgid in SCRIPT_LABELS.items()},
            "format": language(page.lang).format_json(), **results}


def _hit(page: _Page, hit, state: dict, partial: bool = False) -> str:
    project = hit.project
    e, t = escape, page.t
    link = page.href(f"/projects/{quote(project.id, safe='')}", {"q": state.get("q")})
    title = page.sv(f'<a href="{link}">{_marked(project.title, hit.title_highlights)}</a>', "h2",
                    ' class="hit-title"')
    snippet = page.sv(_marked(hit.snippet, hit.highlights), "p", ' class="snippet"') if hit.snippet else ""
    facts = _facts(page, [
        (label("implementer"), page.sv(e(project.implementer))),
        (PERIOD, page.period(project)),
        (label("support"), page.amount(project.eu_support)),
        (label("objective"), f"{e(project.objective.code)} {e(t(project.objective.title))}"),
    ])
    note = f'<p class="partial">{e(t(PARTIAL))}</p>\n' if partial else ""
    return f'<li class="hit" data-id="{e(project.id)}"><article>\n{title}\n{note}{snippet}\n{facts}\n</article></li>'


def _facts(page: _Page, rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<div><dt>{escape(page.t(label))}</dt><dd>{value}</dd></div>" for label, value in rows)
    return f'<dl class="facts">{items}</dl>'


def _facets(page: _Page, facets: dict, state: dict, context: PageContext) -> str:
    """Each facet as a list of links that narrow the search to one value."""
    e, t = escape, page.t
    blocks = []
    for name, values in facets.items():
        items = []
        for value in values:
            if name == "objective":
                text = e(f"{value.value} {t(context.objective_title(value.value) or '')}".strip())
            elif name == "implementer":
                text = page.sv(e(value.value))
            else:
                text = e(value.value)
            count = e(page.n(FACET_COUNT, value.count).format(
                count=value.count, amount=_unbroken(format_amount(value.eu_support, page.lang))))
            target = field_named(name).api_parameter
            if target and state.get(target) != value.value:
                narrowed = {k: v for k, v in state.items() if k != "offset"}
                narrowed[target] = value.value
                text = f'<a href="{page.href("/", narrowed)}">{text}</a>'
            items.append(f'<li>{text} <span class="count">{count}</span></li>')
        blocks.append(f'<h3>{e(t(label(name)))}</h3>\n<ul>{"".join(items)}</ul>')
    return (f'<section class="facets" aria-labelledby="facets-heading">\n'
            f'<h2 id="facets-heading">{e(t(FACETS_HEADING))}</h2>\n' + "\n".join(blocks) + "\n</section>\n")


def render_project_page(lang: str, project: Project, concepts, base: str = "", query: str = "") -> str:
    """The page of one project: its full description, facts, source and glossary terms."""
    page = _Page(lang, base)
    t, e = page.t, escape
    facts = _facts(page, [
        (label("id"), e(project.id)),
        (label("short_name"), page.sv(e(project.short_name)) if project.short_name else "–"),
        (label("objective"), f"{e(project.objective.code)} {e(t(project.objective.title))}"),
        (label("implementer"), page.sv(e(project.implementer))),
        (PERIOD, page.period(project)),
        (label("support"), page.amount(project.eu_support)),
        (SOURCE, e(t(SOURCE_LINE).format(file=PurePath(project.source).name, line=project.line))),
    ])
    paragraphs = "\n".join(page.sv(e(part.strip()), "p") for part in project.description.split("\n") if part.strip())
    terms = []
    for concept in concepts:
        term = concept.preferred(lang) if lang != SWEDISH else None
        item = page.sv(e(concept.headword))
        if term and term != concept.headword:
            item += f" – <span>{e(term)}</span>"
        terms.append(f"<li>{item}</li>")
    glossary = (f"<h2>{e(t(CONCEPTS))}</h2>\n<ul class=\"concepts\">{''.join(terms)}</ul>\n") if terms else ""
    back = page.href("/", {"q": query}) if query else page.href("/", {})
    main = (f'<p><a href="{back}">{e(t(BACK))}</a></p>\n<article class="project">\n'
            f'{page.sv(e(project.title), "h1")}\n{facts}\n<h2>{e(t(DESCRIPTION))}</h2>\n{paragraphs}\n{glossary}'
            f"</article>")
    state = {"q": query} if query else {}
    return page.document(f"{project.title} – {t(TITLE)}", main, state,
                         path=f"/projects/{quote(project.id, safe='')}", heading=False)


def render_not_found(lang: str, message: str, base: str = "") -> str:
    """A page that says the address leads nowhere, with the way back."""
    page = _Page(lang, base)
    t, e = page.t, escape
    main = (f"<h1>{e(t(NOT_FOUND))}</h1>\n<p>{e(message)}</p>\n"
            f'<p><a href="{page.href("/", {})}">{e(t(BACK))}</a></p>')
    return page.document(t(NOT_FOUND), main, {}, heading=False)
