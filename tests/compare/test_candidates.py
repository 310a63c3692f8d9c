"""Candidates for hcbench overopt: the pick among the first n is what a best-of-n version serves."""
from __future__ import annotations

import numpy as np

from hcbench.compare.candidates import FreshRequests, candidate_songs
from hcbench.compare.evaluation import evaluation_seed
from hcbench.loop.config import RequestConfig
from hcbench.metrics.overoptimisation import picks
from hcbench.models.best_of_n import BestOfNGenerator
from tests.models.test_best_of_n import BRIGHTER, Brightness


def test_best_of_n_over_the_shared_candidates_is_what_best_of_n_serves(tiny_generator):
    tiny_generator.steps = 4
    songs = np.random.default_rng(2).integers(0, 256, (3, 32, 32), dtype=np.uint8)
    asked = FreshRequests(np.array([0, 1]), [songs[:1], songs[1:3]])
    cfg = RequestConfig(strength=0.5, eta=1.0)
    drawn = candidate_songs(tiny_generator, asked, cfg, 4, seed=5)
    chosen = picks(BRIGHTER.predict(Brightness().represent(drawn.reshape(-1, 32, 32))).reshape(2, 4), [1, 4])
    for i, n in enumerate((1, 4)):
        version = BestOfNGenerator(tiny_generator.unet, tiny_generator.scheduler, tiny_generator.mel, 4,
                          tiny_generator.batch_size, reward=BRIGHTER, candidates=n, similarity=Brightness())
        served = version.generate_from(asked.inputs, 0.5, 1, evaluation_seed(5), 1.0)[:, 0]
        np.testing.assert_array_equal(served, drawn[np.arange(2), chosen[:, i]])
    assert (chosen[:, 1] > 0).any()  # some request's best of 4 is not its first candidate
