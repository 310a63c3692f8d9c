"""Changes between versions: paired over requests, or independent; and the gate's --significant."""
from __future__ import annotations

import numpy as np
import pytest

from hcbench.metrics.gate import gate_failures
from hcbench.metrics.loop_metrics import RunMetrics
from hcbench.metrics.version_steps import paired_change, unpaired_change


def _groups(before: np.ndarray, after: np.ndarray) -> list[dict]:
    return [{0: [{"stars": a}], 1: [{"stars": b}]} for a, b in zip(before, after)]


def test_pairing_cancels_the_spread_between_requests():
    rng = np.random.default_rng(0)
    request = rng.normal(0, 1.0, 200)  # requests differ a lot; the versions differ by 0.1 plus small noise
    before, after = request + rng.normal(0, 0.05, 200), request + 0.1 + rng.normal(0, 0.05, 200)
    paired = paired_change(_groups(before, after), 0, 1, "stars", 500, 0)
    independent = unpaired_change(before, after, 500, 0)
    assert abs(paired["mean"] - 0.1) < 0.02 and abs(independent["mean"] - paired["mean"]) < 1e-9
    assert 0.0 < paired["low"] < 0.1 < paired["high"]  # the paired interval finds the rise ...
    assert independent["low"] < 0.0 < independent["high"]  # ... which the spread between requests hides
    assert paired["high"] - paired["low"] < (independent["high"] - independent["low"]) / 5


def test_a_request_averages_its_raters_and_missing_truth_is_skipped():
    groups = [{0: [{"u": 0.2}, {"u": 0.4}], 1: [{"u": 0.5}, {"u": None}]}]
    assert paired_change(groups, 0, 1, "u", 10, 0)["mean"] == pytest.approx(0.2)
    assert np.isnan(unpaired_change([None], [0.5], 10, 0)["mean"])


def _metrics(stars_low: float) -> RunMetrics:
    cell = lambda v, mean: {"iteration": 2, "version": v, "stars": {"mean": mean}, "utility": {"mean": mean}}
    change = {"mean": 0.2, "low": stars_low, "high": 0.4}
    steps = [{"before": 0, "after": 1, "paired": True, "requests": 50, "stars": change,
              "utility": {"mean": 0.2, "low": 0.1, "high": 0.3}}]
    return RunMetrics(cells=[cell(0, 3.0), cell(1, 3.2)], steps=steps, versions=[0, 1])


def test_significant_asks_the_interval_to_clear_the_margin_too():
    assert gate_failures(_metrics(-0.05)) == []  # the means rise: the plain gate passes
    failures = gate_failures(_metrics(-0.05), significant=True)
    assert len(failures) == 1 and "mean observed stars v0 -> v1" in failures[0] and "-0.050" in failures[0]
    assert gate_failures(_metrics(0.05), significant=True) == []
    only_interval = gate_failures(_metrics(0.05), margin=0.08, significant=True)  # means rise by 0.2; stars' CI from 0.05
    assert len(only_interval) == 1 and "interval" in only_interval[0]
    assert len(gate_failures(_metrics(0.05), margin=0.25, significant=True)) == 4  # both means, both intervals
