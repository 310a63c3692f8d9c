"""A simulated population behind the loop's RaterPanel: it hears the run's audio files.

Songs are embedded once per file (the audio is what the store wrote, already through
the spectrogram channel) and cached. Input songs are chosen the way people choose
them: mostly ones they like, by their own true utility.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from hcbench.loop.panel import Observed
from hcbench.store import records
from hcbench.threads import single_thread
from simulators.population import GroundTruth, Population, ground_truth
from simulators.space import Songs

class SimulatedPanel:
    """Adapts a Population to ``hcbench.loop.panel.RaterPanel``; ``truth`` serves the run's hidden tables."""

    def __init__(self, population: Population, seed: int):
        self.population, self.seed = population, seed
        self._songs: dict[Path, tuple[np.ndarray, float]] = {}

    @property
    def rater_ids(self) -> np.ndarray:
        return self.population.rater_ids

    @property
    def truth(self) -> GroundTruth:
        return ground_truth(self.population)

    def choose_inputs(self, rater_ids: np.ndarray, pool: list[Path], k: int, key: tuple[int, ...]) -> np.ndarray:
        utility = self.truth.utility(self.songs(pool), np.asarray(rater_ids)[:, None])  # (n_raters, pool)
        rng = np.random.default_rng([self.seed, 2, *key])
        gumbel = -np.log(-np.log(rng.random(utility.shape)))  # Gumbel top-k = sampling without replacement
        return np.argsort(-(utility / self.truth.choice_temperature + gumbel), axis=1)[:, :k]

    def rate(self, rater_ids: np.ndarray, songs: list[Path], key: tuple[int, ...]) -> Observed:
        self.population.reseed(*key)
        ratings = self.population.rate(self.songs(songs), np.asarray(rater_ids, np.int64))
        return Observed(np.asarray(ratings.stars, np.float64), np.asarray(ratings.listen_seconds, np.float64),
                        np.asarray(ratings.song_seconds, np.float64))

    def prefer(self, rater_ids: np.ndarray, first: list[Path], second: list[Path], key: tuple[int, ...]) -> np.ndarray:
        self.population.reseed(*key)
        raters = np.asarray(rater_ids, np.int64)
        return np.asarray(self.population.prefer(self.songs(first), self.songs(second), raters))

    def sync(self, ratings_given: np.ndarray) -> None:
        self.population.set_clock(ratings_given)

    def utility(self, rater_ids: np.ndarray, songs: list[Path]) -> np.ndarray:
        """True utility of ``songs[i]`` to ``rater_ids[i]`` (for the run's hidden table)."""
        return self.truth.utility(self.songs(songs), np.asarray(rater_ids, np.int64))

    def quality(self, songs: list[Path]) -> np.ndarray:
        return self.truth.quality(self.songs(songs))

    def profiles(self) -> np.ndarray:
        return self.truth.profile_labels

    def songs(self, paths: list[Path]) -> Songs:
        missing = [p for p in dict.fromkeys(map(Path, paths)) if p not in self._songs]
        if missing:
            self._embed(missing)
        rows = [self._songs[Path(p)] for p in paths]
        return Songs(np.stack([r[0] for r in rows]), np.array([r[1] for r in rows]))

    def _embed(self, paths: list[Path]) -> None:
        space = self.population.space
        rate = space.mel.sample_rate
        audio = [sf.read(p, dtype="float32")[0] for p in paths]  # written by the store at the model's rate
        with single_thread():  # small FFTs: a second thread only spins
            vectors = space.standardise(space.embedder(audio, rate))
        for path, signal, vector in zip(paths, audio, vectors):
            self._songs[path] = (vector, len(signal) / rate)


def record_rater_truth(store, panel: SimulatedPanel) -> None:
    """Each rater's true profile and home taste cluster into the store's hidden tables (once per run)."""
    with store.transaction() as db:
        records.raters(db, panel.rater_ids)
        records.true_profiles(db, panel.rater_ids, panel.profiles())
        records.true_taste_clusters(db, panel.rater_ids, panel.truth.taste_clusters)


def truth_recorder(panel: SimulatedPanel):
    """The loop's ``record_truth`` hook: each new rating's true utility, in the rating's own transaction."""

    def record(store, rating_ids: list[int], rater_ids: np.ndarray, paths: list[Path]) -> None:
        records.true_utilities(store.connection, rating_ids, panel.utility(rater_ids, paths))

    return record


def pair_truth_recorder(panel: SimulatedPanel):
    """The loop's ``record_pair_truth`` hook: each pairwise answer's true utility of both songs, in its transaction."""

    def record(store, preference_ids: list[int], rater_ids: np.ndarray, first: list[Path], second: list[Path]):
        records.true_preference_utilities(store.connection, preference_ids, panel.utility(rater_ids, first),
                                          panel.utility(rater_ids, second))

    return record
