"""The relevance benchmark must not regress below the floor set from measured figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Set from the measured overall nDCG@5, a little below it to absorb tie order.
FLOOR = {"overall": 0.88}


@pytest.fixture(scope="module")
def results():
    spec = importlib.util.spec_from_file_location("evaluate", ROOT / "bench" / "relevance" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module.evaluate()


def test_overall_ndcg_stays_above_the_floor(results):
    assert results["amif_search"]["table"]["overall"]["ndcg@5"] >= FLOOR["overall"]


def test_the_baseline_is_measured_in_the_same_run_and_is_beaten(results):
    ours = results["amif_search"]["table"]["overall"]["ndcg@5"]
    baseline = results["baseline"]["table"]["overall"]["ndcg@5"]
    assert 0 < baseline < ours
