"""``method=corpus_clips``: a control that trains as the paper's loop does, on corpus clips instead of D.

Source: the eq2-corpus control of this project's fine-tune recipes (issue 13, "One implementation"):
it asks whether eq. 2's steps harm the model by themselves, or only when they learn the model's own
outputs. Raters are asked, and selection fills D, exactly as in ``method=paper``, so the ratings spent
are the same; then v(n+1) is v(n) fine-tuned with eq. 2 (``finetune=weighted``) on as many of the base
model's training clips as ``method=paper`` would learn images (D's songs, plus
``finetune.pretraining_mix`` times as many), each at full weight, drawn by the round's seed.
"""
from __future__ import annotations

import numpy as np

from hcbench.errors import ConfigError
from hcbench.loop.config import FinetuneConfig
from hcbench.loop.finetune import finetune_next_version, pretraining_clips
from hcbench.loop.method import Round
from hcbench.loop.paper import PaperLoop
from hcbench.store import RunStore, queries


class CorpusClips(PaperLoop):
    """The paper's asks, selection and eq. 2; what eq. 2 learns is corpus clips, as many as D would give."""

    def next_version(self, round: Round) -> dict:
        if round.finetune.objective != "weighted":
            raise ConfigError(f"method=corpus_clips trains eq. 2 (finetune=weighted); got finetune.objective="
                              f"{round.finetune.objective}: corpus clips make no preference pairs for DPO")
        return finetune_next_version(round.store, round.iteration, round.versions, round.finetune,
                                     round.loop.requests.strength, base_images=round.base_images,
                                     data=corpus_in_place_of_d)


def corpus_in_place_of_d(store: RunStore, cfg: FinetuneConfig,
                         base_images: np.ndarray | None) -> tuple[np.ndarray, list[float], str]:
    """Base-model training clips at full weight, as many as D's songs plus ``cfg.pretraining_mix`` times D."""
    songs = queries.training_set_size(store)
    count = songs + round(cfg.pretraining_mix * songs)
    clips = pretraining_clips(base_images, count, cfg.seed) if count else np.zeros((0,), np.uint8)
    return clips, [1.0] * len(clips), f"{len(clips)} base clips in place of D's {songs} songs"
