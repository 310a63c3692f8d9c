"""A crowd rating songs the way the loop asks (each song to k raters), on a synthetic embedding space.

Neither the space nor this crowd was used to tune experiment=qc's thresholds (those came from
replays of a run's songs, benchmarks/qc_replay.py), so the tests that use it are held out.
"""
from __future__ import annotations

import numpy as np

from hcbench.loop.qc import RatingTable
from simulators.population import PopulationConfig, build_population, ground_truth
from simulators.profiles import Profile
from simulators.space import EmbeddingSpace, Songs

PROFILES = {
    "honest": Profile("honest"), "noisy": Profile("noisy", noise=1.2, bias_spread=0.5),
    "lenient": Profile("lenient", bias=1.0), "harsh": Profile("harsh", bias=-1.0),
    "drifting": Profile("drifting", drift=0.02), "lazy": Profile("lazy", stars="lazy", listening="brief",
                                                                 brief_fraction=(0.03, 0.15)),
    "adversarial_max": Profile("adversarial_max", stars="max", listening="brief", brief_fraction=(0.01, 0.06)),
    "adversarial_inverse": Profile("adversarial_inverse", stars="inverse"),
    "colluder": Profile("colluder", stars="style", bias=-0.75),
}
MIX = {"honest": 0.40, "noisy": 0.08, "lenient": 0.07, "harsh": 0.07, "drifting": 0.08, "lazy": 0.08,
       "adversarial_max": 0.07, "adversarial_inverse": 0.08, "colluder": 0.07}


def crowd_ratings(n_raters: int = 100, n_songs: int = 900, k: int = 12, seed: int = 0, groups: int | None = None,
                  utility: dict | None = None):
    """(ratings, true profile per rater, home taste cluster per rater) of an unequal three-cluster crowd.

    ``groups``: songs are variations around that many style centres (as the loop's merges of the same
    inputs are), and the table records each song's group as its style; None: every song has its own origin.
    """
    rng = np.random.default_rng(seed)
    dim = 12
    reference = rng.standard_normal((600, dim)) + np.repeat(3 * rng.standard_normal((3, dim)), 200, axis=0)
    space = EmbeddingSpace(np.zeros(dim), np.ones(dim), reference)
    cfg = PopulationConfig(mix=MIX, profiles=PROFILES, name="qc_crowd",
                           taste={"clusters": 3, "weights": [0.6, 0.3, 0.1]}, utility=utility or {})
    population = build_population(cfg, space, n_raters, seed)
    if groups is None:
        style, picked = None, reference[rng.integers(len(reference), size=n_songs)]
    else:
        group = rng.integers(groups, size=n_songs)
        style, picked = group.astype(str), reference[rng.integers(len(reference), size=groups)][group]
    songs = Songs(picked + rng.standard_normal((n_songs, dim)) * rng.uniform(0.3, 2.0, (n_songs, 1)), 3.0)
    raters = np.argsort(rng.random((n_songs, n_raters)), axis=1)[:, :k].T  # (k, n_songs): k raters per song
    observed = population.rate(songs, raters)
    table = RatingTable(raters.ravel(), np.broadcast_to(np.arange(n_songs), raters.shape).ravel(),
                        observed.stars.ravel().astype(np.float64), observed.listen_fraction.ravel(),
                        None if style is None else np.broadcast_to(style, raters.shape).ravel())
    truth = ground_truth(population)
    return table, truth.profile_labels, truth.taste_clusters
