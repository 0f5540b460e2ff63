"""The server under load (issue 14, item 10): slow connections do not starve other clients,
a request that takes too long is answered 503 with JSON within its deadline, and a prefix
reads a bounded number of terms.

The full measurement (150 slow connections, 200 clients, 30 s) is ``bench/load.py``; its
figures are in RELIABILITY.md. Loopback only, every loop bounded.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from test_web_api import call

from amif_search.web import api, create_app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402


def test_more_slow_connections_than_waitress_allows_by_default_starve_no_client(built_index):
    # waitress's default limit is 100 connections: 120 slow ones held every slot.
    process, port = load.start_server(built_index)
    try:
        figures = load.measure(port, slow=120, clients=10, seconds=2.0, bound=2.0)
    finally:
        process.terminate()
        process.wait(30)
    assert figures.slow_open == 120
    assert figures.requests > 10 and figures.failures == []
    assert figures.within_bound == figures.requests, figures.to_json()
    assert figures.statuses == {200: figures.requests}


def test_a_request_past_its_deadline_is_answered_503_with_json_in_time(collection, monkeypatch):
    app = create_app(collection, request_timeout=0.3, workers=2)
    real = api.search

    def slow_search(*args, **kwargs):
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "search", slow_search)
    started = time.monotonic()
    reply = call(app, "/api/search?q=trauma")
    assert time.monotonic() - started < 0.8
    assert reply.status == 503 and reply.headers["Retry-After"] == "1"
    assert "0.3 s" in reply.json()["error"]["message"]
    monkeypatch.setattr(api, "search", real)
    time.sleep(0.8)   # the slow one finishes and frees its worker
    assert call(app, "/api/search?q=trauma").status == 200


def test_a_prefix_reads_no_more_terms_than_the_bound(collection, monkeypatch):
    from amif_search.index import plan

    assert collection.search("flykting*").total > 0
    monkeypatch.setattr(plan, "MAX_PREFIX_TERMS", 0)
    assert collection.search("flykting*").total == 0
