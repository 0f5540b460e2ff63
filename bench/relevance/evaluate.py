"""Relevance benchmark: nDCG@5, precision@3, MRR and recall@5 per kind of query, two baselines,
queries about no project, and glossary lookup.

    python bench/relevance/evaluate.py            # tables on stdout
    python bench/relevance/evaluate.py --json     # figures as JSON
    python bench/relevance/evaluate.py --show-misses

The baselines are Whoosh used plainly, in the same run: one field per text, Swedish Snowball
stemming (RegexTokenizer | LowercaseFilter | StemFilter(lang='swedish')), Whoosh's own query
parser over title, description and implementer, once requiring every word (Whoosh's default,
"all words") and once any of them ("any word", OrGroup). All systems index the same parsed
projects.

Queries of kind ``notopic`` are about no project: they are not in the graded tables but
scored by the hits they return (fewer is better) and by how many return a hit that claims to
match the whole query. The lookup set (``lookup.tsv``) is scored by top-1 accuracy per kind
of word and by the out-of-domain words that matched anything.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
JUDGMENTS = HERE / "judgments.tsv"
LOOKUP = HERE / "lookup.tsv"
K = 5
P_AT = 3
NO_TOPIC = "notopic"
MEASURES = ("ndcg@5", "p@3", "mrr", "recall@5")
SYSTEMS = ("amif_search", "baseline", "baseline_any")  # the system under test, all words, any word
# The kinds the benchmark had before the everyday, question, structure and organisation kinds;
# their mean is reported as "earlier" so that a floor set from them stays comparable.
EARLIER_KINDS = ("plain", "compound", "inflected", "derived", "typo", "diacritic", "phrase", "field",
                 "implementer", "fi", "en")
# The hits a run asks for. A no-topic query is scored by everything it returns, so ask for all;
# the graded measures read the first DEPTH, as they always have.
LIMIT = None
DEPTH = 10


@dataclass
class Judged:
    kind: str
    query: str
    grades: dict[str, int]


@dataclass
class Ranking:
    """What a system answered: project IDs best first, and how many hits claim a full match.

    ``full_matches`` is None when the system does not say how much of the query a hit matched.
    """

    ids: list[str]
    full_matches: int | None = None


@dataclass
class LookupWord:
    word: str
    lang: str
    expected: str | None  # None: an out-of-domain word that must match nothing
    kind: str


def load_judgments(path: Path = JUDGMENTS) -> list[Judged]:
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            kind, query, judgments = line.split("\t")
            items = [] if judgments.strip() in ("", "-") else judgments.split()
            grades = {pid: int(grade) for pid, grade in (item.rsplit(":", 1) for item in items)}
        except ValueError:
            raise SystemExit(f"{path}:{number}: expected 'kind<TAB>query<TAB>id:grade ...'") from None
        if kind == NO_TOPIC and grades:
            raise SystemExit(f"{path}:{number}: a {NO_TOPIC} query has no graded projects; write '-'")
        if kind != NO_TOPIC and not any(g >= 2 for g in grades.values()):
            raise SystemExit(f"{path}:{number}: a graded query needs a project graded 2 or 3")
        rows.append(Judged(kind, query, grades))
    return rows


def load_lookup(path: Path = LOOKUP) -> list[LookupWord]:
    """The lookup set; a line '# kind: NAME' names the kind of the words below it."""
    rows, kind = [], "word"
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("# kind:"):
            kind = line.split(":", 1)[1].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        try:
            word, lang, expected = line.split("\t")
        except ValueError:
            raise SystemExit(f"{path}:{number}: expected 'word<TAB>lang<TAB>concept-id or -'") from None
        rows.append(LookupWord(word, lang, None if expected == "-" else expected, kind))
    return rows


def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(pid, 0) for pid in ranked[:k]]) / ideal if ideal else 0.0


def precision_at(ranked: list[str], grades: dict[str, int], k: int = P_AT) -> float:
    """Share of the first k hits graded 2 or 3, over the hits returned (at most k).

    An answer with fewer than k hits is judged on the hits it gives, so a system is not pushed to
    pad a short, right answer with projects that are not relevant; no hit at all scores 0.
    """
    top = ranked[:k]
    return sum(1 for pid in top if grades.get(pid, 0) >= 2) / len(top) if top else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for i, pid in enumerate(ranked, start=1):
        if grades.get(pid, 0) >= 2:
            return 1.0 / i
    return 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {pid for pid, g in grades.items() if g >= 2}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def _means(values: list[tuple[float, ...]]) -> dict:
    return {name: sum(v[i] for v in values) / len(values) for i, name in enumerate(MEASURES)} | {
        "queries": len(values)}


def score(run: Callable[[str], Ranking], judged: list[Judged]) -> dict:
    """Per-kind and overall means over the graded queries, and the no-topic figures."""
    per_kind: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    details = []
    no_topic = []
    for item in judged:
        ranking = run(item.query)
        ranked = ranking.ids
        if item.kind == NO_TOPIC:
            no_topic.append({"query": item.query, "hits": len(ranked), "full_matches": ranking.full_matches,
                             "ranked": ranked[:K]})
            continue
        ranked = ranked[:DEPTH]
        measures = (ndcg_at(ranked, item.grades), precision_at(ranked, item.grades),
                    reciprocal_rank(ranked, item.grades), recall_at(ranked, item.grades))
        per_kind[item.kind].append(measures)
        details.append({"kind": item.kind, "query": item.query, "ranked": ranked[:K],
                        "ndcg": measures[0], "grades": item.grades})
    table = {kind: _means(values) for kind, values in per_kind.items()}
    table["overall"] = _means([m for values in per_kind.values() for m in values])
    earlier = [m for kind, values in per_kind.items() if kind in EARLIER_KINDS for m in values]
    if earlier:
        table["earlier"] = _means(earlier)
    return {"table": table, "details": details, "notopic": summarise_no_topic(no_topic)}


def summarise_no_topic(rows: list[dict]) -> dict:
    """Average hits returned, and how many queries got a hit claiming a full match (None: not known)."""
    if not rows:
        return {"queries": 0, "mean_hits": 0.0, "with_hits": 0, "full_match_queries": None, "details": []}
    known = [r["full_matches"] for r in rows if r["full_matches"] is not None]
    return {
        "queries": len(rows),
        "mean_hits": sum(r["hits"] for r in rows) / len(rows),
        "with_hits": sum(1 for r in rows if r["hits"]),
        "full_match_queries": sum(1 for n in known if n) if len(known) == len(rows) else None,
        "details": rows,
    }


def full_matches(result) -> int | None:
    """Hits that claim to match every concept of the query, read from the search's JSON.

    The hook for honest partial matches: the JSON is to carry ``query_concepts`` (how many
    concepts the query has) beside each hit's ``matched_concepts``. Until it carries both,
    this returns None and the report says the figure is not known.
    """
    data = result.to_json()
    wanted = data.get("query_concepts")
    if wanted is None:
        return None
    counts = [hit.get("matched_concepts") for hit in data.get("hits", [])]
    if any(count is None for count in counts):
        return None
    return sum(1 for count in counts if wanted and count >= wanted)


def amif_run(index_dir: Path):
    """The system under test, on a fresh index of the packaged source."""
    sys.path.insert(0, str(HERE.parent.parent))
    from amif_search.collection import build_index, open_collection
    from amif_search.errors import AmifSearchError

    build_index(None, index_dir)
    collection = open_collection(index_dir)

    def run(query: str) -> Ranking:
        try:
            result = collection.search(query, limit=LIMIT)
        except AmifSearchError:
            return Ranking([], 0)
        return Ranking([hit.project.id for hit in result.hits], full_matches(result))

    return run, collection


def baseline_runs(index_dir: Path, projects) -> dict[str, Callable[[str], Ranking]]:
    """Whoosh with Snowball stemming only, its own query parser: all words, and any word."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup

    # Whoosh's own Snowball port (PyStemmer objects cannot be pickled into a schema).
    analyzer = RegexTokenizer() | LowercaseFilter() | StemFilter(lang="swedish")
    schema = Schema(id=ID(stored=True), title=TEXT(analyzer=analyzer), description=TEXT(analyzer=analyzer),
                    implementer=TEXT(analyzer=analyzer))
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), schema)
    writer = ix.writer()
    for p in projects:
        writer.add_document(id=p.id, title=p.title, description=p.description, implementer=p.implementer)
    writer.commit()
    fields = ["title", "description", "implementer"]
    searcher = ix.searcher()

    def runner(parser) -> Callable[[str], Ranking]:
        def run(query: str) -> Ranking:
            try:
                return Ranking([hit["id"] for hit in searcher.search(parser.parse(query), limit=LIMIT)])
            except Exception:  # the baseline's own parser errors count as no answer
                return Ranking([])
        return run

    return {
        "baseline": runner(MultifieldParser(fields, schema=ix.schema)),
        "baseline_any": runner(MultifieldParser(fields, schema=ix.schema, group=OrGroup)),
    }


def evaluate_lookup(collection, words: list[LookupWord]) -> dict:
    """Top-1 accuracy of ``collection.lookup`` per kind of word, and out-of-domain false positives."""
    per_kind: dict[str, list[bool]] = defaultdict(list)
    misses, false_positives = [], []
    outside = 0
    for item in words:
        try:
            matches = collection.lookup(item.word, lang=item.lang)
        except Exception as error:  # a word the lookup cannot take counts as no answer
            matches = []
            misses.append({"word": item.word, "lang": item.lang, "error": str(error)})
        found = [match.concept.id for match in matches]
        if item.expected is None:
            outside += 1
            if found:
                false_positives.append({"word": item.word, "lang": item.lang, "found": found[:3]})
            continue
        right = bool(found) and found[0] == item.expected
        per_kind[item.kind].append(right)
        if not right:
            misses.append({"word": item.word, "lang": item.lang, "expected": item.expected, "found": found[:3]})
    table = {kind: {"top1": sum(v) / len(v), "words": len(v)} for kind, v in per_kind.items()}
    everything = [r for v in per_kind.values() for r in v]
    table["overall"] = {"top1": sum(everything) / len(everything) if everything else 0.0, "words": len(everything)}
    return {"table": table, "outside": outside, "false_positives": false_positives, "misses": misses}


def evaluate() -> dict:
    """Every system over every judged query, and the lookup set, in one run."""
    judged = load_judgments()
    with tempfile.TemporaryDirectory() as tmp:
        run, collection = amif_run(Path(tmp) / "amif")
        projects = collection.projects()
        results: dict = {"amif_search": score(run, judged)}
        for name, base in baseline_runs(Path(tmp) / "baseline", projects).items():
            results[name] = score(base, judged)
        lookup = evaluate_lookup(collection, load_lookup()) if LOOKUP.exists() else None
        collection.close()
    return results | {"lookup": lookup}


def _print_tables(figures: dict) -> None:
    results = {name: figures[name] for name in SYSTEMS}
    ours, every, anyw = (results[n]["table"] for n in SYSTEMS)
    kinds = sorted(k for k in ours if k not in ("overall", "earlier")) + ["earlier", "overall"]
    print(f"{'':<13} {'':>4}  {'amif-search':<29}   {'all words':<13}   {'any word':<13}")
    print(f"{'kind':<13} {'n':>4}  {'nDCG@5':>7} {'P@3':>6} {'MRR':>6} {'R@5':>6}   "
          f"{'nDCG@5':>6} {'P@3':>6}   {'nDCG@5':>6} {'P@3':>6}")
    for kind in kinds:
        o, a, b = ours[kind], every[kind], anyw[kind]
        print(f"{kind:<13} {o['queries']:>4}  {o['ndcg@5']:>7.3f} {o['p@3']:>6.3f} {o['mrr']:>6.3f} "
              f"{o['recall@5']:>6.3f}   {a['ndcg@5']:>6.3f} {a['p@3']:>6.3f}   {b['ndcg@5']:>6.3f} {b['p@3']:>6.3f}")
    print()
    print(f"no-topic queries (fewer hits is better): ", end="")
    parts = []
    for name, label in zip(SYSTEMS, ("amif-search", "all words", "any word")):
        summary = results[name]["notopic"]
        parts.append(f"{label} {summary['mean_hits']:.2f} hits on average, {summary['with_hits']} of "
                     f"{summary['queries']} with any")
    print("; ".join(parts))
    full = results["amif_search"]["notopic"]["full_match_queries"]
    print("  amif-search hits claiming a full match: "
          + ("not known (the search JSON has no query_concepts yet)" if full is None
             else f"{full} of {results['amif_search']['notopic']['queries']} queries"))
    lookup = figures["lookup"]
    if lookup:
        print()
        print(f"glossary lookup, top-1 right ({lookup['table']['overall']['words']} words):")
        for kind, row in sorted(lookup["table"].items(), key=lambda kv: kv[0] == "overall"):
            print(f"  {kind:<13} {row['words']:>4}  {row['top1']:.3f}")
        print(f"  out-of-domain words that matched something: {len(lookup['false_positives'])} "
              f"of {lookup['outside']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show-misses", action="store_true",
                        help="list queries with nDCG@5 below 0.8, no-topic queries with hits, and lookup misses")
    args = parser.parse_args(argv)
    figures = evaluate()
    if args.json:
        out: dict = {name: figures[name]["table"] for name in SYSTEMS}
        out["notopic"] = {name: {k: v for k, v in figures[name]["notopic"].items() if k != "details"}
                          for name in SYSTEMS}
        if figures["lookup"]:
            out["lookup"] = {k: v for k, v in figures["lookup"].items() if k != "misses"}
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    _print_tables(figures)
    if args.show_misses:
        print()
        for d in figures["amif_search"]["details"]:
            if d["ndcg"] < 0.8:
                best = sorted(d["grades"].items(), key=lambda kv: -kv[1])[:4]
                print(f"{d['ndcg']:.2f} [{d['kind']}] {d['query']!r}\n     got  {d['ranked']}\n     want {best}")
        for d in figures["amif_search"]["notopic"]["details"]:
            if d["hits"]:
                print(f"[{NO_TOPIC}] {d['query']!r}: {d['hits']} hits, first {d['ranked']}")
        if figures["lookup"]:
            for m in figures["lookup"]["misses"]:
                print(f"[lookup] {m['word']!r} ({m['lang']}): want {m.get('expected')}, got {m.get('found')}")
            for m in figures["lookup"]["false_positives"]:
                print(f"[lookup] {m['word']!r} ({m['lang']}): out of domain, got {m['found']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
