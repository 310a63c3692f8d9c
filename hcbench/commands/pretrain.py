"""hcbench pretrain: train a base model on the corpus, evaluate it, write its model card."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import hydra
from hydra.utils import instantiate
from omegaconf import DictConfig
from rich.console import Console
from rich.markdown import Markdown

from hcbench.corpus import build_corpus
from hcbench.models.evaluation import frechet_evidence
from hcbench.models.factory import untrained_generator
from hcbench.models.model_card import write_model_card
from hcbench.models.model_dir import PRESETS_DIR, save_generator
from hcbench.models.pretrain import pretrain
from hcbench.errors import report_user_errors
from hcbench.paths import conf_dir
from hcbench.report.plots import plot_spectrogram_grid
from hcbench.seeding import seed_everything


def run_pretrain(cfg: DictConfig) -> Path:
    """Train, export in diffusers' layout, evaluate; returns the model directory."""
    if cfg.model.get("kind") == "vqvae":  # the similarity model: its own trainer, evidence and card
        from hcbench.commands.pretrain_vqvae import run_pretrain_vqvae

        return run_pretrain_vqvae(cfg)
    if cfg.model.get("kind") == "clap":  # the raters' small CLAP: its own trainer, evidence and card
        from hcbench.commands.pretrain_clap import run_pretrain_clap

        return run_pretrain_clap(cfg)
    seed_everything(cfg.seed)
    out_dir = Path(cfg.out_dir)
    generator = untrained_generator(cfg.model, cfg.seed, cfg.device)
    trainer = instantiate(cfg.trainer)  # every config is checked before the corpus build's minutes
    corpus = build_corpus(instantiate(cfg.corpus))
    train_images, _ = corpus.spectrograms(generator.mel, split="train")
    heldout_images, _ = corpus.spectrograms(generator.mel, split="heldout")
    summary = pretrain(generator, train_images, trainer, out_dir)
    model_dir = save_generator(generator.eval_mode(), out_dir / "model")
    facts = _evaluate(cfg, generator, train_images, heldout_images, model_dir)
    facts.update(summary, corpus=_describe_corpus(corpus), n_train=len(train_images), n_heldout=len(heldout_images))
    _finish_card(cfg, generator, facts, out_dir, model_dir)
    return model_dir


def _evaluate(cfg, generator, train_images, heldout_images, model_dir: Path) -> dict:
    generator.steps = cfg.eval.steps
    untrained = untrained_generator(cfg.model, cfg.seed, cfg.device)
    untrained.steps = cfg.eval.steps
    distances, images = frechet_evidence(generator, untrained, train_images, heldout_images, cfg.eval.n_samples, cfg.seed)
    plot_spectrogram_grid(
        {"corpus (held-out)": heldout_images[:8], "generated": images["trained"][:8], "untrained": images["untrained"][:8]},
        model_dir / "samples_grid.png",
    )
    generator.steps = cfg.model.steps
    return {"frechet": distances, "n_eval": cfg.eval.n_samples, "eval_steps": cfg.eval.steps}


def _finish_card(cfg, generator, facts: dict, out_dir: Path, model_dir: Path) -> None:
    shutil.copy(out_dir / "loss_curve.png", model_dir / "loss_curve.png")
    facts.update(
        name=cfg.model.name, mel=_describe_mel(cfg.model.mel), seed=cfg.seed, device=cfg.device,
        parameters=sum(p.numel() for p in generator.unet.parameters()), batch_size=cfg.trainer.batch_size,
        command="hcbench pretrain " + " ".join(sys.argv[1:]),
    )
    show_card_and_install(write_model_card(model_dir / "MODEL_CARD.md", facts), cfg)


def show_card_and_install(card: Path, cfg: DictConfig) -> None:
    """Print the model card; with ``install_preset`` copy its folder into the package's presets/<model.name>."""
    Console().print(Markdown(card.read_text()))
    if cfg.install_preset:
        target = PRESETS_DIR / cfg.model.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(card.parent, target)
        Console().print(f"[green]installed preset {cfg.model.name} -> {target}")


def _describe_mel(mel) -> str:
    return (f"{mel.y_res} mel bands x {mel.x_res} frames, {mel.sample_rate} Hz, n_fft {mel.n_fft}, "
            f"hop {mel.hop_length}, top_db {mel.top_db} (~{mel.x_res * mel.hop_length / mel.sample_rate:.2f} s)")


def _describe_corpus(corpus) -> str:
    collections = sorted({piece.get("collection", "?") for piece in corpus.pieces})
    return f"{len(corpus)} pieces from {', '.join(collections[:12])}{' ...' if len(collections) > 12 else ''}"


@hydra.main(config_path=str(conf_dir()), config_name="pretrain", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    run_pretrain(cfg)
