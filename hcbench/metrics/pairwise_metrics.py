"""Pairwise answers of a run, per iteration: how many, on how many questions, and how often the truth agrees.

The hidden table of each answer's true utilities is joined in here (evaluation only); a run
whose panel records no truth reports None for the agreement.
"""
from __future__ import annotations

import numpy as np

from hcbench.store import RunStore, queries


def pairwise_figures(store: RunStore) -> list[dict]:
    """Per iteration with pairwise answers: answers, questions (distinct song pairs) and the share of answers
    that chose the song of higher true utility to the rater (``truth_agreement``; None without the truth).

    A run that asked no pairwise questions gives [] (its report has no pairwise section).
    """
    rows = queries.pairwise_answers(store)
    return [_figures(iteration, [r for r in rows if r["iteration"] == iteration])
            for iteration in sorted({r["iteration"] for r in rows})]


def _figures(iteration: int, rows: list[dict]) -> dict:
    known = [r for r in rows if r["first_utility"] is not None]
    agree = [bool(r["chose_first"]) == (r["first_utility"] > r["second_utility"]) for r in known]
    return {"iteration": iteration, "answers": len(rows),
            "questions": len({(r["first_song_id"], r["second_song_id"]) for r in rows}),
            "truth_agreement": float(np.mean(agree)) if known else None}
