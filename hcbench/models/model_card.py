"""A model card: what a base model was trained on, how, and the evidence that it learned."""
from __future__ import annotations

import platform
from pathlib import Path

import torch


def write_model_card(path: Path, facts: dict) -> Path:
    """Markdown with the training facts and the Frechet table; ``facts`` come from the pretrain job."""
    fd = facts["frechet"]
    lines = [
        f"# hcbench base model `{facts['name']}`",
        "",
        "A pixel-space DDIM UNet over mel spectrogram images, pretrained by `hcbench pretrain`.",
        "",
        "| fact | value |",
        "|---|---|",
        f"| data | {facts['corpus']} |",
        f"| training clips / held-out clips | {facts['n_train']} / {facts['n_heldout']} |",
        f"| spectrogram | {facts['mel']} |",
        f"| parameters | {facts['parameters']:,} |",
        f"| steps x batch | {facts['steps']} x {facts['batch_size']} |",
        f"| seed | {facts['seed']} |",
        f"| final loss (mean of last 100 steps) | {facts['final_loss']:.4f} |",
        f"| training wall time | {facts['train_seconds'] / 60:.1f} min |",
        f"| machine | {platform.machine()}, {torch.get_num_threads()} torch threads, {facts['device']} |",
        f"| command | `{facts['command']}` |",
        "",
        "## Evidence that it learned",
        "",
        f"Frechet distance to {facts['n_heldout']} held-out corpus clips, on the fixed descriptor embedding",
        f"of `hcbench.metrics.descriptors` ({facts['n_eval']} spectrograms each, DDIM {facts['eval_steps']} steps):",
        "",
        "| spectrograms | Frechet distance |",
        "|---|---|",
        f"| corpus training clips (floor at this sample size) | {fd['corpus']:.3f} |",
        f"| **this model** | **{fd['trained']:.3f}** |",
        f"| same architecture, untrained | {fd['untrained']:.3f} |",
        "",
        "![real vs generated](samples_grid.png)",
        "",
        "![loss](loss_curve.png)",
        "",
    ]
    Path(path).write_text("\n".join(lines))
    return Path(path)
