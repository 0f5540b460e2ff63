"""How projects and hits look on a terminal."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from ..fields import label as field_label
from ..i18n.formatting import format_amount, format_period
from ..i18n import N_, _
from ..i18n.languages import SWEDISH

if TYPE_CHECKING:
    from ..model import Project

__all__ = ["Style", "render_hit", "render_project", "render_project_line", "render_facets", "LABELS"]

# Labels of what is shown but is no field of the registry (whose labels are in amif_search.fields);
# the msgids are the labels of the Swedish source page.
LABELS = {
    "period": N_("Verksamhetsperiod"),
    "specific_objective": N_("Särskilt mål"),
    "source": N_("Källa"),
}


class Style:
    """Terminal emphasis, or none when output is piped or NO_COLOR is set."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def strong(self, text: str) -> str:
        return click.style(text, bold=True) if self.color else text

    def mark(self, text: str) -> str:
        return click.style(text, fg="yellow", bold=True) if self.color else text

    def dim(self, text: str) -> str:
        return click.style(text, dim=True) if self.color else text

    def highlight(self, text: str, spans: list[tuple[int, int]], base=None) -> str:
        """``text`` with the spans marked; ``base`` styles the rest (each piece styled on its
        own, as a mark's reset would end a style around the whole)."""
        plain = base if base is not None and self.color else (lambda piece: piece)
        if not self.color or not spans:
            return plain(text)
        out, last = [], 0
        for start, end in sorted(spans):
            if start < last:
                continue
            if start > last:
                out.append(plain(text[last:start]))
            out.append(self.mark(text[start:end]))
            last = end
        if last < len(text):
            out.append(plain(text[last:]))
        return "".join(out)


# Control characters of a project's text (an escape sequence in a title would reach the
# terminal) are shown as U+FFFD: one character for one, so highlight offsets stay right.
_CONTROL = {code: "\ufffd" for code in (*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))}


def printable(text: str) -> str:
    """``text`` with every control character but tab and newline replaced by U+FFFD."""
    return text.translate(_CONTROL)


def label(key: str) -> str:
    return _(LABELS[key] if key in LABELS else field_label(key))


def objective_title(project: Project) -> str:
    return _(project.objective.title)


def render_hit(number: int, hit, lang: str, style: Style, width: int = 100) -> str:
    project = hit.project
    title = style.highlight(printable(project.title), hit.title_highlights, base=style.strong)
    inner = max(width - 4, 20)
    lines = [_wrap(f"{number}. {title}  {style.dim('[' + printable(project.id) + ']')}", width - 1)]
    lines.append(textwrap.indent(_wrap(f"{label('implementer')}: {printable(project.implementer)}", inner), "   "))
    lines.append(textwrap.indent(_wrap(
        f"{label('period')}: {format_period(project.start, project.end, lang)} · "
        f"{label('support')}: {format_amount(project.eu_support, lang)} · "
        f"{label('objective')} {project.objective.code}", inner), "   "))
    if hit.snippet:
        snippet = style.highlight(printable(hit.snippet), hit.highlights)
        lines.append(textwrap.indent(_wrap(snippet, inner), "   "))
    return "\n".join(lines)


def _wrap(text: str, width: int = 96) -> str:
    # Wrapping would count colour codes as letters; keep whole words on lines by hand.
    words, lines, current, length = text.split(" "), [], [], 0
    for word in words:
        visible = len(click.unstyle(word))
        if current and length + 1 + visible > width:
            lines.append(" ".join(current))
            current, length = [], 0
        current.append(word)
        length += visible + (1 if length else 0)
    if current:
        lines.append(" ".join(current))
    return "\n".join(lines)


def render_project_line(project: Project, lang: str, width: int | None = None) -> str:
    line = printable(f"{project.id:<42} {project.objective.code}  "
                     f"{format_period(project.start, project.end, lang):<23} "
                     f"{format_amount(project.eu_support, lang):>16}  {project.title}")
    if width is not None and len(line) > width:
        line = line[:max(width - 1, 0)] + "…"
    return line


def render_facets(facets, lang: str, collection=None, width: int = 100) -> str:
    """Each facet under its heading: value, number of projects, EU support."""
    from .output import table  # noqa: PLC0415

    titles = {}
    if collection is not None:
        titles = {p.objective.code: _(p.objective.title) for p in collection.projects()}
    blocks = []
    for name, values in facets.items():
        rows = []
        for value in values:
            text = value.value
            if name == "objective" and value.value in titles:
                text = f"{value.value} {titles[value.value]}"
            rows.append([format_amount(value.eu_support, lang).rjust(16), str(value.count).rjust(4), text])
        blocks.append(label(name) + "\n" + textwrap.indent(printable(table(rows, None, max(width - 2, 20))), "  "))
    return "\n\n".join(blocks)


def render_project(project: Project, lang: str, concepts=None, width: int = 96) -> str:
    lines = [project.title, ""]
    rows = [
        (label("id"), project.id),
        (label("short_name"), project.short_name or "–"),
        (label("objective"), f"{project.objective.code}: {objective_title(project)}"),
        (label("implementer"), project.implementer),
        (label("period"), format_period(project.start, project.end, lang)),
        (label("support"), format_amount(project.eu_support, lang)),
        (label("source"), f"{project.source}:{project.line}"),
    ]
    width = max(len(name) for name, _value in rows)
    lines += [f"{name + ':':<{width + 1}} {value}" for name, value in rows]
    lines += ["", label("description") + ":", textwrap.fill(project.description, width)]
    if concepts:
        lines += ["", _("Begrepp i ordlistan:")]
        for concept in concepts:
            term = concept.preferred(lang) if lang != SWEDISH else None
            lines.append(f"  {concept.headword}" + (f" – {term}" if term else ""))
    return printable("\n".join(lines))
