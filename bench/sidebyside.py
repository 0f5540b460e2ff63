"""Two versions of the code, side by side on the same corpus: is the newer one slower?

    python bench/sidebyside.py BEFORE [AFTER] [--size 1000] [--rounds 3]

BEFORE and AFTER are git revisions of this repository (AFTER defaults to the working tree as
it is). Each is exported to a scratch folder; then, round by round and in turn (so that a
change of the machine's load falls on both alike), each version builds the corpus, answers
the query mix of bench/perf.py (a first run and two warm passes in one process), and answers
one cold ``search "trauma barn"`` process. The report gives the medians over the rounds and
the ratio AFTER / BEFORE. The answers may differ (that is bench/answers.py's job); this
measures only the time and memory each takes.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
CODE_ENV = "AMIF_SIDEBYSIDE_CODE"
CLI_QUERY = "trauma barn"


# -- workers: each runs in a fresh interpreter against one version and prints one JSON line --

def _use_code() -> None:
    sys.path.insert(0, os.environ[CODE_ENV])


def worker_build(source: str, index_dir: str) -> dict:
    _use_code()
    from amif_search.indexing import build_index  # noqa: PLC0415

    started = time.perf_counter()
    info = build_index([source], index_dir)
    return {"seconds": time.perf_counter() - started, "projects": info.project_count}


def _open(index_dir: str):
    try:
        from amif_search.collection import Collection  # noqa: PLC0415
    except ImportError:   # before the open index was called a collection
        from amif_search.catalogue import Catalogue as Collection  # noqa: PLC0415
    return Collection(index_dir)


def worker_queries(index_dir: str) -> dict:
    _use_code()
    sys.path.insert(1, str(HERE))
    from perf import query_mix  # noqa: PLC0415

    from amif_search.errors import AmifSearchError  # noqa: PLC0415

    started = time.perf_counter()
    collection = _open(index_dir)
    opened = time.perf_counter() - started
    mix = [q for _kind, q in query_mix()]
    passes = []
    for _ in range(3):
        times = []
        for query in mix:
            t = time.perf_counter()
            try:
                collection.search(query, limit=10)
            except AmifSearchError:
                pass
            times.append(time.perf_counter() - t)
        passes.append(times)
    warm = [statistics.median(t) * 1000 for t in zip(*passes[1:])]
    first = [t * 1000 for t in passes[0]]
    return {"open_seconds": opened, "first": first, "warm": warm}


WORKERS = {"build": worker_build, "queries": worker_queries}


# -- the parent ----------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * q // 100) - 1)]


def _tree_rss_kb(group: int) -> int:
    sys.path.insert(0, str(HERE))
    from perf import _tree_rss_kb as tree_rss  # noqa: PLC0415
    return tree_rss(group)


def run(code: Path, kind: str, *args: str) -> dict:
    """One worker against ``code``, with the CPU time and peak memory of its process tree."""
    env = dict(os.environ, **{CODE_ENV: str(code)})
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen([PYTHON, str(Path(__file__).resolve()), "--worker", kind, *args], cwd=code, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"sidebyside.py: {kind} failed on {code.name}:\n{err[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["cpu_seconds"] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    result["peak_mb"] = peak[0] / 1024
    return result


def cold_search(code: Path, index_dir: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -m amif_search search`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([PYTHON, "-m", "amif_search", "search", CLI_QUERY, "--index", str(index_dir)], cwd=code,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"sidebyside.py: search failed on {code.name}:\n{done.stderr[-2000:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def export(revision: str | None, target: Path) -> Path:
    """The package, pages and catalogs of ``revision`` (None: the working tree) in ``target``,
    compiled to bytecode as an installed package is (else a cold process that may not write
    bytecode compiles every module again)."""
    target.mkdir(parents=True)
    names = ["amif_search", "data", "locales", "pyproject.toml"]
    if revision is None:
        for name in names:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, target / name)
        compileall.compile_dir(str(target / "amif_search"), quiet=1)
        return target
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, *names], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    compileall.compile_dir(str(target / "amif_search"), quiet=1)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="a git revision")
    parser.add_argument("after", nargs="?", default=None, help="a git revision (default: the working tree)")
    parser.add_argument("--size", type=int, default=1000, help="projects in the corpus (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each version in turn (default %(default)s)")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold search processes a round (default %(default)s)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(HERE))
    from perf import corpus  # noqa: PLC0415

    source = corpus(args.size)
    work = Path(tempfile.mkdtemp(prefix="amif-sidebyside-"))
    labels = {"before": args.before, "after": args.after or "working tree"}
    codes = {"before": export(args.before, work / "before"), "after": export(args.after, work / "after")}
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in codes}
    try:
        for number in range(args.rounds):
            order = list(codes) if number % 2 == 0 else list(reversed(codes))
            for name in order:
                code, index_dir = codes[name], work / f"index-{name}"
                shutil.rmtree(index_dir, ignore_errors=True)
                built = run(code, "build", str(source), str(index_dir))
                answered = run(code, "queries", str(index_dir))
                cold = [cold_search(code, index_dir) for _ in range(args.cold_runs)]
                add = figures[name]
                for key, value in (("build wall, s", built["seconds"]), ("build CPU of the tree, s", built["cpu_seconds"]),
                                   ("build peak memory of the tree, MB", built["peak_mb"]),
                                   ("open, ms", answered["open_seconds"] * 1000),
                                   ("first run p50, ms", percentile(answered["first"], 50)),
                                   ("first run p95, ms", percentile(answered["first"], 95)),
                                   ("warm p50, ms", percentile(answered["warm"], 50)),
                                   ("warm p95, ms", percentile(answered["warm"], 95)),
                                   ("cold search process wall, ms", statistics.median(w for w, _c in cold) * 1000),
                                   ("cold search process CPU, ms", statistics.median(c for _w, c in cold) * 1000)):
                    add.setdefault(key, []).append(value)
                print(f"round {number + 1}: {name} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.size} projects, {args.rounds} rounds in turn; medians over the rounds")
    print(f"before: {labels['before']}; after: {labels['after']}\n")
    print(f"| measure | before | after | after / before |\n|---|---|---|---|")
    for key in figures["before"]:
        b, a = statistics.median(figures["before"][key]), statistics.median(figures["after"][key])
        print(f"| {key} | {b:.1f} | {a:.1f} | {a / b:.2f}x |")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        print(json.dumps(WORKERS[sys.argv[2]](*sys.argv[3:])))
        raise SystemExit(0)
    raise SystemExit(main())
