"""The small CLAP's model card: how it was trained, and retrieval and instrument-family evidence."""
from __future__ import annotations

from pathlib import Path

from hcbench.models.vqvae.model_card import run_rows

DESIGN = """\
## Design

* **Towers.** transformers' own `ClapModel` at a tiny size: an HTSAT (Swin) audio tower
  over a 64-frame x 64-band log-mel image of a ~3 s clip, a 2-layer RoBERTa text tower,
  each projected to a shared unit-length embedding. The folder is in `ClapModel`'s layout,
  so `embedder=clap embedder.path=DIR` reads it exactly as it reads a LAION checkpoint,
  and a LAION checkpoint stays a drop-in replacement.
* **What it hears.** Training clips are corpus spectrograms inverted by Griffin-Lim: the
  channel every generated and rated song goes through. The feature extractor runs at that
  channel's rate (11025 Hz), so raters' audio needs no resampling.
* **Captions.** Each step words a fresh caption for each clip from a random subset of its
  labels (style of the collection, composer, instrument or family, tempo band, key, mode),
  with varied nouns, synonyms and word order. The tokenizer is byte-pair merges learned
  offline from such captions with the `tokenizers` library.
* **Loss.** Symmetric InfoNCE in which a caption's positives are every clip of the batch
  it truly describes ("organ music" matches all organ clips), not only its own clip.
* **Words it does not know.** The text tower knows the captions' vocabulary only; a word
  outside it (see `tokenizer.json`) reads as `<unk>`.
"""


def write_clap_card(path: Path, facts: dict) -> Path:
    """Markdown with the training facts and the evidence; ``facts`` come from the pretrain job."""
    arch, evidence = facts["arch"], facts["evidence"]
    lines = [
        f"# hcbench rater embedding `{facts['name']}` (a small CLAP trained on the corpus)", "",
        "Audio and text in one space: CLAP-embedding raters (`embedder=clap_corpus`) and tastes written as text "
        "(`raters.taste.source=prompts`), with nothing downloaded.", "",
        "| fact | value |", "|---|---|",
        f"| data | {facts['corpus']} |",
        f"| training clips / held-out clips | {evidence['n_train']} (every {_nth(facts['clip_stride'])} clip of each "
        f"training piece) / {evidence['n_heldout']} (all clips of the held-out pieces) |",
        f"| audio | {facts['mel']}, inverted by Griffin-Lim; tower input {arch.mel_bins} frames x {arch.mel_bins} "
        f"mel bands (hop {arch.hop_length}) |",
        f"| audio tower | HTSAT, widths {arch.audio_width} x 2^stage, depths {list(arch.audio_depths)}, heads "
        f"{list(arch.audio_heads)}, window {arch.window_size} |",
        f"| text tower | RoBERTa, {arch.text_layers} layers of width {arch.text_width}, {arch.text_heads} heads, "
        f"BPE vocabulary of {facts['vocab']} tokens |",
        f"| embedding | {arch.projection_dim} dimensions, unit length |",
        f"| parameters | {facts['parameters']:,} |",
        f"| steps x batch | {facts['steps']} x {facts['batch_size']} |",
        f"| seed | {facts['seed']} |",
        f"| final loss (mean of last 100 steps) | {facts['final_loss']:.3f}; caption -> clip top-1 in batch "
        f"{facts['final_batch_accuracy']:.3f} |",
        *run_rows(facts), "",
        *_retrieval_section(evidence), *_family_section(evidence), DESIGN,
        "![training curves](loss_curve.png)", "",
    ]
    Path(path).write_text("\n".join(lines))
    return Path(path)


def _nth(stride: int) -> str:
    return {1: "", 2: "2nd", 3: "3rd"}.get(stride, f"{stride}th")


def _retrieval_section(evidence: dict) -> list[str]:
    r, k = evidence["retrieval"], evidence["k"]
    return [f"## Evidence: text <-> audio retrieval on {r['pieces']} held-out pieces", "",
            "One query caption per piece with all its facts (e.g. \"fast chorale by bach played on church organ in "
            "d minor\"); a piece's audio is the mean of its clips' embeddings.", "",
            f"| direction | recall@{k} | chance |", "|---|---|---|",
            f"| text -> audio | {r['text_to_audio']:.3f} | {r['chance']:.3f} |",
            f"| audio -> text | {r['audio_to_text']:.3f} | {r['chance']:.3f} |", ""]


def _family_section(evidence: dict) -> list[str]:
    f = evidence["families"]
    return [f"## Evidence: instrument family of the {evidence['n_heldout']} held-out clips (9 families)", "",
            "Zero-shot: the family whose prompt (\"music played on organ\", ...) is nearest to the clip. Linear "
            "probes: scikit-learn `LogisticRegression` on standardised features, fitted on the training clips' "
            "family labels.", "",
            "| method | accuracy |", "|---|---|",
            f"| **zero-shot from prompts (this model, no labels fitted)** | {f['zero_shot']:.3f} |",
            f"| linear probe on the descriptor embedder (31 numbers) | {f['probe_descriptor']:.3f} |",
            f"| linear probe on this model's audio embedding | {f['probe_clap']:.3f} |",
            f"| chance: uniform / most frequent family | {f['chance_uniform']:.3f} / {f['chance_majority']:.3f} |", ""]
