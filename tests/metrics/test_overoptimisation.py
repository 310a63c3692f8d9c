"""Best of n against the truth: every n picks among the first n of the same candidates."""
from __future__ import annotations

import numpy as np
import pytest

from hcbench.metrics.overoptimisation import (N_VALUES, below_start, beyond_noise, curve, over_optimised, picks,
                                              stage_key, stage_rows)
from hcbench.report.overopt_report import overopt_table, verdict, write_overopt


def _scores(seed=0, requests=20, candidates=32):
    rng = np.random.default_rng(seed)
    return rng.random((requests, candidates)), rng.random((requests, candidates))


def test_the_pick_at_n_is_the_argmax_of_the_first_n_scores_whatever_follows():
    proxy, _ = _scores()
    chosen = picks(proxy, list(N_VALUES))
    for i, n in enumerate(N_VALUES):
        np.testing.assert_array_equal(chosen[:, i], proxy[:, :n].argmax(axis=1))
        later = proxy.copy()
        later[:, n:] = 10.0  # candidates past the first n cannot change the pick at n
        np.testing.assert_array_equal(picks(later, [n])[:, 0], chosen[:, i])
    assert (chosen[:, 0] == 0).all() and (np.diff(proxy[np.arange(20)[:, None], chosen], axis=1) >= 0).all()


def test_the_curve_gives_each_ns_mean_proxy_and_truth_of_the_picks_and_the_change_from_n_1():
    proxy, truth = _scores(1)
    rows = curve(proxy, truth, [1, 4, 32], resamples=50)
    chosen = picks(proxy, [1, 4, 32])
    for i, row in enumerate(rows):
        assert row["proxy"]["mean"] == pytest.approx(proxy[np.arange(20), chosen[:, i]].mean())
        assert row["truth"]["mean"] == pytest.approx(truth[np.arange(20), chosen[:, i]].mean())
        assert row["truth_vs_first"]["mean"] == pytest.approx(row["truth"]["mean"] - rows[0]["truth"]["mean"])
        previous = rows[max(i - 1, 0)]["truth"]["mean"]
        assert row["truth_vs_previous"]["mean"] == pytest.approx(row["truth"]["mean"] - previous)
    assert rows[0]["truth_vs_first"] == rows[0]["truth_vs_previous"] == {"mean": 0.0, "low": 0.0, "high": 0.0, "n": 20}
    with pytest.raises(ValueError, match="1..32"):
        curve(proxy, truth, [64])


def test_over_optimisation_is_where_the_proxy_rises_and_the_truth_falls(tmp_path):
    proxy = np.array([[0.0, 1.0, 2.0, 3.0]])
    truth = np.array([[0.1, 0.5, 0.4, 0.3]])  # better picks by the proxy: truth up once, then down twice
    rows = curve(proxy, truth, [1, 2, 4], resamples=10)
    assert over_optimised(rows) == [(2, 4)] and "from n = 2 to 4" in verdict(rows)
    assert over_optimised(curve(proxy, proxy, [1, 2, 4], resamples=10)) == []
    assert "| 4 | 3.000 [3.000, 3.000] | 0.300 [0.300, 0.300] | +0.200 [+0.200, +0.200] |" in overopt_table(rows)
    written = write_overopt(tmp_path, rows, [{"rater": 3, "proxy": [0.0], "truth": [0.1]}], "measured here")
    assert [p.name for p in written] == ["overopt.md", "overopt.jsonl", "overopt.png"]
    assert all(p.stat().st_size > 0 for p in written)
    assert (tmp_path / "overopt.jsonl").read_text().count('"kind": "n"') == 3


def test_a_fall_is_beyond_noise_only_where_its_paired_interval_lies_below_zero():
    proxy = np.tile([0.0, 1.0, 2.0, 3.0], (40, 1))
    rng = np.random.default_rng(0)
    steady = np.tile([0.1, 0.5, 0.5, 0.3], (40, 1)) + rng.normal(0, 0.01, (40, 4))  # every request falls
    rows = curve(proxy, steady, [1, 2, 4], resamples=200)
    assert over_optimised(rows) == [(2, 4)] and beyond_noise(rows[2])
    assert "beyond noise" in verdict(rows) and "within noise" not in verdict(rows)
    mixed = np.tile([0.1, 0.5, 0.5, 0.5], (40, 1))
    mixed[:, 3] += np.where(np.arange(40) % 2 == 0, 0.3, -0.32)  # a mean fall of 0.01 that half the requests reverse
    rows = curve(proxy, mixed, [1, 2, 4], resamples=200)
    assert over_optimised(rows) == [(2, 4)] and not beyond_noise(rows[2])
    assert "within noise" in verdict(rows) and "no over-optimisation is shown" in verdict(rows)


def test_a_stage_above_the_start_in_proxy_and_below_it_in_truth_is_over_optimisation_beyond_noise(tmp_path):
    rng = np.random.default_rng(1)
    proxy = np.tile([0.0, 0.5, 1.0], (40, 1)) + rng.normal(0, 0.01, (40, 3))  # optimised harder at each stage
    truth = np.tile([0.5, 0.52, 0.4], (40, 1)) + rng.normal(0, 0.01, (40, 3))  # up a little, then below the start
    rows = stage_rows(proxy, truth, [0, 20, 40], resamples=200, key="step")
    assert [r["step"] for r in rows] == [0, 20, 40] and stage_key(rows) == "step"
    assert below_start(rows) == [rows[2]]
    assert verdict(rows).startswith("Over-optimisation beyond noise") and "step 40 (proxy +0.99" in verdict(rows)
    assert overopt_table(rows).startswith("| step | proxy: reward-model score of the answer |")
    assert below_start(stage_rows(proxy, np.tile([0.5, 0.52, 0.5], (40, 1)), [0, 20, 40], 200, key="step")) == []
    written = write_overopt(tmp_path, rows, [], "measured here")
    assert (tmp_path / "overopt.jsonl").read_text().count('"kind": "step"') == 3
    assert "# Over-optimisation: v0 trained against the reward model, against the truth" in written[0].read_text()
