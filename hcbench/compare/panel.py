"""The runs' raters, asked afresh: the same people, with draws that no run has made.

A panel keys its random draws (which songs a rater brings, the noise of an answer) by the
unit of work, ``(iteration, ...)``; the evaluation's units would otherwise repeat a run's
iteration-0 draws. Every key here is prefixed with a salt no iteration reaches.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hcbench.loop.panel import Observed, RaterPanel

EVALUATION_SALT = 0x5EED_E7A1  # far above any iteration number, so no key matches a run's


class FreshDraws:
    """``panel`` (a RaterPanel) with every draw keyed apart from the runs' draws."""

    def __init__(self, panel: RaterPanel, salt: int = EVALUATION_SALT):
        self.panel, self.salt = panel, salt

    @property
    def rater_ids(self) -> np.ndarray:
        return self.panel.rater_ids

    def choose_inputs(self, rater_ids: np.ndarray, pool: list[Path], k: int, key: tuple[int, ...]) -> np.ndarray:
        return self.panel.choose_inputs(rater_ids, pool, k, (self.salt, *key))

    def rate(self, rater_ids: np.ndarray, songs: list[Path], key: tuple[int, ...]) -> Observed:
        return self.panel.rate(rater_ids, songs, (self.salt, *key))

    def prefer(self, rater_ids: np.ndarray, first: list[Path], second: list[Path], key: tuple[int, ...]) -> np.ndarray:
        return self.panel.prefer(rater_ids, first, second, (self.salt, *key))

    def sync(self, ratings_given: np.ndarray) -> None:
        self.panel.sync(ratings_given)
