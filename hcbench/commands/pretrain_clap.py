"""hcbench pretrain model=clap: train the small corpus CLAP, measure it, write its model card.

Reached through ``hcbench pretrain`` when the model config says ``kind: clap``; shares its
config (corpus, trainer, seed, out_dir, install_preset) with the base-model job. The
rater embedding's code lives in simulators/ (the rater side); this is only its command.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig

from hcbench.commands.pretrain import _describe_corpus, _describe_mel, show_card_and_install
from hcbench.corpus import build_corpus
from hcbench.seeding import seed_everything


def run_pretrain_clap(cfg: DictConfig) -> Path:
    """Train on the corpus's training clips, save in ClapModel's layout, evaluate on held-out pieces; returns model/."""
    from transformers import ClapModel

    from simulators.clap_training.architecture import clap_config
    from simulators.clap_training.evaluation import clap_evidence
    from simulators.clap_training.io import save_clap, training_tokenizer
    from simulators.clap_training.model_card import write_clap_card
    from simulators.clap_training.train import train_clap

    seed_everything(cfg.seed)
    out_dir = Path(cfg.out_dir)
    arch, trainer = instantiate(cfg.model.arch, _convert_="all"), instantiate(cfg.trainer)
    corpus = build_corpus(instantiate(cfg.corpus))  # every config above is checked before this build's minutes
    extractor, splits = _heard_splits(cfg, arch, corpus, out_dir)
    tokenizer = training_tokenizer(splits["train"][1], arch.vocab_size, arch.max_tokens, cfg.seed,
                                   out_dir / "tokenizer")
    torch.manual_seed(cfg.seed)
    model = ClapModel(clap_config(arch, len(tokenizer)))
    summary = train_clap(model, splits["train"][0]["features"], splits["train"][1], tokenizer, trainer, out_dir)
    model_dir = save_clap(model, extractor, tokenizer, out_dir / "model")
    facts = {**summary, "evidence": clap_evidence(model_dir, splits["train"], splits["heldout"]),
             "name": cfg.model.name, "corpus": _describe_corpus(corpus), "mel": _describe_mel(cfg.model.mel),
             "seed": cfg.seed, "parameters": sum(p.numel() for p in model.parameters()),
             "batch_size": trainer.batch_size, "arch": arch, "vocab": len(tokenizer),
             "clip_stride": cfg.model.train_clip_stride, "command": "hcbench pretrain " + " ".join(sys.argv[1:])}
    shutil.copy(out_dir / "loss_curve.png", model_dir / "loss_curve.png")
    show_card_and_install(write_clap_card(model_dir / "MODEL_CARD.md", facts), cfg)
    return model_dir


def _heard_splits(cfg: DictConfig, arch, corpus, out_dir: Path) -> tuple[object, dict]:
    """The feature extractor, and per split (heard clips, labels): every clip of the held-out pieces."""
    from simulators.clap_training.architecture import feature_extractor
    from simulators.clap_training.clips import heard_clips, training_clips

    mel = instantiate(cfg.model.mel)
    extractor = feature_extractor(arch, mel)
    splits = {}
    for split, stride in (("train", cfg.model.train_clip_stride), ("heldout", 1)):
        images, labels = training_clips(corpus, mel, split, stride)
        splits[split] = (heard_clips(images, mel, extractor, out_dir / "heard", corpus.workers), labels)
    return extractor, splits
