"""The VQ-VAE's model card: how it was trained, and the evidence that its usage carries style."""
from __future__ import annotations

import platform
from pathlib import Path

import torch

DESIGN = """\
## Design

* **Encoder / codebook / decoder.** Stride-2 convolutions take a 64x64 spectrogram to a
  16x16 grid of code-dimension vectors (residual blocks give each position ~1 s and a
  quarter of the mel range of context); each is replaced by its nearest codebook entry
  and decoded back (MSE reconstruction, straight-through gradient, commitment loss).
  Vectors and codes are unit length, so "nearest" is highest cosine.
* **Codes know their register.** A histogram forgets where each code sat, and a plain
  convolution gives a partial in the bass the same code as one in the treble. The encoder
  therefore also sees each row's mel-band position as a second input channel (CoordConv);
  on toy stripes (tests/models/vqvae/test_train.py) it lifted the usage's precision@5 for
  "stripes high or low" from 0.51 (chance 0.50) to 0.98.
* **No collapse.** Codes follow the vectors assigned to them by an exponential moving
  average (no codebook gradients), and a code whose average assignment count falls
  below the threshold is restarted on a random encoder output of the batch.
* **Eq. 3.** A song's representation is the normalised histogram of nearest-code
  assignments over every encoder position of all its clips; a set of songs pools the
  counts of all its songs before normalising. **Eq. 4** is the cosine of two such vectors.
* **Metric learning that reaches eq. 3.** The hard histogram has no gradient, so training
  uses a soft assignment (softmax of the code cosines over a temperature) averaged over
  the positions: a differentiable usage vector. Supervised contrastive (SupCon) losses on
  the style labels act on (a) that soft usage itself, so that eq. 4's cosine of usages
  groups clips of one style, and (b) a small MLP head over its square root (the
  classifier head of the paper), one term per label key. Their gradients reach the
  encoder through the soft assignment, so which codes a clip uses is shaped by style.
  The head's embedding of a usage vector (one song's or a set's) is a second,
  selectable representation (`similarity.representation=head`).
"""


def run_rows(facts: dict) -> list[str]:
    """Card rows every small auxiliary model states: wall time, machine and the command that trained it."""
    return [f"| training wall time | {facts['train_seconds'] / 60:.1f} min ({facts['train_seconds']:.0f} s) |",
            f"| machine | {platform.machine()}, {torch.get_num_threads()} torch thread(s), cpu |",
            f"| command | `{facts['command']}` |"]


def write_vqvae_card(path: Path, facts: dict) -> Path:
    """Markdown with the training facts, retrieval and codebook evidence; ``facts`` come from the pretrain job."""
    arch, metric, evidence = facts["vqvae"], facts["metric"], facts["evidence"]
    lines = [
        f"# hcbench similarity model `{facts['name']}` (VQ-VAE, paper section 4.3)", "",
        "Its codebook usage represents one song or a set of songs (eq. 3); similarity is their cosine (eq. 4).", "",
        "| fact | value |", "|---|---|",
        f"| data | {facts['corpus']} |",
        f"| training clips / held-out clips | {evidence['n_train']} / {evidence['n_heldout']} (split by piece) |",
        f"| spectrogram | {facts['mel']} |",
        f"| architecture | encoder widths {list(arch.channels)}"
        f"{' (+ mel-band position channel)' if arch.frequency_channel else ''}, {arch.res_blocks} residual blocks, "
        f"{arch.downsampling}x downsampling, K = {arch.codebook_size} codes of dimension {arch.code_dim}, "
        f"head {arch.codebook_size} -> {arch.head_hidden} -> {arch.head_dim} |",
        f"| parameters | {facts['parameters']:,} |",
        f"| metric learning | SupCon (temperature {metric.temperature}) on {', '.join(metric.labels)}; weight "
        f"{metric.usage_weight} on the soft usage, {metric.head_weight} on the head; soft-assignment temperature "
        f"{arch.temperature} |",
        f"| steps x batch | {facts['steps']} x {facts['batch_size']} |",
        f"| seed | {facts['seed']} |",
        f"| final losses (mean of last 100 steps) | reconstruction {facts['final_reconstruction']:.4f}, SupCon on "
        f"usage {facts['final_supcon_usage']:.3f}, SupCon on head {facts['final_supcon_head']:.3f} |",
        *run_rows(facts), "",
        *_retrieval_section(evidence), *_codebook_section(evidence), DESIGN,
        "![training curves](loss_curve.png)", "",
    ]
    Path(path).write_text("\n".join(lines))
    return Path(path)


def _retrieval_section(evidence: dict) -> list[str]:
    keys = list(next(iter(evidence["retrieval"].values()))["train"])
    names = {"usage": "**eq. 3 codebook usage (this model)**", "head": "metric head embedding (this model)",
             "untrained": "eq. 3 usage, same architecture untrained",
             "descriptor": "descriptor baseline (70-dim, standardised)"}
    header = " | ".join(f"{key} vs train | {key} vs held-out" for key in keys)
    lines = ["## Evidence: retrieval precision@%d by style label" % evidence["k"], "",
             f"Queries: the {evidence['n_heldout']} held-out clips. Gallery *train*: the {evidence['n_train']} "
             "training clips (other pieces by construction). Gallery *held-out*: the other held-out clips, minus "
             "the query's own piece. Cosine similarity throughout.", "",
             f"| representation | {header} |", "|---|" + "---|" * (2 * len(keys))]
    for name, label in names.items():
        if name not in evidence["retrieval"]:
            continue
        result = evidence["retrieval"][name]
        cells = " | ".join(f"{result[g][k]['precision']:.3f}" for k in keys for g in ("train", "heldout"))
        lines.append(f"| {label} | {cells} |")
    chance = evidence["retrieval"]["usage"]
    cells = " | ".join(f"{chance[g][k]['chance']:.3f}" for k in keys for g in ("train", "heldout"))
    return [*lines, f"| chance | {cells} |", ""]


def _codebook_section(evidence: dict) -> list[str]:
    book, relation = evidence["codebook"], evidence["cosine_by_relation"]
    return [
        "## Evidence: the codebook did not collapse", "",
        f"On the {evidence['n_heldout']} held-out clips:", "",
        "| figure | value |", "|---|---|",
        f"| codebook perplexity (pooled usage) | {book['perplexity']:.1f} of {book['codebook_size']} |",
        f"| codes used | {book['codes_used']:.3f} ({round(book['codes_used'] * book['codebook_size'])} of "
        f"{book['codebook_size']}) |",
        f"| mean perplexity of one clip's usage | {book['clip_perplexity']:.1f} |", "",
        "Mean eq. 4 cosine between held-out clip pairs (a scale for similarity thresholds):", "",
        "| pair | cosine |", "|---|---|",
        *(f"| {name} | {value:.3f} |" for name, value in relation.items()), "",
    ]
