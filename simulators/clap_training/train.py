"""Contrastive training of the small CLAP on corpus clips and captions of their labels.

Each step draws a batch of clips, words a fresh caption for each (seeded by the step, so a
resumed run draws what an uninterrupted one would), and pulls every caption towards the
clips it truly describes: a caption naming only "organ" has every organ clip of the batch
as a positive, so the targets are spread over all true pairs (multi-positive InfoNCE, both
directions), not only the diagonal. Audio is lightly augmented (gain, circular time shift).
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from hcbench.models.pretrain import TrainerConfig
from hcbench.models.train_loop import TrainState, init_state, run_steps, write_history
from simulators.clap_training.captions import clip_facts, describes, random_caption

PANELS = (("loss", "contrastive loss"), ("batch_accuracy", "caption -> clip top-1 in batch"),
          ("logit_scale", "logit scale"))
GAIN_DB = 6.0  # +- level change: generated songs are not mixed like the corpus
MAX_LOGIT_SCALE = 100.0  # CLIP's clamp


def train_clap(model, features: np.ndarray, labels: list[dict], tokenizer, cfg: TrainerConfig, out_dir: Path) -> dict:
    """Train a transformers ClapModel in place on (n, 1, frames, bins) features; resumes from ``out_dir``."""
    data = torch.from_numpy(np.asarray(features, np.float32))
    step = partial(_train_step, data=data, labels=labels, facts=[clip_facts(x) for x in labels],
                   tokenizer=tokenizer, cfg=cfg)
    state = init_state(model, cfg)
    summary = run_steps(state, step, cfg, Path(out_dir), "pretrain clap", log_keys=("loss", "batch_accuracy"))
    write_history(state.history, Path(out_dir), PANELS)
    return summary


def _train_step(state: TrainState, data: torch.Tensor, labels: list[dict], facts: list[dict], tokenizer,
                cfg: TrainerConfig) -> dict[str, float]:
    index = torch.randint(0, data.shape[0], (cfg.batch_size,), generator=state.rng)
    captions = [random_caption(labels[i], np.random.default_rng([cfg.seed, state.step, k]))
                for k, i in enumerate(index.tolist())]
    tokens = tokenizer([c.text for c in captions], padding=True, truncation=True, return_tensors="pt")
    positives = torch.from_numpy(describes([c.facts for c in captions], [facts[i] for i in index.tolist()]))
    model = state.model
    audio = model.get_audio_features(input_features=augment(data[index], state.rng)).pooler_output
    text = model.get_text_features(input_ids=tokens["input_ids"], attention_mask=tokens["attention_mask"]).pooler_output
    scale = model.logit_scale_t.exp().clamp(max=MAX_LOGIT_SCALE)
    logits = scale * text @ audio.T
    loss = 0.5 * (multi_positive_nce(logits, positives) + multi_positive_nce(logits.T, positives.T))
    state.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
    state.optimizer.step()
    state.lr_schedule.step()
    hit = positives[torch.arange(len(index)), logits.argmax(dim=1)].float().mean()
    return {"loss": loss.item(), "batch_accuracy": hit.item(), "logit_scale": scale.item()}


def multi_positive_nce(logits: torch.Tensor, positives: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of each row's softmax against the uniform distribution over its positives.

    >>> logits = torch.tensor([[5.0, 5.0, -5.0]])
    >>> round(multi_positive_nce(logits, torch.tensor([[True, True, False]])).item(), 3)
    0.693
    """
    target = positives.float() / positives.float().sum(dim=1, keepdim=True).clamp(min=1.0)
    return -(target * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


def augment(features: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
    """A random level change (dB) and circular time shift per clip."""
    n, frames = features.shape[0], features.shape[2]
    gain = (torch.rand(n, 1, 1, 1, generator=rng) * 2 - 1) * GAIN_DB
    shifts = torch.randint(0, frames, (n,), generator=rng).tolist()
    shifted = torch.stack([torch.roll(x, s, dims=1) for x, s in zip(features, shifts)])
    return shifted + gain
