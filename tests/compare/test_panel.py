"""The evaluation asks the runs' raters with draws keyed apart from every run's."""
from __future__ import annotations

import numpy as np

from hcbench.compare.panel import EVALUATION_SALT, FreshDraws
from hcbench.loop.panel import Observed


class _Recording:
    rater_ids = np.arange(3)

    def __init__(self):
        self.keys = []

    def choose_inputs(self, rater_ids, pool, k, key):
        self.keys.append(key)
        return np.zeros((len(rater_ids), k), int)

    def rate(self, rater_ids, songs, key):
        self.keys.append(key)
        return Observed(np.ones(len(songs)), np.ones(len(songs)), np.ones(len(songs)))

    def sync(self, ratings_given):
        self.keys.append(("sync", len(ratings_given)))


def test_every_key_is_salted_and_everything_else_passes_through():
    inner = _Recording()
    panel = FreshDraws(inner)
    panel.choose_inputs(np.arange(2), [], 1, (0,))
    panel.rate(np.arange(2), ["a", "b"], (0, 1))
    panel.sync(np.zeros(3))
    assert inner.keys == [(EVALUATION_SALT, 0), (EVALUATION_SALT, 0, 1), ("sync", 3)]
    assert panel.rater_ids.tolist() == [0, 1, 2]
