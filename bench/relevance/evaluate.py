"""Relevance benchmark: nDCG@5, MRR and recall@5 per kind of query, with a baseline.

    python bench/relevance/evaluate.py            # table on stdout
    python bench/relevance/evaluate.py --json     # figures as JSON
    python bench/relevance/evaluate.py --show-misses

The baseline is Whoosh used plainly, in the same run: one field per text, Swedish Snowball
stemming (RegexTokenizer | LowercaseFilter | StemFilter(lang='swedish')), Whoosh's own query parser over
title, description and implementer. Both systems index the same parsed projects.
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

HERE = Path(__file__).resolve().parent
JUDGMENTS = HERE / "judgments.tsv"
K = 5


@dataclass
class Judged:
    kind: str
    query: str
    grades: dict[str, int]


def load_judgments(path: Path = JUDGMENTS) -> list[Judged]:
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            kind, query, judgments = line.split("\t")
            grades = {pid: int(grade) for pid, grade in (item.rsplit(":", 1) for item in judgments.split())}
        except ValueError:
            raise SystemExit(f"{path}:{number}: expected 'kind<TAB>query<TAB>id:grade ...'") from None
        rows.append(Judged(kind, query, grades))
    return rows


def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(pid, 0) for pid in ranked[:k]]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    for i, pid in enumerate(ranked, start=1):
        if grades.get(pid, 0) >= 2:
            return 1.0 / i
    return 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {pid for pid, g in grades.items() if g >= 2}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def score(run, judged: list[Judged]) -> dict:
    """Per-kind and overall means of the three measures; ``run(query)`` returns ranked IDs."""
    per_kind: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    details = []
    for item in judged:
        ranked = run(item.query)
        measures = (ndcg_at(ranked, item.grades), reciprocal_rank(ranked, item.grades),
                    recall_at(ranked, item.grades))
        per_kind[item.kind].append(measures)
        details.append({"kind": item.kind, "query": item.query, "ranked": ranked[:K],
                        "ndcg": measures[0], "grades": item.grades})
    table = {}
    for kind, values in per_kind.items():
        table[kind] = {name: sum(v[i] for v in values) / len(values)
                       for i, name in enumerate(("ndcg@5", "mrr", "recall@5"))} | {"queries": len(values)}
    everything = [m for values in per_kind.values() for m in values]
    table["overall"] = {name: sum(v[i] for v in everything) / len(everything)
                        for i, name in enumerate(("ndcg@5", "mrr", "recall@5"))} | {"queries": len(everything)}
    return {"table": table, "details": details}


def amif_run(index_dir: Path):
    """The system under test, on a fresh index of the packaged source."""
    sys.path.insert(0, str(HERE.parent.parent))
    from amif_search.catalogue import build_index, open_catalogue
    from amif_search.errors import AmifSearchError

    build_index(None, index_dir)
    catalogue = open_catalogue(index_dir)

    def run(query: str) -> list[str]:
        try:
            return [hit.project.id for hit in catalogue.search(query, limit=10).hits]
        except AmifSearchError:
            return []

    return run, catalogue


def baseline_run(index_dir: Path, projects):
    """Whoosh with Snowball stemming only, its own query parser."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser

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
    parser = MultifieldParser(["title", "description", "implementer"], schema=ix.schema)
    searcher = ix.searcher()

    def run(query: str) -> list[str]:
        try:
            return [hit["id"] for hit in searcher.search(parser.parse(query), limit=10)]
        except Exception:  # the baseline's own parser errors count as no answer
            return []

    return run


def evaluate() -> dict:
    """Both systems over every judged query, in one run."""
    judged = load_judgments()
    with tempfile.TemporaryDirectory() as tmp:
        run, catalogue = amif_run(Path(tmp) / "amif")
        projects = catalogue.projects()
        ours = score(run, judged)
        base = score(baseline_run(Path(tmp) / "baseline", projects), judged)
        catalogue.close()
    return {"amif_search": ours, "baseline": base}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show-misses", action="store_true", help="list queries with nDCG@5 below 0.8")
    args = parser.parse_args(argv)
    results = evaluate()
    if args.json:
        print(json.dumps({name: r["table"] for name, r in results.items()}, indent=2))
        return 0
    ours, base = results["amif_search"]["table"], results["baseline"]["table"]
    kinds = sorted(k for k in ours if k != "overall") + ["overall"]
    print(f"{'kind':<12} {'n':>4}  {'nDCG@5':>7} {'MRR':>6} {'R@5':>6}   {'baseline nDCG@5':>15} {'MRR':>6} {'R@5':>6}")
    for kind in kinds:
        o, b = ours[kind], base[kind]
        print(f"{kind:<12} {o['queries']:>4}  {o['ndcg@5']:>7.3f} {o['mrr']:>6.3f} {o['recall@5']:>6.3f}   "
              f"{b['ndcg@5']:>15.3f} {b['mrr']:>6.3f} {b['recall@5']:>6.3f}")
    if args.show_misses:
        print()
        for d in results["amif_search"]["details"]:
            if d["ndcg"] < 0.8:
                best = sorted(d["grades"].items(), key=lambda kv: -kv[1])[:4]
                print(f"{d['ndcg']:.2f} [{d['kind']}] {d['query']!r}\n     got  {d['ranked']}\n     want {best}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
