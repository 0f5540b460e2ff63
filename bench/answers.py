"""Every answer of the query mix, to compare two versions of the code on the same index.

    python bench/answers.py INDEX_DIR OUT.json           # write the answers
    python bench/answers.py --compare BEFORE.json AFTER.json

For each query of the mix (bench/relevance's judged queries and perf.py's extra ones) it
records the total, every matching project in rank order with its score and coverage (the
engine's full ranking, not only a page), and the first page as the library returns it
(snippets and highlights included). ``--compare`` says which queries differ, and how.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def answers(index_dir: str) -> dict:
    from amif_search.collection import Collection  # noqa: PLC0415
    from amif_search.errors import AmifSearchError  # noqa: PLC0415
    try:
        from amif_search.glossary.expansion import expand_query  # noqa: PLC0415
    except ImportError:   # before the modules were grouped into rooms
        from amif_search.expansion import expand_query  # noqa: PLC0415
    from amif_search.query import parse_query  # noqa: PLC0415
    from perf import query_mix  # noqa: PLC0415

    collection = Collection(index_dir)
    engine = collection.engine
    found = {}
    for _kind, query in query_mix():
        try:
            page = collection.search(query, limit=10).to_json()
            expanded = expand_query(parse_query(query), collection.glossary, engine.knows, None,
                                    is_swedish_typo=engine.is_near_known)
            result = engine.search(expanded.parsed, limit=None, expansions=expanded.extras)
            found[query] = {"total": result.total,
                            "ranking": [[h.id, repr(h.score), h.coverage] for h in result.hits],
                            "page": page}
        except AmifSearchError as error:
            found[query] = {"error": str(error)}
    return found


def compare(before: dict, after: dict) -> int:
    differ = 0
    common = before.keys() & after.keys()
    if common != before.keys() | after.keys():
        print(f"{len(before.keys() - common)} queries only before, {len(after.keys() - common)} only after "
              f"(another query mix): compared on the {len(common)} in both")
    for query in sorted(common):
        a, b = before.get(query), after.get(query)
        if a == b:
            continue
        differ += 1
        if "error" in a or "error" in b:
            print(f"{query!r}: {a.get('error')!r} -> {b.get('error')!r}")
        elif a["total"] != b["total"]:
            print(f"{query!r}: total {a['total']} -> {b['total']}")
        elif [r[0] for r in a["ranking"]] != [r[0] for r in b["ranking"]]:
            print(f"{query!r}: ranking differs")
        elif a["ranking"] != b["ranking"]:
            print(f"{query!r}: same ranking, scores differ")
        else:
            print(f"{query!r}: page differs (snippets or highlights)")
    print(f"{len(common)} queries, {differ} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="compare two answer files")
    parser.add_argument("first")
    parser.add_argument("second")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(json.loads(Path(args.first).read_text(encoding="utf-8")),
                       json.loads(Path(args.second).read_text(encoding="utf-8")))
    Path(args.second).write_text(json.dumps(answers(args.first), ensure_ascii=False, indent=0), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
