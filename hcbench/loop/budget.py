"""One budget of rating calls per round, the same for every method (issue 13, section 3).

A rating call is one rater's stars and listening for one song, or one pairwise answer.
With ``budget.ratings_per_round`` set, a training round asks its requests in the plan's
order (request id), each with all its asks, while they fit in what is left; the first
request that does not fit ends the round's asking. What is asked thus follows from the
plan alone, before any answer comes: answers may arrive at any time and in any order
(people on a web page), and a resumed run asks exactly what an uninterrupted one asks.
Whole requests keep every song's scoring intact (a new song without its reference rating
could not be judged against it); a round may therefore spend a little less than its
budget, at most one request's asks.

The last round evaluates the versions and trains nothing, so it is charged to no method
and has no limit. Every round's answered calls are counted in the store's
``rating_calls``, in the transaction that stores the answers.

>>> cfg = BudgetConfig(ratings_per_round=5)
>>> cfg.round(0, iterations=3), cfg.round(2, iterations=3)
(RoundBudget(limit=5, charged=True), RoundBudget(limit=None, charged=False))
>>> affordable([3, 1, 2, 1], limit=5)  # calls asked per request, in order: 3 + 1 fit, 3 + 1 + 2 does not
2
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hcbench.errors import ConfigError


@dataclass(frozen=True)
class RoundBudget:
    """What one round may spend: ``limit`` calls (None: no limit); ``charged``: to the method that ran it."""

    limit: int | None = None
    charged: bool = True


UNLIMITED = RoundBudget()


@dataclass
class BudgetConfig:
    """The run's budget (conf/run.yaml ``budget``)."""

    ratings_per_round: int | None = None  # rating calls a training round may spend; None: every ask (no limit)

    def __post_init__(self):
        if self.ratings_per_round is not None and self.ratings_per_round < 1:
            raise ConfigError(f"budget.ratings_per_round must be >= 1 or null, got {self.ratings_per_round}")

    def round(self, iteration: int, iterations: int) -> RoundBudget:
        """Round ``iteration``'s budget; the last of ``iterations`` evaluates and is charged to no method."""
        if iteration == iterations - 1:
            return RoundBudget(None, charged=False)
        return RoundBudget(self.ratings_per_round, charged=True)


def affordable(calls_per_request: Sequence[int], limit: int | None) -> int:
    """How many requests, from the first, are asked: the longest run of them whose calls fit in ``limit``."""
    if limit is None:
        return len(calls_per_request)
    spent = 0
    for n, calls in enumerate(calls_per_request):
        spent += calls
        if spent > limit:
            return n
    return len(calls_per_request)
