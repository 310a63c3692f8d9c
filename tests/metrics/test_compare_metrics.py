"""Rankings and Kendall's tau between seeds, on rows of known utilities."""
from __future__ import annotations

import pytest

from hcbench.metrics.compare_metrics import evaluation_stores, kendall_taus, ranking, spending_gaps
from hcbench.store import StoreError


def _rows(seed, utilities):
    return [{"seed": seed, "method": m, "utility": {"mean": u}} for m, u in utilities.items()]


def test_methods_rank_by_true_utility_best_first_and_ties_by_name():
    assert ranking(_rows(0, {"b": 0.2, "a": 0.5, "c": 0.2, "d": float("nan")})) == ["a", "b", "c", "d"]


def test_kendalls_tau_compares_every_two_seeds_over_common_methods():
    rows = _rows(0, {"a": 0.1, "b": 0.2, "c": 0.3}) + _rows(1, {"a": 0.1, "b": 0.2, "c": 0.3})
    rows += _rows(2, {"a": 0.3, "b": 0.2, "c": 0.1})
    taus = kendall_taus(rows)
    assert [t["seeds"] for t in taus] == [[0, 1], [0, 2], [1, 2]]
    assert [t["tau"] for t in taus] == pytest.approx([1.0, -1.0, -1.0])
    assert kendall_taus(_rows(0, {"a": 0.1})) == []  # one seed: nothing to compare


def test_a_folder_without_an_evaluation_names_the_fix(tmp_path):
    with pytest.raises(StoreError, match="holds no evaluation.*hcbench compare experiment=NAME"):
        evaluation_stores(tmp_path)


def test_runs_of_a_seed_that_spent_more_than_the_tolerance_apart_are_named():
    rows = [{"seed": 0, "method": "a", "rating_calls": 100}, {"seed": 0, "method": "b", "rating_calls": 101},
            {"seed": 0, "method": "v0", "rating_calls": None}, {"seed": 1, "method": "a", "rating_calls": 100},
            {"seed": 1, "method": "b", "rating_calls": 110}]
    assert spending_gaps(rows, 0.01) == ["seed 1: b spent 110 rating calls, a 100 (10.0% more)"]
    assert spending_gaps(rows, 0.2) == []
