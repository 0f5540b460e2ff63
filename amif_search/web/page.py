"""The search page: one HTML document, its labels in the visitor's language.

The server renders every label through gettext for the language of the request (``?ui=fi``,
else ``Accept-Language``, else Swedish) and escapes every piece of text it puts into the
page. The script (``static/search.js``) gets the labels it needs as a JSON data block and
builds the results with ``textContent`` only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from ..fields import field_named, label
from ..i18n import N_, N_plural
from ..i18n.languages import SOURCE_LANGUAGE, best_language, interface_languages, language
from ..model import Objective, Project

__all__ = ["PageContext", "choose_language", "render_page", "translations_for"]

TITLE = N_("AMIF-projekt i Finland")
INTRO = N_("Sök bland de projekt i Finland som EU:s asyl-, migrations- och integrationsfond (AMIF) har stött.")
QUERY_LABEL = N_("Sökord")
SUBMIT = N_("Sök")
ALL_OBJECTIVES = N_("Alla mål")
ALL_YEARS = N_("Alla år")
LANGUAGE_LABEL = N_("Språk")
RESULTS_LABEL = N_("Träffar")
NO_SCRIPT = N_("Sökresultaten visas med JavaScript, som är avstängt i den här webbläsaren.")

# Labels the script uses; the same msgids as the command line where it has them.
SCRIPT_LABELS = {
    "implementer": label("implementer"),
    "period": N_("Verksamhetsperiod"),
    "support": label("support"),
    "objective": label("objective"),
    "none": N_("Inga träffar för {query}"),
    "suggestion": N_("Menade du: {suggestion}"),
    "translated": N_("Sökte efter {original} som {swedish}"),
    "read": N_("{original} lästes som {reading}"),
    "boosted": N_("{original} lästes som {reading}: de projekt den genomför kommer först"),
    "unknown": N_("Finns inte i projekten: {words}"),
    "full": N_("Matchar hela frågan:"),
    "partial": N_("Matchar en del av frågan:"),
    "nofull": N_("Inget projekt matchar hela frågan; de här matchar en del av den."),
    "searching": N_("Söker …"),
    "failed": N_("Sökningen misslyckades: {message}"),
    "more": N_("Visa fler träffar"),
}
# The result count, one plural message. The script picks the form ngettext gives for one hit
# for exactly one, else the form it gives for two: the interface languages (Swedish,
# Finnish, English) have just these two forms.
COUNT = N_plural("{total} träff för {query}", "{total} träffar för {query}")


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


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def translations_for(lang: str):
    """The gettext translations of ``lang`` for one request (Swedish: the msgids themselves)."""
    from .. import i18n  # noqa: PLC0415

    load = getattr(i18n, "translations", None)
    if load is None:  # an i18n without per-request catalogs: everything stays Swedish
        import gettext  # noqa: PLC0415

        return gettext.NullTranslations()
    return load(lang)


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
    return min(ranked)[2] if ranked else SOURCE_LANGUAGE


def _script_json(data) -> str:
    # Inside <script> nothing may close the element or open a comment.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render_page(lang: str, params: dict[str, str], context: PageContext, base: str = "") -> str:
    """The whole page in ``lang``, with the search box and filters set from ``params``;
    ``base`` is the path the application is mounted at ("" at the root)."""
    trans = translations_for(lang)
    t = trans.gettext
    e = escape
    nl = "\n"
    query = params.get("q", "")[:context.max_query_length]

    def option(value: str, text: str, chosen: str) -> str:
        selected = " selected" if value == chosen else ""
        return f'<option value="{e(value)}"{selected}>{e(text)}</option>'

    # The filters the page offers, each a field of the registry: (field, "all" label, choices).
    offered = [
        (field_named("objective"), ALL_OBJECTIVES, [(o.code, f"{o.code} {t(o.title)}") for o in context.objectives]),
        (field_named("year"), ALL_YEARS, [(str(year), str(year)) for year in context.years]),
    ]
    selects, state = [], {"q": query} if query else {}
    for field, all_label, choices in offered:
        name = field.api_parameter
        chosen = params.get(name, "")
        if chosen:
            state[name] = chosen
        options = [option("", t(all_label), chosen)] + [option(value, text, chosen) for value, text in choices]
        selects.append(f"""<div class="field">
<label for="{e(name)}">{e(t(field.label))}</label>
<select id="{e(name)}" name="{e(name)}" data-filter>
{nl.join(options)}
</select>
</div>""")
    languages = []
    for code in interface_languages():
        # Each language named in itself, so that a visitor finds their own.
        href = "?" + urlencode({"ui": code, **state})
        current = ' aria-current="page"' if code == lang else ""
        languages.append(f'<li><a href="{e(href)}" hreflang="{e(code)}" lang="{e(code)}" data-ui="{e(code)}"'
                         f'{current}>{e(language(code).name)}</a></li>')
    labels = {key: t(msgid) for key, msgid in SCRIPT_LABELS.items()}
    labels["count"] = {"one": trans.ngettext(*COUNT, 1), "other": trans.ngettext(*COUNT, 2)}
    config = {"lang": lang, "base": base, "labels": labels, "format": language(lang).format_json()}
    nl = "\n"
    return f"""<!DOCTYPE html>
<html lang="{e(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t(TITLE))}</title>
<link rel="stylesheet" href="{e(base)}/static/search.css">
<script src="{e(base)}/static/search.js" defer></script>
</head>
<body>
<header>
<h1>{e(t(TITLE))}</h1>
<nav aria-label="{e(t(LANGUAGE_LABEL))}"><ul class="languages">
{nl.join(languages)}
</ul></nav>
</header>
<main>
<p>{e(t(INTRO))}</p>
<form id="search-form" role="search" action="{e(base)}/" method="get">
<input type="hidden" name="ui" value="{e(lang)}">
<div class="field query">
<label for="q">{e(t(QUERY_LABEL))}</label>
<input id="q" name="q" type="search" value="{e(query)}" maxlength="{context.max_query_length}" required
 autocomplete="off" spellcheck="false">
</div>
{nl.join(selects)}
<button type="submit">{e(t(SUBMIT))}</button>
</form>
<p id="status" role="status" aria-live="polite" aria-atomic="true"></p>
<p id="notes" class="notes"></p>
<noscript><p>{e(t(NO_SCRIPT))}</p></noscript>
<ol id="results" class="results" aria-label="{e(t(RESULTS_LABEL))}"></ol>
<button id="more" type="button" hidden>{e(labels["more"])}</button>
</main>
<script type="application/json" id="page-config">{_script_json(config)}</script>
</body>
</html>
"""
