"""The public library API: open (building when needed) an index, search it, list projects.

    collection = open_collection()                 # default index, built on first use
    result = collection.search("trauma barn", limit=5, year=2022)
    for hit in result.hits:
        print(hit.project.id, hit.score, hit.snippet)
"""

from __future__ import annotations

import functools
import json
import threading
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Mapping, Sequence

from .text.analysis import SwedishAnalyzer
from .errors import AmifSearchError, IndexNotFoundError, IndexStateError, NotFoundError, QueryError
from .i18n import _
from .i18n.languages import SWEDISH
from .text.highlight import MatchForms, make_snippet, match_spans
from .index import store
from .model import Project
from .query import FieldFilter, ParsedQuery, Word, filter_for, parse_query
from .summary import FacetValue, Facts, FactsTable, Summary, check_sort, facets_json, sort_order, summarise
from .indexing import (  # noqa: F401  (re-exported: the index's life is part of this API)
    IndexInfo, UpdateReport, Verification, build_index, rebuild_reason, resolve_index_dir, update_index,
)

__all__ = ["Collection", "SearchResult", "ProjectList", "Hit", "Correction", "FacetValue", "IndexInfo", "UpdateReport", "Verification",
           "open_collection", "build_index", "update_index",
           "resolve_index_dir"]

Progress = Callable[[int, int], None]


# Matches from which a search reads the facts of the whole collection into a table (when they
# are also a quarter of it or more): below this, adding them up one by one costs less.
_TABLE_FROM = 1000


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
        """The hit's JSON form: the project's keys for a hit, its score, snippet and highlights."""
        data = self.project.to_json(hit=True)
        data["score"] = round(self.score, 4)
        data["matched_concepts"] = self.coverage
        data["snippet"] = self.snippet
        data["highlights"] = [list(span) for span in self.highlights]
        data["title_highlights"] = [list(span) for span in self.title_highlights]
        return data


@dataclass
class SearchResult:
    """The answer to a query: a page of hits, and over all matches the total, the sum of
    their EU support and the facets; and how the query was read. ``clauses`` is how many
    parts of the query rank (a word, a phrase, an OR group); each hit's ``coverage`` says how
    many of them it matches."""

    query: str
    total: int
    hits: list[Hit]
    offset: int = 0
    limit: int | None = 10
    clauses: int = 0
    corrections: list[Correction] = field(default_factory=list)
    suggestion: str | None = None
    expansions: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    interpretations: list = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    eu_support_total: Decimal = Decimal(0)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    sort: str = "relevance"

    def to_json(self, *, facets: bool = True) -> dict:
        """The stable JSON form; ``facets=False`` leaves the facets out."""
        data = {
            "query": self.query,
            "total": self.total,
            "eu_support_total": f"{self.eu_support_total:.2f}",
            "offset": self.offset,
            "limit": self.limit,
            "query_concepts": self.clauses,
            "sort": self.sort,
            "hits": [hit.to_json() for hit in self.hits],
            "corrections": [{"from": c.original, "to": c.corrected} for c in self.corrections],
            "did_you_mean": self.suggestion,
            "expansions": [e.to_json() for e in self.expansions],
            "interpretations": [i.to_json() for i in self.interpretations],
            "unknown": list(self.unknown),
            "warnings": list(self.warnings),
        }
        if facets:
            data["facets"] = facets_json(self.facets)
        return data

    @property
    def concepts(self) -> int:
        """Deprecated (kept for one release): :attr:`clauses`."""
        warnings.warn("SearchResult.concepts is deprecated; use SearchResult.clauses", DeprecationWarning,
                      stacklevel=2)
        return self.clauses


@dataclass
class ProjectList:
    """A page of projects in the chosen order, and over all of them the total, the sum of
    their EU support and the facets."""

    projects: list[Project]
    total: int
    eu_support_total: Decimal
    facets: dict[str, list[FacetValue]]
    offset: int = 0
    limit: int | None = None
    sort: str = "relevance"

    def to_json(self, *, facets: bool = True) -> dict:
        """The stable JSON form (the projects as :meth:`Project.to_json`)."""
        data = {
            "total": self.total,
            "eu_support_total": f"{self.eu_support_total:.2f}",
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
            "projects": [p.to_json() for p in self.projects],
        }
        if facets:
            data["facets"] = facets_json(self.facets)
        return data


def open_collection(index_dir: str | Path | None = None, *, build: bool = True,
                   progress: Progress | None = None, lock_timeout: float = 30.0) -> "Collection":
    """Open the index, building it first when there is none, and rebuilding it when its
    sources changed or it was written by another analysis or schema version.

    An index that this installation did not build is never rebuilt over: it is refused.
    """
    location = resolve_index_dir(index_dir)
    try:
        generation = store.live_generation(location)
        manifest = store.read_manifest(generation, verify_files=False)  # the Collection checks the files
    except IndexNotFoundError:
        if not build:
            raise
        build_index(None, location, progress=progress, lock_timeout=lock_timeout)
        return Collection(location)
    reason = rebuild_reason(manifest, sources_too=False)
    stale = [s for s in manifest.sources if s.changed()]
    if reason and build:
        # Rebuilt from exactly its own sources: never from other pages, never without some.
        gone = [s.path for s in manifest.sources if not Path(s.path).exists()]
        if gone:
            raise IndexStateError(_("{path}: {reason}, och källan {source} finns inte längre; bygg om indexet "
                                    "med 'amif-search index build --source …'").format(
                path=location, reason=reason, source=gone[0]))
        build_index([Path(s.path) for s in manifest.sources], location, progress=progress,
                    lock_timeout=lock_timeout)
    elif stale and build:
        present = [Path(s.path) for s in manifest.sources if s.changed() is not None]
        try:
            update_index(present, location, progress=progress, lock_timeout=lock_timeout)
        except AmifSearchError as exc:
            # A search needs no writing: answer from the whole old index, and say it is stale.
            collection = Collection(location, _read=(generation, manifest))
            collection.warnings.append(_("indexet är inaktuellt (källan {source} har ändrats) och kunde inte "
                                        "uppdateras: {reason}").format(source=stale[0].path, reason=exc.lines()[0]))
            return collection
    elif stale:
        reason = _("källan {path} har ändrats sedan indexet byggdes").format(path=stale[0].path)
        raise IndexStateError(_("{path}: {reason}; bygg om det med 'amif-search index build'").format(
            path=location, reason=reason))
    elif reason:
        raise IndexStateError(_("{path}: {reason}; bygg om det med 'amif-search index build'").format(
            path=location, reason=reason))
    else:
        return Collection(location, _read=(generation, manifest))  # its manifest is not read again
    return Collection(location)


class Collection:
    """An open index. One instance may serve many threads.

    Its files are checked against the signed manifest before anything of them is read;
    ``rehash`` hashes every file even when the seal shows them unchanged (see
    :mod:`amif_search.index.store`).
    """

    def __init__(self, index_dir: str | Path | None = None, *, rehash: bool = False,
                 _read: tuple[Path, store.Manifest] | None = None) -> None:
        from .index.engine import Engine  # noqa: PLC0415

        self.location = resolve_index_dir(index_dir)
        self._rehash = rehash
        # What every answer should say about the index itself (that it is stale).
        self.warnings: list[str] = []
        try:
            self._open(Engine, _read)
        except (IndexStateError, OSError):
            # A build may have swapped generations between reading CURRENT and opening it.
            self._open(Engine)
        self._lock = threading.Lock()

    def _open(self, engine_class, read: tuple[Path, store.Manifest] | None = None) -> None:
        if read is None:
            generation = store.live_generation(self.location)
            manifest = store.read_manifest(generation, rehash=self._rehash)
        else:
            generation, manifest = read
            store.check_files(generation, manifest, rehash=self._rehash)
        lexicon = store.open_lexicon(generation)
        records = store.open_records(generation)
        kept = functools.cache(records.documents)   # the facts table the build kept, read on first use
        engine = engine_class(store.whoosh_folder(generation), lexicon, store.whoosh_identities(manifest),
                              document_ids=lambda: None if kept() is None else kept().document_ids)
        # Swapped in together, once everything opened: a thread mid-search keeps what it had.
        (self.generation, self.manifest, self.lexicon, self.records, self.engine, self._analyzer,
         self._glossary, self._facts, self._kept_table, self._facts_table) = (
            generation, manifest, lexicon, records, engine, SwedishAnalyzer(lexicon), None, {}, kept, None)

    def refresh(self) -> bool:
        """Follow the index to a newer generation (a rebuild or an update by another
        process); True when it moved. Long-lived users (the web server) call it per request."""
        from .index.engine import Engine  # noqa: PLC0415

        name = store.live_name(self.location)
        if name is None or name == self.generation.name:
            return False
        with self._lock:
            if name != self.generation.name:
                self._open(Engine)
                self.warnings = []   # a newer generation: no longer the stale one
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
            from .glossary.concepts import glossary_from_json  # noqa: PLC0415

            path = store.glossary_path(self.generation)
            try:
                self._glossary = glossary_from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                raise IndexStateError(_("{path}: ordlistans kopia kan inte läsas; bygg om indexet").format(
                    path=path)) from None
        return self._glossary

    def close(self) -> None:
        """Close the index's files; the collection cannot be used after."""
        self.engine.close()
        self.records.close()
        self.lexicon.close()

    def __enter__(self) -> "Collection":
        """``with open_collection() as collection:`` closes it at the end of the block."""
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading --------------------------------------------------------------------

    def info(self) -> IndexInfo:
        """Where the index is, what it was built from, and which sources changed or went since."""
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
            close = self.close_ids(project_id)
            if close:
                raise NotFoundError(_("inget projekt har ID:t {id}; menade du {ids}?").format(
                    id=project_id, ids=", ".join(close)))
            raise NotFoundError(_("inget projekt har ID:t {id}").format(id=project_id))
        return found[project_id]

    def ids(self) -> list[str]:
        """Every project's ID, in source order."""
        return self._retrying(lambda: list(self.records.hashes()))

    def close_ids(self, project_id: str, limit: int = 3) -> list[str]:
        """The IDs most like ``project_id`` (a typo, another year, a missing part), best first."""
        import difflib  # noqa: PLC0415

        ids = self.ids()
        wanted = project_id.strip().lower()
        close = difflib.get_close_matches(wanted, ids, n=limit, cutoff=0.6)
        for pid in ids:  # 'lanu' for lanu-2019 and lanu-2022: a start or a part is close too
            if len(close) >= limit:
                break
            if len(wanted) >= 3 and pid not in close and (pid.startswith(wanted) or wanted in pid.split("-")):
                close.append(pid)
        return close

    def projects(self, *, filters: Mapping[str, object] | None = None, objective: str | None = None,
                 year: int | None = None, implementer: str | None = None) -> list[Project]:
        """All projects in source order, optionally filtered (``filters`` as for :meth:`search`)."""
        filters = _filters(filters, objective=objective, year=year, implementer=implementer)
        return self._retrying(lambda: self._projects(filters))

    def listing(self, *, filters: Mapping[str, object] | None = None, sort: str = "relevance",
                limit: int | None = None, offset: int = 0) -> ProjectList:
        """A page of the projects that pass ``filters`` (as for :meth:`search`), in source
        order or as ``sort`` names (see :mod:`amif_search.summary`), with the total, the sum of
        EU support and the facets of all of them."""
        if limit is not None and limit < 0 or offset < 0:
            raise QueryError(_("limit och offset kan inte vara negativa"))
        check_sort(sort)
        chosen = _filters(filters)
        found = self._retrying(lambda: self._projects(chosen))
        summary = summarise(Facts.of(p) for p in found)
        ordered = sort_order(found, Facts.of, sort)
        page = ordered[offset:None if limit is None else offset + limit]
        return ProjectList(page, summary.total, summary.eu_support_total, summary.facets, offset, limit, sort)

    def _projects(self, filters) -> list[Project]:
        everything = self.records.all()
        if not filters:
            return everything
        result = self.engine.search(ParsedQuery(""), extra_filters=filters, limit=None)
        wanted = set(result.ids())
        return [p for p in everything if p.id in wanted]

    def search(self, query: str, *, limit: int | None = 10, offset: int = 0,
               filters: Mapping[str, object] | None = None, lang: str | None = None,
               objective: str | None = None, year: int | None = None, implementer: str | None = None,
               query_lang: str | None = None, sort: str = "relevance") -> SearchResult:
        """Search; raises :class:`QueryError` for a query that cannot be understood.

        ``filters`` maps the name of a filterable field (:mod:`amif_search.fields`) to a value:
        ``objective`` (a code such as "6.2"), ``year`` (active during that year), ``start_year``,
        ``end_year``, ``implementer`` (text); ``objective``, ``year`` and ``implementer`` may also
        be given as keyword arguments. Finnish and English words are read through the glossary;
        ``lang`` (or ``query_lang``) forces the language of the query: sv, fi, en, or any
        language the glossary has. ``sort`` orders the hits (``relevance``, ``start``, ``end``,
        ``support``; a leading ``-`` reverses); the totals and facets cover every match, not only
        the page.
        """

        if limit is not None and limit < 0 or offset < 0:
            raise QueryError(_("limit och offset kan inte vara negativa"))
        query_lang = query_lang or lang
        check_sort(sort)
        parsed = parse_query(query)
        filters = _filters(filters, objective=objective, year=year, implementer=implementer)
        return self._retrying(lambda: self._search(query, parsed, filters, limit, offset, query_lang, sort))

    def _search(self, query: str, parsed: ParsedQuery, filters, limit, offset, query_lang,
                sort: str = "relevance") -> SearchResult:
        from .glossary.expansion import expand_query  # noqa: PLC0415
        from .index.stopwords import is_query_stopword  # noqa: PLC0415
        from .understanding import implementer_boost, read_structure  # noqa: PLC0415
        from .text.words import forget_words  # noqa: PLC0415

        forget_words()
        engine, records = self.engine, self.records
        understood = read_structure(parsed)
        parsed = understood.parsed
        expanded = expand_query(parsed, self.glossary, engine.knows, query_lang,
                                is_swedish_typo=engine.is_near_known, is_function_word=is_query_stopword)
        # A word the glossary knows in Finnish or English is no Swedish typo.
        words = {n.text.lower() for n in expanded.parsed.clauses if isinstance(n, Word)}
        keep = {w for w in words if self.glossary.is_foreign_word(w)}
        # Every match, ranked: the totals and facets cover them all, and a sort reorders them all.
        result = engine.search(expanded.parsed, extra_filters=filters, limit=None, offset=0,
                               expansions=expanded.extras, keep=keep)
        summary, ranked = self._summary_and_order(result, sort)
        page = result.hits_at(ranked[offset:None if limit is None else offset + limit])
        projects = records.get_many([h.id for h in page])
        # The compounds of each project's texts as the build found them: no splitting here.
        splits = records.splits([h.id for h in page]) if result.forms else {}
        hits = []
        for engine_hit in page:
            project = projects.get(engine_hit.id)
            if project is None:  # pragma: no cover - records and Whoosh are written together
                raise IndexStateError(_("{path}: projektet {id} finns i indexet men saknar post; bygg om "
                                        "indexet").format(path=self.location, id=engine_hit.id))
            hits.append(self._hit(project, engine_hit, result.forms, splits.get(engine_hit.id)))
        corrections = [Correction(c.original, c.corrected) for c in result.corrections]
        return SearchResult(
            query=query, total=result.total, hits=hits, offset=offset, limit=limit,
            clauses=result.clauses, corrections=corrections,
            suggestion=_suggestion(query, corrections), warnings=self.warnings + list(parsed.warnings),
            expansions=expanded.expansions, eu_support_total=summary.eu_support_total, facets=summary.facets,
            sort=sort, unknown=result.unknown,
            interpretations=understood.interpretations + [implementer_boost(words, name)
                                                          for words, name in expanded.implementers],
        )

    def _summary_and_order(self, result, sort: str) -> tuple[Summary, Sequence[int]]:
        """The totals and facets of every match of ``result`` (an engine's result), and the
        positions of its matches in the order ``sort`` names.

        A build keeps the facts of every project by document number (a :class:`FactsTable`),
        and every search's totals are array operations on its matches' numbers. For an index
        built without it, a search that matches a large share of the collection reads the
        facts of every project once into such a table; until then the facts of each match are
        read and added up one by one.
        """
        table = self._kept_table() or self._facts_table
        if table is None and len(result) >= _TABLE_FROM and 4 * len(result) >= self.engine.doc_count():
            table = self._facts_table = self._read_facts_table(result.id_column)
        if table is not None:
            try:
                rows = table.rows_of_docs(result.docnums)
            except (KeyError, IndexError):  # pragma: no cover - a table is of its own generation, as the matches are
                pass
            else:
                return table.summarise(rows), table.order(rows, sort)
        ids = result.ids()
        facts = self._facts_of(ids)
        positions = range(len(ids))
        return (summarise(facts[pid] for pid in ids if pid in facts),
                sort_order(positions, lambda i: facts[ids[i]], sort))

    def _read_facts_table(self, id_column: Sequence[str]) -> FactsTable:
        """Every live project's facts, with the row of each document number (of
        ``id_column``, the engine's IDs by number)."""
        docnums = self.engine.live_docnums().tolist()
        every = sorted({id_column[d] for d in docnums})
        table = FactsTable(self.records.facts(every).values())
        table.number_documents({d: id_column[d] for d in docnums}, len(id_column))
        return table

    def _facts_of(self, ids: list[str]) -> dict[str, Facts]:
        """The facts of these projects; those read once are remembered (a generation never
        changes), so a long-lived collection soon reads none."""
        known = self._facts
        missing = [pid for pid in ids if pid not in known]
        if missing:
            found = self.records.facts(missing)
            if len(known) < 1_000_000:
                known.update(found)
            else:  # pragma: no cover - more projects than any corpus here
                return {**{pid: known[pid] for pid in ids if pid in known}, **found}
        return known

    def lookup(self, word: str, lang: str | None = None):
        """Glossary concepts that have ``word`` (any inflection) as a term, best first."""
        return self.glossary.lookup(word, lang)

    def concepts_in(self, project: Project):
        """Glossary concepts whose Swedish terms occur in the project, in order of appearance."""
        return concepts_in_text(self.glossary, f"{project.title}. {project.description}")

    def project_json(self, project: Project) -> dict:
        """One project in full: its JSON form with its notes and the glossary concepts it names
        (each its ID, Swedish headword and first term per language). This is what
        ``amif-search show --json`` prints and ``/api/projects/<id>`` answers."""
        data = project.to_json()
        data["notes"] = list(project.notes)
        data["concepts"] = [{"id": c.id, SWEDISH: c.headword, "terms": {k: v[0] for k, v in c.terms.items() if v}}
                            for c in self.concepts_in(project)]
        return data

    def _hit(self, project: Project, engine_hit, forms: MatchForms,
             splits: Mapping[str, list[list[int]]] | None = None) -> Hit:
        spans = match_spans(project.description, self._analyzer, forms, splits)
        snippet = make_snippet(project.description, spans)
        title_spans = match_spans(project.title, self._analyzer, forms, splits)
        return Hit(project, engine_hit.score, engine_hit.coverage, snippet.text, snippet.spans, title_spans)


def concepts_in_text(glossary, text: str):
    """Concepts of ``glossary`` whose Swedish terms occur in ``text`` (inflected too)."""
    from .glossary.concepts import _words  # noqa: PLC0415

    found = []
    seen = set()
    for _start, _end, matches in glossary.match_words(_words(text), SWEDISH):
        for match in matches:
            if match.exact and match.concept.id not in seen:
                seen.add(match.concept.id)
                found.append(match.concept)
    return found


def _filters(given: Mapping[str, object] | None, **keywords) -> list[FieldFilter]:
    """The conditions of ``given`` and the keyword filters (a keyword wins over ``given``)."""
    from .fields import filterable_fields  # noqa: PLC0415

    known = [f.name for f in filterable_fields()]
    values = dict(given or {})
    unknown = set(values) - set(known)
    if unknown:
        raise QueryError(_("okänt filter {name} (kända: {known})").format(
            name=sorted(unknown)[0], known=", ".join(known)))
    values.update({name: value for name, value in keywords.items() if value is not None and value != ""})
    return [filter_for(name, values[name]) for name in known if values.get(name) not in (None, "")]


def _suggestion(query: str, corrections: list[Correction]) -> str | None:
    if not corrections:
        return None
    suggestion = query
    for correction in corrections:
        suggestion = suggestion.replace(correction.original, correction.corrected, 1)
    return suggestion

