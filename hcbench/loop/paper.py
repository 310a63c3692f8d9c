"""The paper's loop as a method (conf/method/paper.yaml and paper_dpo.yaml).

Source: "Improving AI-generated music with user-guided training" (seeds/000), sections 2.1,
3.1, 3.2 and 4.1. Each request's rater hears the new song and its reference (the nearest
training sample), and ``loop.qc.agreement_k - 1`` other raters hear the new song too. The
training signal is the training set D: the cold start's top-k by score, then the top-k of
the songs that beat their reference, purged of near-duplicates (``loop.selection``). The
next version is v(t) fine-tuned by the run's fine-tuner (``finetune``): eq. 2 on D
(``method=paper``, ``finetune=weighted``) or Diffusion-DPO on same-input pairs
(``method=paper_dpo``, ``finetune=dpo``, the default).

The two methods differ only in the fine-tuner their config selects, so ``finetune=weighted``
under the default method runs ``method=paper``.
"""
from __future__ import annotations

import json
from dataclasses import replace

from hcbench.loop.finetune import finetune_next_version
from hcbench.loop.method import Ask, Round
from hcbench.loop.selection import select_and_purge


class PaperLoop:
    """Selection into D, then a fine-tune; it has no settings beyond ``loop.selection`` and ``finetune``."""

    def asks(self, request: dict) -> list[Ask]:
        """The requester rates its song and its reference; each agreement rater rates the song."""
        served = Ask(request["id"], request["rater_id"], request["served_song_id"], request["served_audio"], "served",
                     request["served_version"])
        asks = [served]
        if request["reference_song_id"] is not None:  # a new song (an old one from D is compared with nothing)
            asks.append(Ask(request["id"], request["rater_id"], request["reference_song_id"],
                            request["reference_audio"], "reference", request["reference_version"]))
        return asks + [replace(served, rater_id=rater, role="agreement")
                       for rater in json.loads(request["agreement_raters"])]

    def training_signal(self, round: Round) -> dict:
        return select_and_purge(round.store, round.iteration, round.loop.selection, round.similarity)

    def next_version(self, round: Round) -> dict:
        return finetune_next_version(round.store, round.iteration, round.versions, round.finetune,
                                     round.loop.requests.strength, base_images=round.base_images)
