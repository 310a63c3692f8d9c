"""``method=random_selection``: a control that trains as the paper's loop does on songs chosen at random.

Source: the random-selection control of data-selection studies; here it asks whether the
ratings pick better training songs than chance (issue 13, section 2). Raters are asked as in
the paper's loop, and the run's fine-tuner (``finetune``) trains as there, on as much data as
the ratings would give it; only which data is left to chance, drawn from the run seed:

- D (eq. 2, ``finetune=weighted``): as many of the round's scored songs as selection would let
  in (``loop.selection``: cold-start top-k, then those that beat their reference), drawn at
  random; each keeps its confidence c, and the purge cycle runs as in the paper's loop.
- DPO (``finetune=dpo``, the default): the same same-input pairs the scores would make
  (``finetune.pair_min_gap``), each with its preferred song drawn by a fair coin.
"""
from __future__ import annotations

import numpy as np

from hcbench.loop.finetune import finetune_next_version
from hcbench.loop.method import Round
from hcbench.loop.paper import PaperLoop
from hcbench.loop.preference_pairs import same_input_pairs
from hcbench.loop.selection import enter_and_purge, is_cold_start
from hcbench.store import RunStore, queries

D_STREAM, PAIR_STREAM = 30, 31  # random streams of the run seed, apart from the loop's own (dispatch: 10)


class RandomSelection(PaperLoop):
    """The paper's asks and fine-tune; the songs (or preferences) it learns from are drawn at random."""

    def __init__(self, seed: int):
        self.seed = seed  # the run seed (conf: ${seed}): the same run draws the same songs on resume

    def training_signal(self, round: Round) -> dict:
        """As many of the round's scored songs as selection would admit, drawn at random, enter D."""
        cfg, cold_start = round.loop.selection, is_cold_start(round.store, round.iteration)
        wanted = len(queries.best_scored_songs(round.store, round.iteration, cfg.top_k,
                                               cfg.beat_reference and not cold_start))
        songs = random_songs(queries.scored_songs(round.store, round.iteration), wanted,
                             np.random.default_rng([self.seed, D_STREAM, round.iteration]))
        return enter_and_purge(round.store, round.iteration, songs, cfg, round.similarity) | {"cold_start": cold_start}

    def next_version(self, round: Round) -> dict:
        rng = np.random.default_rng([self.seed, PAIR_STREAM, round.iteration])

        def coin_pairs(store: RunStore, iterations, min_gap: float):
            return random_preferences(*same_input_pairs(store, iterations, min_gap), rng)

        return finetune_next_version(round.store, round.iteration, round.versions, round.finetune,
                                     round.loop.requests.strength, pairs=coin_pairs)


def random_songs(candidates: list[dict], count: int, rng: np.random.Generator) -> list[dict]:
    """``count`` of ``candidates`` drawn without replacement, in their own order.

    >>> random_songs([{"song_id": i} for i in range(5)], 2, np.random.default_rng(0))
    [{'song_id': 3}, {'song_id': 4}]
    """
    return [candidates[i] for i in np.sort(rng.choice(len(candidates), count, replace=False))]


def random_preferences(winners: np.ndarray, losers: np.ndarray,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The same pairs, each one's preferred song decided by a fair coin.

    >>> random_preferences(np.array([1, 2, 3]), np.array([4, 5, 6]), np.random.default_rng(1))
    (array([1, 2, 6]), array([4, 5, 3]))
    """
    swap = rng.random(len(winners)) < 0.5
    return np.where(swap, losers, winners), np.where(swap, winners, losers)
