"""``method=no_feedback``: a control in which v0 serves every round (issue 13, section 2).

Source: the "no feedback" arm of any RLHF comparison (e.g. AlpacaFarm's reference model): what
the loop would show if the ratings taught the model nothing. Raters are asked exactly as in
the paper's loop, so it spends the same rating calls, and D is still selected (the platform
still serves old songs from D with ``loop.dispatch.p_old``); only the fine-tune is left out.
v(t+1) is registered with v(t)'s own model folder: its parameters are v(t)'s, bit for bit.
"""
from __future__ import annotations

from pathlib import Path

from hcbench.loop.method import Round
from hcbench.loop.paper import PaperLoop


class NoFeedback(PaperLoop):
    """The paper's asks and selection; ``next_version`` trains nothing."""

    def next_version(self, round: Round) -> dict:
        """Register v(t+1) as v(t) itself (the same model folder), fine-tuned on nothing."""
        old = round.iteration
        round.versions.register(old + 1, Path(round.versions.path(old)), train_size=0, iteration=old)
        return {"steps": 0}
