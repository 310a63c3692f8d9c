"""Which input songs simulated raters bring: by their own taste, as sharply as raters.choice_temperature says."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hcbench.errors import ConfigError
from simulators import build_population, ground_truth
from simulators.panel import SimulatedPanel
from tests.simulators.conftest import population_config, songs_like_corpus


def _picks(space, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    cfg = dataclasses.replace(population_config({"honest": 1.0}), choice_temperature=temperature)
    panel = SimulatedPanel(build_population(cfg, space, 40, seed=0), seed=0)
    pool = songs_like_corpus(space, 10)
    panel.songs = lambda paths: pool  # the pool as heard, without audio files
    raters = np.repeat(panel.rater_ids, 25)
    picks = panel.choose_inputs(raters, [f"song{i}.wav" for i in range(10)], 1, (0,))[:, 0]
    return picks, ground_truth(panel.population).utility(pool, raters[:, None])[np.arange(len(raters)), picks]


def test_a_cold_choice_brings_liked_songs_and_a_warm_one_spreads_over_the_pool(space):
    cold, cold_utility = _picks(space, 0.05)
    warm, warm_utility = _picks(space, 1.0)
    shares = [np.bincount(p, minlength=10) / len(p) for p in (cold, warm)]
    assert shares[0].max() > shares[1].max() and (shares[1] > 0.02).sum() > (shares[0] > 0.02).sum()
    assert cold_utility.mean() > warm_utility.mean()  # at 0.05 a rater mostly brings songs it likes


def test_a_choice_temperature_must_be_positive():
    with pytest.raises(ConfigError, match="raters.choice_temperature must be positive, got 0"):
        dataclasses.replace(population_config({"honest": 1.0}), choice_temperature=0)
