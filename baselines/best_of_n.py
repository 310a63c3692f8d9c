"""``method=best_of_n``: serve the reward model's pick of n candidates per request; no training.

Source: best-of-n sampling against a learned reward model (Nakano et al. 2021, WebGPT; Stiennon
et al. 2020; AlpacaFarm, Dubois et al. 2023, where it is a strong baseline), the reward model
fitted on the loop's own ratings (``hcbench.loop.reward_ratings``). Raters are asked exactly as
in the paper's loop (``PaperLoop.asks``: the same rating calls under ``budget.ratings_per_round``),
and D is selected as there, since the platform still needs D for references and old songs. The
next version keeps v(t)'s weights, bit for bit; it is v(t)'s weights with a reward model refitted
on every rating so far, serving the best of ``n`` candidates (``hcbench.models.best_of_n``). With
n = 1 it serves what v0 serves: ``no_feedback``'s songs.
"""
from __future__ import annotations

from hcbench.loop.method import Round
from hcbench.loop.paper import PaperLoop
from hcbench.loop.reward_ratings import fit_on_ratings, record_fit
from hcbench.models.best_of_n import weights_of, write_best_of_n


class BestOfN(PaperLoop):
    """The paper's asks and selection; v(t+1) is v(t)'s weights served as the reward model's best of ``n``."""

    def __init__(self, seed: int, n: int = 4):
        self.n = n  # candidates per request: 1 serves v0's own songs; more lean harder on the reward model
        self.seed = seed  # the run seed: which songs the reward model's held-out fit is measured on

    def next_version(self, round: Round) -> dict:
        """Refit the reward model on every rating so far; register v(t+1) as best-of-n over v(t)'s weights."""
        old = round.iteration
        reward = fit_on_ratings(round.store, old, round.similarity, round.loop.rating, self.seed)
        folder = write_best_of_n(round.versions.folder(old + 1) / "model", weights_of(round.versions.path(old)),
                                 self.n, reward)
        record_fit(round.store, old, reward)
        round.versions.register(old + 1, folder, train_size=0, iteration=old)
        return {"steps": 0, "candidates": self.n, **{f"reward_{k}": v for k, v in reward.fit.items()}}
