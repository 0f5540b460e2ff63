"""Does the server answer every well-behaved client while others hold slow connections?

Starts ``amif-search serve`` on 127.0.0.1 (loopback only: the target is never another
host), opens SLOW connections that send a request one byte at a time, a few seconds apart,
and runs CLIENTS well-behaved clients that search in a loop for SECONDS, each request with a
timeout. Prints how many requests were made, how many were answered within the bound, the
latency percentiles and the slowest answer. Every loop is bounded in count and in time.

    python bench/load.py                       # 150 slow connections, 200 clients, 30 s, real corpus
    python bench/load.py --slow 20 --clients 20 --seconds 3

The same function runs, smaller, in the test suite (tests/test_web_load.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
QUERIES = ["trauma barn", "tortyr", "psykisk hälsa", "kommun*", "lapset", "integration år:2022", "flykting OR asyl",
           "mental health", "\"barn och unga\"", "vuxna -barn"]
# The most requests one client makes, whatever the duration (a bound besides the time).
MAX_REQUESTS_PER_CLIENT = 100_000


@dataclass
class Figures:
    """What one run measured."""

    slow: int
    clients: int
    seconds: float
    bound: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    slow_open: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.failures)

    @property
    def within_bound(self) -> int:
        return sum(latency <= self.bound for latency in self.latencies)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")

    def to_json(self) -> dict:
        return {"slow_connections": self.slow, "slow_connections_still_open_at_start": self.slow_open,
                "clients": self.clients, "seconds": self.seconds, "bound_s": self.bound,
                "requests": self.requests, "answered_within_bound": self.within_bound,
                "statuses": self.statuses, "failures": len(self.failures), "first_failures": self.failures[:5],
                "p50_ms": round(self.percentile(50) * 1000, 1), "p99_ms": round(self.percentile(99) * 1000, 1),
                "max_ms": round(max(self.latencies, default=float("nan")) * 1000, 1)}


def _slow_connection(port: int, stop: threading.Event, opened: list) -> None:
    """Send a request a byte at a time, one byte every 2 s, until told to stop or closed."""
    try:
        sock = socket.create_connection((HOST, port), timeout=5)
    except OSError:
        return
    opened.append(1)
    request = b"GET /api/search?q=trauma HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 1000
    try:
        for byte in request:
            if stop.wait(2.0):
                break
            sock.sendall(bytes([byte]))
    except OSError:
        pass   # the server closed it (its channel timeout): as it should
    finally:
        sock.close()


def _client(port: int, end: float, bound: float, figures: Figures, lock: threading.Lock, number: int) -> None:
    for count in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= end:
            return
        query = QUERIES[(number + count) % len(QUERIES)]
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=bound + 8)
            connection.request("GET", "/api/search?q=" + _quote(query))
            reply = connection.getresponse()
            reply.read()
            connection.close()
            latency = time.monotonic() - started
            with lock:
                figures.latencies.append(latency)
                figures.statuses[reply.status] = figures.statuses.get(reply.status, 0) + 1
        except OSError as exc:
            with lock:
                figures.failures.append(f"{type(exc).__name__}: {exc}")


def _quote(text: str) -> str:
    from urllib.parse import quote  # noqa: PLC0415

    return quote(text)


def measure(port: int, slow: int, clients: int, seconds: float, bound: float = 2.0) -> Figures:
    """Hold ``slow`` slow connections to the server on loopback ``port`` and run ``clients``
    clients for ``seconds``."""
    figures = Figures(slow, clients, seconds, bound)
    stop = threading.Event()
    opened: list = []
    slow_threads = [threading.Thread(target=_slow_connection, args=(port, stop, opened), daemon=True)
                    for _ in range(slow)]
    for thread in slow_threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(opened) < slow and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the slow connections are in place before the clients start
    figures.slow_open = len(opened)
    lock = threading.Lock()
    end = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(port, end, bound, figures, lock, n), daemon=True)
               for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + bound + 15)
    stop.set()
    for thread in slow_threads:
        thread.join(5)
    return figures


def start_server(index: Path, extra: list[str] | None = None, env: dict | None = None
                 ) -> tuple[subprocess.Popen, int]:
    """``amif-search serve`` on 127.0.0.1 and a free port; its process and the port."""
    command = [sys.executable, "-m", "amif_search", "serve", "--host", HOST, "--port", "0", "--index", str(index),
               *(extra or [])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                               text=True, cwd=ROOT, env=env)
    line = process.stdout.readline()   # the address, once it listens
    match = re.search(r":(\d+)/", line)
    if match is None:
        process.kill()
        raise RuntimeError(f"the server did not start: {line!r}")
    return process, int(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=150, help="slow connections (default 150)")
    parser.add_argument("--clients", type=int, default=200, help="concurrent clients (default 200)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the clients run (default 30)")
    parser.add_argument("--bound", type=float, default=2.0, help="an answer within this many seconds counts")
    parser.add_argument("--index", type=Path, default=None, help="the index (default: the real corpus's)")
    args = parser.parse_args(argv)
    if not (0 <= args.slow <= 2000 and 1 <= args.clients <= 1000 and 0 < args.seconds <= 600):
        parser.error("--slow 0-2000, --clients 1-1000, --seconds up to 600")
    with tempfile.TemporaryDirectory() as scratch:
        env = None
        index = args.index
        if index is None:
            # The real corpus, indexed with a key of its own: nothing of the user's is touched.
            env = dict(os.environ, AMIF_SEARCH_KEY_FILE=str(Path(scratch) / "index.key"))
            index = Path(scratch) / "index"
            subprocess.run([sys.executable, "-m", "amif_search", "index", "build", "--source", str(ROOT / "data"),
                            "--index", str(index)], check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        return _run(args, index, env)


def _run(args, index: Path, env: dict | None) -> int:
    process, port = start_server(index, env=env)
    try:
        figures = measure(port, args.slow, args.clients, args.seconds, args.bound)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    print(json.dumps(figures.to_json(), indent=1))
    return 0 if figures.within_bound == figures.requests else 1


if __name__ == "__main__":
    sys.exit(main())
