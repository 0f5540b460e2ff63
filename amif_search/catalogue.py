"""The public library API: open (building when needed) an index, search it, list projects.

    catalogue = open_catalogue()                 # default index, built on first use
    result = catalogue.search("trauma barn", limit=5, year=2022)
    for hit in result.hits:
        print(hit.project.id, hit.score, hit.snippet)
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .analysis import Lexicon, SwedishAnalyzer
from .i18n import _
from .errors import IndexNotFoundError, IndexStateError, NotFoundError, QueryError, SourceError
from .highlight import MatchForms, make_snippet, match_spans
from .index import store
from .model import Project
from .query import FieldFilter, ParsedQuery, parse_query
from .resources import checkout_root, default_sources

__all__ = ["Catalogue", "SearchResult", "Hit", "Correction", "IndexInfo", "UpdateReport", "open_catalogue",
           "build_index", "update_index",
           "resolve_index_dir"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Correction:
    """A query word that matched nothing, read as a word of the collection instead."""

    original: str
    corrected: str


@dataclass
class Hit:
    """One project found, with why and where it matched."""

    project: Project
    score: float
    coverage: int
    snippet: str
    highlights: list[tuple[int, int]]
    title_highlights: list[tuple[int, int]]

    def to_json(self) -> dict:
        data = self.project.to_json()
        data.pop("description")
        data.pop("objective_title")
        data["score"] = round(self.score, 4)
        data["matched_concepts"] = self.coverage
        data["snippet"] = self.snippet
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass
class SearchResult:
    """The answer to a query: a page of hits, the total, and how the query was read."""

    query: str
    total: int
    hits: list[Hit]
    offset: int = 0
    limit: int | None = 10
    concepts: int = 0
    corrections: list[Correction] = field(default_factory=list)
    suggestion: str | None = None
    expansions: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "hits": [hit.to_json() for hit in self.hits],
            "corrections": [{"from": c.original, "to": c.corrected} for c in self.corrections],
            "did_you_mean": self.suggestion,
            "expansions": [e.to_json() for e in self.expansions],
            "warnings": list(self.warnings),
        }


@dataclass
class IndexInfo:
    """What ``index info`` shows."""

    location: Path
    generation: Path
    manifest: store.Manifest
    stale_sources: list[str]
    missing_sources: list[str]

    @property
    def project_count(self) -> int:
        return len(self.manifest.projects)


@dataclass
class Verification:
    """The index checked against its sources (``index info --verify``)."""

    sources: int
    missing_sources: list[str]
    expected: int
    not_indexed: list[str]
    stale: list[str]
    extra: list[str]
    manifest_mismatch: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing_sources or self.not_indexed or self.stale or self.extra or self.manifest_mismatch)

    def to_json(self) -> dict:
        return dict(vars(self), ok=self.ok)


def resolve_index_dir(index_dir: str | Path | None = None) -> Path:
    """``index_dir``, else $AMIF_SEARCH_INDEX, else index/ in a checkout, else the user data folder."""
    if index_dir:
        return Path(index_dir).expanduser()
    env = os.environ.get(store.INDEX_ENV)
    if env:
        return Path(env).expanduser()
    root = checkout_root()
    if root is not None:
        return root / "index"
    return store.user_data_dir() / "index"


def build_index(sources: Iterable[str | Path] | None = None, index_dir: str | Path | None = None, *,
                progress: Progress | None = None, lock_timeout: float = 30.0) -> IndexInfo:
    """Parse ``sources`` (default: the packaged pages) and build a fresh index from them."""
    from .source import read_sources  # noqa: PLC0415

    location = resolve_index_dir(index_dir)
    paths = [Path(p) for p in (sources if sources is not None else default_sources())]
    if not paths:
        raise SourceError(_("inga källdokument att indexera"))
    expanded = _expand_sources(paths)
    projects = read_sources(expanded)
    infos = _source_infos(expanded, projects)
    with store.build_lock(location, lock_timeout):
        generation, manifest = _write(location, projects, infos, progress)
    return IndexInfo(location, generation, manifest, [], [])


def _expand_sources(paths: list[Path]) -> list[Path]:
    """Folders stand for the .txt files in them, in name order."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not found:
                raise SourceError(_("{path}: en mapp utan någon .txt-källa").format(path=path))
            expanded.extend(found)
        else:
            expanded.append(path)
    return expanded


def _source_infos(paths: list[Path], projects: list[Project]) -> list[store.SourceInfo]:
    counts: dict[str, int] = {}
    for project in projects:
        counts[project.source] = counts.get(project.source, 0) + 1
    return [store.SourceInfo.of(path.resolve(), counts.get(path.name, 0)) for path in paths]


def _write(location: Path, projects: list[Project], infos, progress: Progress | None):
    from .glossary import glossary_to_json, load_glossary  # noqa: PLC0415
    from .index.engine import write_whoosh  # noqa: PLC0415

    glossary = load_glossary()
    # The glossary's Swedish terms join the corpus in the lexicon of compound members.
    lexicon = Lexicon.from_texts((f"{p.title} {p.description} {p.implementer}" for p in projects),
                                 extra_words=glossary.swedish_words())
    total = len(projects)

    def write(folder: Path, items: list[Project], lex: Lexicon) -> None:
        write_whoosh(folder, items, lex, progress=(lambda n: progress(n, total)) if progress else None)

    return store.write_generation(location, projects, infos, lexicon, write,
                                  extra={"glossary_digest": glossary.digest},
                                  files={store.GLOSSARY: json.dumps(glossary_to_json(glossary), ensure_ascii=False)})


@dataclass
class UpdateReport:
    """What ``index update`` changed."""

    location: Path
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: int
    rebuilt: bool = False
    reason: str | None = None

    @property
    def project_count(self) -> int:
        return len(self.added) + len(self.changed) + self.unchanged


def _texts(project: Project) -> str:
    return f"{project.title} {project.description} {project.implementer}"


def update_index(sources: Iterable[str | Path] | None = None, index_dir: str | Path | None = None, *,
                 progress: Progress | None = None, lock_timeout: float = 30.0) -> UpdateReport:
    """Re-index only the projects that were added, changed or removed since the last build.

    Sources default to those the index was built from. The update is written as a new
    generation (unchanged Whoosh segments are hard-linked, not copied) and swapped in
    atomically, like a build. When the analysis, schema or glossary changed, or there is
    no index yet, a full build is made instead.
    """
    from collections import Counter  # noqa: PLC0415

    from .index.engine import update_whoosh  # noqa: PLC0415
    from .source import read_sources  # noqa: PLC0415

    location = resolve_index_dir(index_dir)
    try:
        live = store.live_generation(location)
        manifest = store.read_manifest(live)
    except IndexNotFoundError:
        info = build_index(sources, location, progress=progress, lock_timeout=lock_timeout)
        return UpdateReport(location, sorted(info.manifest.projects), [], [], 0, True, _("inget index fanns"))
    if sources is None:
        sources = [Path(s.path) for s in manifest.sources]
    expanded = _expand_sources([Path(p) for p in sources])
    reason = _rebuild_reason(manifest, sources_too=False)
    if reason:
        info = build_index(expanded, location, progress=progress, lock_timeout=lock_timeout)
        return UpdateReport(location, [], sorted(info.manifest.projects), [], 0, True, reason)
    projects = read_sources(expanded)
    infos = _source_infos(expanded, projects)
    with store.build_lock(location, lock_timeout):
        live = store.live_generation(location)   # another build may have finished meanwhile
        manifest = store.read_manifest(live)
        old = manifest.projects
        new = {p.id: p for p in projects}
        added = [p for p in projects if p.id not in old]
        changed = [p for p in projects if p.id in old and old[p.id] != p.content_hash()]
        removed = [pid for pid in old if pid not in new]
        if not (added or changed or removed) and [s.sha256 for s in infos] == [s.sha256 for s in manifest.sources]:
            return UpdateReport(location, [], [], [], len(projects))
        records = store.RecordStore(live / store.RECORDS)
        try:
            previous = records.get_many([p.id for p in changed] + removed)
        finally:
            records.close()
        lexicon = store.load_lexicon(live / store.LEXICON)
        counts = Counter(lexicon.counts)
        counts.subtract(Lexicon.from_texts(_texts(p) for p in previous.values()).counts)
        counts.update(Lexicon.from_texts(_texts(p) for p in added + changed).counts)
        lexicon = Lexicon({word: n for word, n in counts.items() if n > 0})

        generation = store.begin_generation(location)
        try:
            store.copy_generation(live, generation)
            total = len(added) + len(changed)
            update_whoosh(generation / store.WHOOSH_DIR, [p.id for p in changed] + removed, changed + added, lexicon,
                          progress=(lambda n: progress(n, total)) if progress else None)
            store.update_records(generation / store.RECORDS, removed, changed, added)
            store.write_lexicon(generation / store.LEXICON, lexicon)
            store.publish_generation(location, generation, infos, {p.id: p.content_hash() for p in projects},
                                     manifest.extra)
        except BaseException:
            import shutil  # noqa: PLC0415

            shutil.rmtree(generation, ignore_errors=True)
            raise
    unchanged = len(projects) - len(added) - len(changed)
    return UpdateReport(location, [p.id for p in added], [p.id for p in changed], removed, unchanged)


def open_catalogue(index_dir: str | Path | None = None, *, build: bool = True,
                   progress: Progress | None = None, lock_timeout: float = 30.0) -> "Catalogue":
    """Open the index, building it first when there is none, and rebuilding it when its
    sources changed or it was written by another analysis or schema version.

    An index that this installation did not build is never rebuilt over: it is refused.
    """
    location = resolve_index_dir(index_dir)
    try:
        generation = store.live_generation(location)
        manifest = store.read_manifest(generation)
    except IndexNotFoundError:
        if not build:
            raise
        build_index(None, location, progress=progress, lock_timeout=lock_timeout)
        return Catalogue(location)
    reason = _rebuild_reason(manifest, sources_too=False)
    stale = [s for s in manifest.sources if s.changed()]
    if reason and build:
        paths = [Path(s.path) for s in manifest.sources if Path(s.path).exists()] or None
        build_index(paths, location, progress=progress, lock_timeout=lock_timeout)
    elif stale and build:
        present = [Path(s.path) for s in manifest.sources if s.changed() is not None]
        update_index(present, location, progress=progress, lock_timeout=lock_timeout)
    elif stale:
        reason = _("källan {path} har ändrats sedan indexet byggdes").format(path=stale[0].path)
        raise IndexStateError(_("{path}: {reason}; bygg om det med 'amif-search index build'").format(
            path=location, reason=reason))
    elif reason:
        raise IndexStateError(_("{path}: {reason}; bygg om det med 'amif-search index build'").format(
            path=location, reason=reason))
    return Catalogue(location)


def _rebuild_reason(manifest: store.Manifest, sources_too: bool = True) -> str | None:
    from .analysis import ANALYSIS_VERSION  # noqa: PLC0415
    from .index.schema import SCHEMA_VERSION  # noqa: PLC0415

    if manifest.schema_version != SCHEMA_VERSION or manifest.analysis_version != ANALYSIS_VERSION:
        return _("indexet skrevs med schema {schema}/analys {analysis}, den här versionen använder "
                 "{our_schema}/{our_analysis}").format(schema=manifest.schema_version,
                                                       analysis=manifest.analysis_version,
                                                       our_schema=SCHEMA_VERSION, our_analysis=ANALYSIS_VERSION)
    for source in manifest.sources if sources_too else ():
        if source.changed():
            return _("källan {path} har ändrats sedan indexet byggdes").format(path=source.path)
    from .glossary import glossary_digest  # noqa: PLC0415

    digest = glossary_digest()
    if digest and digest != manifest.extra.get("glossary_digest"):
        return _("ordlistan har ändrats sedan indexet byggdes")
    return None


class Catalogue:
    """An open index. One instance may serve many threads."""

    def __init__(self, index_dir: str | Path | None = None) -> None:
        from .index.engine import Engine  # noqa: PLC0415

        self.location = resolve_index_dir(index_dir)
        try:
            self._open(Engine)
        except (IndexStateError, OSError):
            # A build may have swapped generations between reading CURRENT and opening it.
            self._open(Engine)
        self._lock = threading.Lock()

    def _open(self, engine_class) -> None:
        generation = store.live_generation(self.location)
        manifest = store.read_manifest(generation)
        lexicon = store.load_lexicon(generation / store.LEXICON)
        records = store.RecordStore(generation / store.RECORDS)
        engine = engine_class(generation / store.WHOOSH_DIR, lexicon)
        # Swapped in together, once everything opened: a thread mid-search keeps what it had.
        (self.generation, self.manifest, self.lexicon, self.records, self.engine, self._analyzer,
         self._glossary) = (generation, manifest, lexicon, records, engine, SwedishAnalyzer(lexicon), None)

    def refresh(self) -> bool:
        """Follow the index to a newer generation (a rebuild or an update by another
        process); True when it moved. Long-lived users (the web server) call it per request."""
        from .index.engine import Engine  # noqa: PLC0415

        try:
            name = (self.location / store.CURRENT).read_text(encoding="utf-8").strip()
        except OSError:
            return False
        if name == self.generation.name:
            return False
        with self._lock:
            if name != self.generation.name:
                self._open(Engine)
        return True

    def _retrying(self, action):
        """Run ``action``; if the generation vanished under it (a rebuild cleaned it up), follow
        the index to the live generation and run it once more."""
        self.refresh()
        try:
            return action()
        except (IndexStateError, OSError):
            if not self.refresh():
                raise
            return action()

    @property
    def glossary(self):
        """The glossary as it was when the index was built."""
        if self._glossary is None:
            from .glossary import glossary_from_json  # noqa: PLC0415

            path = self.generation / store.GLOSSARY
            try:
                self._glossary = glossary_from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                raise IndexStateError(_("{path}: ordlistans kopia kan inte läsas; bygg om indexet").format(
                    path=path)) from None
        return self._glossary

    def close(self) -> None:
        self.engine.close()
        self.records.close()

    def __enter__(self) -> "Catalogue":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading --------------------------------------------------------------------

    def info(self) -> IndexInfo:
        stale = [s.path for s in self.manifest.sources if s.changed()]
        missing = [s.path for s in self.manifest.sources if s.changed() is None]
        return IndexInfo(self.location, self.generation, self.manifest, stale, missing)

    def verify(self) -> "Verification":
        """Compare the index with its sources: every project indexed, none stale, none extra."""
        from .source import read_sources  # noqa: PLC0415

        paths = [Path(s.path) for s in self.manifest.sources]
        missing_sources = [str(p) for p in paths if not p.exists()]
        projects = read_sources([p for p in paths if p.exists()]) if len(missing_sources) < len(paths) else []
        expected = {p.id: p.content_hash() for p in projects}
        stored = self.records.hashes()
        indexed = self.engine.all_ids()
        return Verification(
            sources=len(paths),
            missing_sources=missing_sources,
            expected=len(expected),
            not_indexed=sorted(set(expected) - set(stored) | set(expected) - indexed),
            stale=sorted(pid for pid in expected if pid in stored and stored[pid] != expected[pid]),
            extra=sorted(set(stored) - set(expected) | indexed - set(expected)),
            manifest_mismatch=sorted(pid for pid in set(stored) | set(self.manifest.projects)
                                     if stored.get(pid) != self.manifest.projects.get(pid)),
        )

    def get(self, project_id: str) -> Project:
        """The project with this ID, or :class:`NotFoundError`."""
        found = self._retrying(lambda: self.records.get_many([project_id]))
        if project_id not in found:
            raise NotFoundError(_("inget projekt har ID:t {id}").format(id=project_id))
        return found[project_id]

    def projects(self, *, objective: str | None = None, year: int | None = None,
                 implementer: str | None = None) -> list[Project]:
        """All projects in source order, optionally filtered."""
        filters = _filters(objective, year, implementer)
        return self._retrying(lambda: self._projects(filters))

    def _projects(self, filters) -> list[Project]:
        everything = self.records.all()
        if not filters:
            return everything
        result = self.engine.search(ParsedQuery(""), extra_filters=filters, limit=None)
        wanted = {h.id for h in result.hits}
        return [p for p in everything if p.id in wanted]

    def search(self, query: str, *, limit: int | None = 10, offset: int = 0,
               filters: Mapping[str, object] | None = None, lang: str | None = None,
               objective: str | None = None, year: int | None = None, implementer: str | None = None,
               query_lang: str | None = None) -> SearchResult:
        """Search; raises :class:`QueryError` for a query that cannot be understood.

        ``filters`` may hold ``objective`` (a code such as "6.2"), ``year`` (active during
        that year) and ``implementer`` (text), the same as the keyword arguments of those
        names. Finnish and English words are read through the glossary; ``lang`` (or
        ``query_lang``) forces the language of the query: sv, fi, en, or any language the
        glossary has.
        """

        if limit is not None and limit < 0 or offset < 0:
            raise QueryError(_("limit och offset kan inte vara negativa"))
        if filters:
            unknown = set(filters) - {"objective", "year", "implementer"}
            if unknown:
                raise QueryError(_("okänt filter {name} (kända: objective, year, implementer)").format(
                    name=sorted(unknown)[0]))
            objective = objective or filters.get("objective")  # type: ignore[assignment]
            year = year if year is not None else filters.get("year")  # type: ignore[assignment]
            implementer = implementer or filters.get("implementer")  # type: ignore[assignment]
        query_lang = query_lang or lang
        parsed = parse_query(query)
        filters = _filters(objective, year, implementer)
        return self._retrying(lambda: self._search(query, parsed, filters, limit, offset, query_lang))

    def _search(self, query: str, parsed: ParsedQuery, filters, limit, offset, query_lang) -> SearchResult:
        from .expansion import expand_query  # noqa: PLC0415

        engine, records = self.engine, self.records
        expanded = expand_query(parsed, self.glossary, engine.knows, query_lang,
                                is_swedish_typo=engine.is_near_known)
        result = engine.search(expanded.parsed, extra_filters=filters, limit=limit, offset=offset,
                               expansions=expanded.extras)
        projects = records.get_many([h.id for h in result.hits])
        hits = []
        for engine_hit in result.hits:
            project = projects.get(engine_hit.id)
            if project is None:  # pragma: no cover - records and Whoosh are written together
                raise IndexStateError(_("{path}: projektet {id} finns i indexet men saknar post; bygg om "
                                        "indexet").format(path=self.location, id=engine_hit.id))
            hits.append(self._hit(project, engine_hit, result.forms))
        corrections = [Correction(c.original, c.corrected) for c in result.corrections]
        return SearchResult(
            query=query, total=result.total, hits=hits, offset=offset, limit=limit,
            concepts=result.concepts, corrections=corrections,
            suggestion=_suggestion(query, corrections), warnings=list(parsed.warnings),
            expansions=expanded.expansions,
        )

    def lookup(self, word: str, lang: str | None = None):
        """Glossary concepts that have ``word`` (any inflection) as a term, best first."""
        return self.glossary.lookup(word, lang)

    def concepts_in(self, project: Project):
        """Glossary concepts whose Swedish terms occur in the project, in order of appearance."""
        return concepts_in_text(self.glossary, f"{project.title}. {project.description}")

    def _hit(self, project: Project, engine_hit, forms: MatchForms) -> Hit:
        spans = match_spans(project.description, self._analyzer, forms)
        snippet = make_snippet(project.description, spans)
        title_spans = match_spans(project.title, self._analyzer, forms)
        return Hit(project, engine_hit.score, engine_hit.coverage, snippet.text, snippet.spans, title_spans)


def concepts_in_text(glossary, text: str):
    """Concepts of ``glossary`` whose Swedish terms occur in ``text`` (inflected too)."""
    from .glossary import SOURCE_LANGUAGE, _words  # noqa: PLC0415

    found = []
    seen = set()
    for _start, _end, matches in glossary.match_words(_words(text), SOURCE_LANGUAGE):
        for match in matches:
            if match.exact and match.concept.id not in seen:
                seen.add(match.concept.id)
                found.append(match.concept)
    return found


def _filters(objective: str | None, year: int | None, implementer: str | None) -> list[FieldFilter]:
    filters = []
    if objective:
        filters.append(FieldFilter("objective", str(objective)))
    if year is not None:
        filters.append(FieldFilter("year", str(year), int(year), int(year)))
    if implementer:
        filters.append(FieldFilter("implementer", implementer))
    return filters


def _suggestion(query: str, corrections: list[Correction]) -> str | None:
    if not corrections:
        return None
    suggestion = query
    for correction in corrections:
        suggestion = suggestion.replace(correction.original, correction.corrected, 1)
    return suggestion

