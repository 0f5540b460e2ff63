"""Writing projects into Whoosh: every text analysed before Whoosh sees it.

Each word of a project's four texts (title, short name, description, implementer) is written
under four forms (exact stem, compound member, derivational root, spelling without å/ä/ö),
one field per text and form (see :mod:`amif_search.index.schema`).
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index

from ..analysis import Lexicon, SwedishAnalyzer, Token
from ..model import Project
from .schema import FORM_SEPARATOR, GROUP_SEPARATOR, build_schema

__all__ = ["write_whoosh", "update_whoosh", "document", "project_texts"]


def _field_text(tokens: list[Token]) -> dict[str, str]:
    exact, part, root, folded = [], [], [], []
    for token in tokens:
        exact.append(token.stem)
        part.append(FORM_SEPARATOR.join(dict.fromkeys(p.stem for p in token.parts)))
        root.append(FORM_SEPARATOR.join(dict.fromkeys([token.root] + [p.root for p in token.parts])))
        folded.append(FORM_SEPARATOR.join(dict.fromkeys([token.fold] + [p.fold for p in token.parts])))
    return {"": GROUP_SEPARATOR.join(exact), "_part": GROUP_SEPARATOR.join(part),
            "_root": GROUP_SEPARATOR.join(root), "_fold": GROUP_SEPARATOR.join(folded)}


def project_texts(project: Project) -> dict[str, str]:
    """The raw text of each searchable source of a project."""
    return {
        "title": project.title,
        "short": project.short_name or "",
        "desc": project.description,
        "impl": project.implementer,
    }


def document(project: Project, analyzer: SwedishAnalyzer) -> dict:
    """The Whoosh document of a project."""
    doc = {
        "id": project.id,
        "objective": project.objective.code,
        "start_year": project.start.year,
        "end_year": project.end.year,
        "support_cents": int(project.eu_support * 100),
    }
    for source, text in project_texts(project).items():
        for form, value in _field_text(analyzer(text)).items():
            doc[source + form] = value
    return doc


def write_whoosh(folder: Path, projects: list[Project], lexicon: Lexicon, progress=None) -> None:
    """Create a Whoosh index in ``folder`` holding ``projects``."""
    ix = whoosh_index.create_in(str(folder), build_schema())
    analyzer = SwedishAnalyzer(lexicon)
    writer = ix.writer(limitmb=256)
    try:
        for number, project in enumerate(projects, start=1):
            writer.add_document(**document(project, analyzer))
            if progress is not None:
                progress(number)
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise


def update_whoosh(folder: Path, remove_ids: list[str], add: list[Project], lexicon: Lexicon, progress=None) -> None:
    """Delete and add documents in an existing Whoosh index (a copy of the live one)."""
    ix = whoosh_index.open_dir(str(folder))
    analyzer = SwedishAnalyzer(lexicon)
    writer = ix.writer(limitmb=256)
    try:
        for pid in remove_ids:
            writer.delete_by_term("id", pid)
        for number, project in enumerate(add, start=1):
            writer.add_document(**document(project, analyzer))
            if progress is not None:
                progress(number)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
