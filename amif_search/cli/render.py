"""How projects and hits look on a terminal."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from ..fields import label as field_label
from ..i18n.formatting import format_amount, format_period
from ..i18n import N_, _
from ..i18n.languages import SOURCE_LANGUAGE

if TYPE_CHECKING:
    from ..model import Project

__all__ = ["Style", "render_hit", "render_project", "render_project_line", "LABELS"]

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

    def highlight(self, text: str, spans: list[tuple[int, int]]) -> str:
        if not self.color or not spans:
            return text
        out, last = [], 0
        for start, end in sorted(spans):
            if start < last:
                continue
            out.append(text[last:start])
            out.append(self.mark(text[start:end]))
            last = end
        out.append(text[last:])
        return "".join(out)


# Control characters of a source's text (an escape sequence in a title would reach the
# terminal) are shown as U+FFFD: one character for one, so highlight offsets stay right.
_CONTROL = {code: "\ufffd" for code in (*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))}


def printable(text: str) -> str:
    """``text`` with every control character but tab and newline replaced by U+FFFD."""
    return text.translate(_CONTROL)


def label(key: str) -> str:
    return _(LABELS[key] if key in LABELS else field_label(key))


def objective_title(project: Project) -> str:
    return _(project.objective.title)


def render_hit(number: int, hit, lang: str, style: Style) -> str:
    project = hit.project
    title = style.strong(style.highlight(printable(project.title), hit.title_highlights))
    lines = [f"{number}. {title}  {style.dim('[' + printable(project.id) + ']')}"]
    lines.append(f"   {label('implementer')}: {printable(project.implementer)}")
    lines.append(
        f"   {label('period')}: {format_period(project.start, project.end, lang)} · "
        f"{label('support')}: {format_amount(project.eu_support, lang)} · "
        f"{label('objective')} {project.objective.code}"
    )
    if hit.snippet:
        snippet = style.highlight(printable(hit.snippet), hit.highlights)
        lines.append(textwrap.indent(_wrap(snippet), "   "))
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


def render_project_line(project: Project, lang: str) -> str:
    return printable(f"{project.id:<42} {project.objective.code}  "
                     f"{format_period(project.start, project.end, lang):<23} "
                     f"{format_amount(project.eu_support, lang):>16}  {project.title}")


def render_project(project: Project, lang: str, concepts=None) -> str:
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
    lines += ["", label("description") + ":", textwrap.fill(project.description, 96)]
    if concepts:
        lines += ["", _("Begrepp i ordlistan:")]
        for concept in concepts:
            term = concept.preferred(lang) if lang != SOURCE_LANGUAGE else None
            lines.append(f"  {concept.headword}" + (f" – {term}" if term else ""))
    return printable("\n".join(lines))
