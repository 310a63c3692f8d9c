"""``method=oracle``: the UPPER BOUND. Its training labels are the simulators' true utility, not the ratings.

Source: the oracle arm of simulated-feedback studies (AlpacaFarm; issue 13, section 2): what the
paper's loop could reach if every rating call returned its rater's true utility without noise,
bias or cheating. No real platform can run it. It asks raters exactly as the paper's loop does
(the same rating calls), then labels each new song of the round with the mean true utility to
the raters who were asked about it, and judges it against its reference by its requester's true
utility of each. Selection (``loop.selection``) and the run's fine-tuner (``finetune``) then
learn from those labels: D's songs carry their true utility as score and confidence c (eq. 2),
and DPO's same-input pairs prefer the truly better song.

It is the only code outside simulators/ that reads the truth, and only through
``simulators.ground_truth`` (tests/baselines/test_truth_access.py keeps it so).
"""
from __future__ import annotations

import logging

import numpy as np

from hcbench.errors import ConfigError
from hcbench.loop.finetune import finetune_next_version
from hcbench.loop.method import Round
from hcbench.loop.paper import PaperLoop
from hcbench.loop.preference_pairs import same_input_pairs
from hcbench.loop.selection import enter_and_purge, is_cold_start
from hcbench.store import RunStore, queries
from simulators import ground_truth

log = logging.getLogger(__name__)
UPPER_BOUND = "method=oracle is an UPPER BOUND: it learns from the simulators' true utility, not the ratings"


class Oracle(PaperLoop):
    """The paper's asks; selection and fine-tune on true utility (an upper bound, never a method to deploy)."""

    def training_signal(self, round: Round) -> dict:
        """D takes the round's top-k songs by true utility (after the cold start: those truly above their reference)."""
        log.warning("%s (iteration %d: selecting D)", UPPER_BOUND, round.iteration)
        cfg, cold_start = round.loop.selection, is_cold_start(round.store, round.iteration)
        labels = true_labels(round, round.iteration)
        songs = [{"song_id": song, "score": utility, "confidence": utility}
                 for song, (utility, beats) in labels.items() if beats or cold_start or not cfg.beat_reference]
        songs = sorted(songs, key=lambda s: (-s["score"], s["song_id"]))[:cfg.top_k]
        return enter_and_purge(round.store, round.iteration, songs, cfg, round.similarity) | {
            "cold_start": cold_start, "upper_bound": True}

    def next_version(self, round: Round) -> dict:
        """The run's fine-tune; DPO prefers the song of higher true utility in each same-input pair."""
        log.warning("%s (fine-tuning v%d)", UPPER_BOUND, round.iteration + 1)

        def true_pairs(store: RunStore, iterations, min_gap: float):
            return same_input_pairs(store, iterations, min_gap,
                                    labels=lambda i: {song: u for song, (u, _) in true_labels(round, i).items()})

        summary = finetune_next_version(round.store, round.iteration, round.versions, round.finetune,
                                        round.loop.requests.strength, pairs=true_pairs)
        return summary | {"upper_bound": True}


def true_labels(round: Round, iteration: int) -> dict[int, tuple[float, bool]]:
    """Each new song of ``iteration``: (mean true utility to the raters asked about it, whether its requester
    truly prefers it to its reference). Songs served from D, compared with nothing, are left out."""
    ratings = queries.ratings_of(round.store, iteration)
    utility = _true_utility(round, ratings)
    by_request: dict[int, dict] = {}
    for rating, u in zip(ratings, utility):
        entry = by_request.setdefault(rating["request_id"], {"song": None, "heard": []})
        if rating["role"] == "reference":
            entry["reference"] = u
        else:
            entry["song"] = rating["song_id"]
            entry["heard"].append(u)
            if rating["role"] == "served":
                entry["requester"] = u
    return {e["song"]: (float(np.mean(e["heard"])), bool(e["requester"] > e["reference"]))
            for e in by_request.values() if "reference" in e and "requester" in e}


def _true_utility(round: Round, ratings: list[dict]) -> np.ndarray:
    """True utility of each rating's song to its rater, read through ``ground_truth`` (the simulated panel's)."""
    panel, store = round.panel, round.store
    if not hasattr(panel, "population"):
        raise ConfigError("method=oracle reads the simulators' true utility: it needs a simulated panel, "
                          f"not {type(panel).__name__}")
    if not ratings:
        return np.zeros(0)
    panel.sync(queries.ratings_per_rater(store, len(panel.rater_ids)))  # drifting tastes as the ratings left them
    audio = {song: queries.song_audio_path(store, song) for song in {r["song_id"] for r in ratings}}
    paths = [store.run_dir / audio[r["song_id"]] for r in ratings]
    raters = np.array([r["rater_id"] for r in ratings], np.int64)
    return np.asarray(ground_truth(panel.population).utility(panel.songs(paths), raters), np.float64)
