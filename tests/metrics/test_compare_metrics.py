"""Rankings and Kendall's tau between seeds, on rows of known utilities."""
from __future__ import annotations

import pytest

from hcbench.metrics.compare_metrics import evaluation_stores, kendall_taus, ranking
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
