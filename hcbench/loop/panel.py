"""What the loop needs from the people who use the platform; simulators/ provides one.

A panel hears songs as audio files, as a person would. Every call carries a ``key``
naming the unit of work it belongs to, so that a unit redone after a crash gets the
same answers: with people that is moot, with simulated raters it keeps runs exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Observed:
    """What the platform records of a batch of ratings."""

    stars: np.ndarray  # 1..5 in steps of 0.5
    listen_seconds: np.ndarray
    song_seconds: np.ndarray


class RaterPanel(Protocol):
    @property
    def rater_ids(self) -> np.ndarray: ...

    def choose_inputs(self, rater_ids: np.ndarray, pool: list[Path], k: int, key: tuple[int, ...]) -> np.ndarray:
        """(n, k) distinct indices into ``pool``: the songs each rater brings to a request."""

    def rate(self, rater_ids: np.ndarray, songs: list[Path], key: tuple[int, ...]) -> Observed:
        """Rater ``rater_ids[i]`` listens to ``songs[i]`` and rates it."""

    def prefer(self, rater_ids: np.ndarray, first: list[Path], second: list[Path], key: tuple[int, ...]) -> np.ndarray:
        """Rater ``rater_ids[i]`` hears ``first[i]`` and ``second[i]``: True where it prefers the first."""

    def sync(self, ratings_given: np.ndarray) -> None:
        """On resume: how many answers (ratings and pairwise answers) each rater has given so far."""
