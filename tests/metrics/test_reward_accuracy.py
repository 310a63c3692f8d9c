"""Reward-model accuracy on held-out pairs against the truth, on hand-made songs, scores and truths."""
from __future__ import annotations

import json

import numpy as np
import pytest

from hcbench.metrics import reward_accuracy
from hcbench.metrics.reward_accuracy import pair_accuracy, reward_accuracies
from hcbench.models.best_of_n import reward_model_of, write_best_of_n
from hcbench.models.reward_model import RewardModel, save_reward_model
from hcbench.report.compare_markdown import HEADER, accuracy_text

FIRST_FEATURE = RewardModel((0.0, 0.0), (1.0, 1.0), (1.0, 0.0), 0.0, 1.0)  # reward = feature 0


def test_accuracy_counts_pairs_ordered_as_the_truth_skips_truth_ties_and_halves_score_ties():
    scores = np.array([1.0, 2.0, 3.0, 0.0, 0.0, 5.0])
    truth = np.array([0.1, 0.2, 0.0, 0.4, 0.3, 0.3])
    # group 1: (0,1) right, (0,2) wrong, (1,2) wrong; group 2: (3,4) score tie: half, (3,5) wrong, (4,5) truth tie
    assert pair_accuracy(scores, truth, [[0, 1, 2], [3, 4, 5]]) == {"accuracy": pytest.approx(1.5 / 5), "pairs": 5}
    assert pair_accuracy(scores, truth, [[4, 5], [0]]) == {"accuracy": None, "pairs": 0}


class _Store:
    """The evaluation's rated outputs (two requests, three versions) and each song's features."""

    FEATURES = {10: [0.3, 9.0], 11: [0.1, 0.0], 12: [0.2, 5.0], 20: [0.5, 0.0], 21: [0.9, 1.0], 22: [0.7, 0.0]}

    def song_images(self, ids):
        return np.array([self.FEATURES[i] for i in ids])


def _ratings(requester, song, version, utilities):
    return [{"version": version, "song_id": song, "utility": u, "requester": requester, "inputs": "1,2",
             "reference_song_id": None, "agreement_raters": "[7]", "stars": 3} for u in utilities]


def _outputs(store, iteration):
    return (_ratings(1, 10, 0, [0.6, 0.8]) + _ratings(1, 11, 1, [0.2, 0.2]) + _ratings(1, 12, 2, [0.5, None])
            + _ratings(2, 20, 0, [0.1, 0.1]) + _ratings(2, 21, 1, [0.3, 0.5]) + _ratings(2, 22, 2, [0.2, 0.2]))


class _Identity:
    def represent(self, images):
        return np.asarray(images)


def test_each_method_with_a_reward_model_is_scored_on_the_evaluations_requests_and_others_get_none(monkeypatch):
    monkeypatch.setattr(reward_accuracy.queries, "rated_outputs_with_requests", _outputs)
    found = reward_accuracies(_Store(), {"bon": FIRST_FEATURE, "paper": None}, _Identity())
    # truth per song: mean over its raters (0.7, 0.2, 0.5; 0.1, 0.4, 0.2); feature 0 orders all 6 pairs so
    assert found == {"bon": {"accuracy": 1.0, "pairs": 6}, "paper": None}
    backwards = RewardModel((0.0, 0.0), (1.0, 1.0), (-1.0, 0.0), 0.0, 1.0)
    second = RewardModel((0.0, 0.0), (1.0, 1.0), (0.0, 1.0), 0.0, 1.0)  # feature 1: ties songs 20 and 22
    found = reward_accuracies(_Store(), {"backwards": backwards, "second": second}, _Identity())
    assert found == {"backwards": {"accuracy": 0.0, "pairs": 6}, "second": {"accuracy": 5.5 / 6, "pairs": 6}}


def test_a_version_carries_its_reward_model_from_best_of_n_or_beside_its_weights(tmp_path):
    write_best_of_n(tmp_path / "bon", "tiny", 4, FIRST_FEATURE)
    save_reward_model((tmp_path / "rwr").mkdir() or tmp_path / "rwr", FIRST_FEATURE)
    (tmp_path / "plain").mkdir()
    assert reward_model_of(tmp_path / "bon") == FIRST_FEATURE == reward_model_of(tmp_path / "rwr")
    assert reward_model_of(tmp_path / "plain") is None
    assert json.loads((tmp_path / "rwr" / "reward_model.json").read_text())["coef"] == [1.0, 0.0]


def test_the_compare_table_shows_the_accuracy_or_a_dash():
    assert "reward-model accuracy" in HEADER
    assert accuracy_text({"accuracy": 0.75, "pairs": 12}) == "0.75 (12 pairs)"
    assert accuracy_text(None) == accuracy_text({"accuracy": None, "pairs": 0}) == "–"
