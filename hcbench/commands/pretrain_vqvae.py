"""hcbench pretrain model=vqvae: train the similarity VQ-VAE, measure it, write its model card.

Reached through ``hcbench pretrain`` when the model config says ``kind: vqvae``; shares
its config (corpus, trainer, seed, out_dir, install_preset) with the base-model job.
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import torch
from hydra.utils import instantiate
from omegaconf import DictConfig

from hcbench.commands.pretrain import _describe_corpus, _describe_mel, show_card_and_install
from hcbench.corpus import build_corpus
from hcbench.models.vqvae import VQVAE, save_vqvae
from hcbench.models.vqvae.evaluation import similarity_evidence
from hcbench.models.vqvae.metric import encode_labels, label_vocabulary
from hcbench.models.vqvae.model_card import write_vqvae_card
from hcbench.models.vqvae.train import train_vqvae
from hcbench.seeding import seed_everything


def run_pretrain_vqvae(cfg: DictConfig) -> Path:
    """Train on the corpus's training clips and style labels, save, evaluate on held-out clips; returns model/."""
    seed_everything(cfg.seed)
    out_dir = Path(cfg.out_dir)
    mel, arch = instantiate(cfg.model.mel), instantiate(cfg.model.vqvae, _convert_="all")
    metric, trainer = instantiate(cfg.model.metric, _convert_="all"), instantiate(cfg.trainer)
    corpus = build_corpus(instantiate(cfg.corpus))  # every config above is checked before this build's minutes
    train, heldout = corpus.spectrograms(mel, split="train"), corpus.spectrograms(mel, split="heldout")
    metric = replace(metric, vocabulary=label_vocabulary(train[1], metric.labels))
    model, untrained = _initial_model(arch, cfg.seed), _initial_model(arch, cfg.seed)
    summary = train_vqvae(model, train[0], encode_labels(train[1], metric.vocabulary), metric, trainer, out_dir)
    model_dir = save_vqvae(model, mel, metric, out_dir / "model")
    evidence = similarity_evidence(model, train, heldout, metric.labels, untrained=untrained.eval())
    facts = {**summary, "evidence": evidence,
             "name": cfg.model.name, "corpus": _describe_corpus(corpus), "mel": _describe_mel(mel), "seed": cfg.seed,
             "parameters": sum(p.numel() for p in model.parameters()), "batch_size": trainer.batch_size,
             "vqvae": arch, "metric": metric, "command": "hcbench pretrain " + " ".join(sys.argv[1:])}
    shutil.copy(out_dir / "loss_curve.png", model_dir / "loss_curve.png")
    show_card_and_install(write_vqvae_card(model_dir / "MODEL_CARD.md", facts), cfg)
    return model_dir


def _initial_model(arch, seed: int) -> VQVAE:
    """The seeded initialisation: trained from, and kept untrained as the card's reference row."""
    torch.manual_seed(seed)
    return VQVAE(arch)
