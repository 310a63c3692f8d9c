"""The shipped similarity VQ-VAE: small, loadable, and its card's evidence recomputed from the weights."""
import re

import numpy as np
import pytest

from hcbench.models.model_dir import PRESETS_DIR
from hcbench.models.vqvae import load_vqvae

PRESET = PRESETS_DIR / "vqvae"


def _card() -> str:
    return (PRESET / "MODEL_CARD.md").read_text()


def _card_row(label: str) -> list[float]:
    row = next(line for line in _card().splitlines() if line.startswith(f"| {label}"))
    return [float(x) for x in re.findall(r"\| \**([0-9.]+)\**", row)]


def test_preset_is_under_5_mb_and_loads_by_name():
    size = sum(p.stat().st_size for p in PRESET.rglob("*") if p.is_file())
    assert size < 5 * 2**20, f"{size / 2**20:.1f} MB"
    loaded = load_vqvae("vqvae")
    assert (loaded.mel.x_res, loaded.mel.y_res, loaded.mel.sample_rate) == (64, 64, 11025)
    assert set(loaded.metric.vocabulary) == {"collection", "family"}


def test_card_states_training_retrieval_and_codebook_figures():
    card = _card()
    for fact in ("| command | `hcbench pretrain model=vqvae", "| training wall time |", "| steps x batch |",
                 "codebook perplexity", "| codes used |", "loss_curve.png"):
        assert fact in card, fact
    usage, descriptor, chance = (_card_row(x) for x in ("**eq. 3 codebook usage", "descriptor baseline", "chance"))
    assert len(usage) == len(descriptor) == len(chance) == 4  # collection and family, two galleries each
    assert all(u > c for u, c in zip(usage, chance))
    assert (PRESET / "loss_curve.png").stat().st_size > 1000


@pytest.mark.slow
def test_retrieval_and_perplexity_recomputed_on_held_out_clips():
    """From the shipped weights on the default corpus: style retrieval above chance, no codebook collapse,
    and the card's figures reproduced."""
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from hcbench.corpus import build_corpus
    from hcbench.models.vqvae.evaluation import similarity_evidence
    from hcbench.paths import conf_dir

    loaded = load_vqvae("vqvae")
    corpus = build_corpus(instantiate(OmegaConf.load(conf_dir() / "corpus" / "default.yaml")))
    train, heldout = corpus.spectrograms(loaded.mel, "train"), corpus.spectrograms(loaded.mel, "heldout")
    evidence = similarity_evidence(loaded.model, train, heldout)
    usage = evidence["retrieval"]["usage"]
    for gallery in ("train", "heldout"):
        for key in ("collection", "family"):
            assert usage[gallery][key]["precision"] > 1.3 * usage[gallery][key]["chance"], (gallery, key, usage)
    book = evidence["codebook"]
    assert book["codes_used"] >= 0.9 and book["perplexity"] >= book["codebook_size"] / 4, book
    measured = [usage[g][k]["precision"] for k in ("collection", "family") for g in ("train", "heldout")]
    np.testing.assert_allclose(measured, _card_row("**eq. 3 codebook usage"), atol=0.002)
    assert f"{book['perplexity']:.1f} of {book['codebook_size']}" in _card()
