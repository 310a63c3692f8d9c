"""The shipped clap_corpus: small, loaded by name through the ordinary CLAP embedder, and its card's figures
recomputed from the weights on the default corpus."""
import re

import numpy as np
import pytest

from hcbench.models.model_dir import PRESETS_DIR
from simulators.embedders.clap import ClapEmbedder

PRESET = PRESETS_DIR / "clap_corpus"


def _card() -> str:
    return (PRESET / "MODEL_CARD.md").read_text()


def _card_numbers(label: str) -> list[float]:
    row = next(line for line in _card().splitlines() if line.startswith(f"| {label}"))
    return [float(x) for x in re.findall(r"[0-9]+\.[0-9]+", row.split("|", 2)[2])]  # cells after the label


def test_preset_is_a_few_mb_in_clap_layout_and_loads_by_name():
    size = sum(p.stat().st_size for p in PRESET.rglob("*") if p.is_file())
    assert size < 5 * 2**20, f"{size / 2**20:.1f} MB"
    for name in ("config.json", "model.safetensors", "preprocessor_config.json", "tokenizer.json", "MODEL_CARD.md"):
        assert (PRESET / name).is_file(), name
    embedder = ClapEmbedder("clap_corpus")
    assert (embedder.dim, embedder.sample_rate) == (32, 11025)
    np.testing.assert_allclose(np.linalg.norm(embedder.embed_text(["slow music played on organ"]), axis=1), 1.0,
                               rtol=1e-6)


def test_card_states_training_and_figures_above_chance():
    for fact in ("| command | `hcbench pretrain model=clap", "| training wall time |", "| steps x batch |",
                 "loss_curve.png"):
        assert fact in _card(), fact
    text_to_audio, chance = _card_numbers("text -> audio")
    audio_to_text, _ = _card_numbers("audio -> text")
    assert text_to_audio > chance and audio_to_text > chance
    (zero_shot,) = _card_numbers("**zero-shot from prompts")
    uniform, majority = _card_numbers("chance: uniform")
    assert zero_shot > majority > uniform


@pytest.fixture(scope="module")
def evidence():
    """The card's evidence recomputed: every corpus clip heard through the channel (minutes), then measured."""
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from hcbench.corpus import build_corpus
    from hcbench.paths import conf_dir
    from simulators.clap_training.clips import heard_clips, training_clips
    from simulators.clap_training.evaluation import clap_evidence

    embedder = ClapEmbedder("clap_corpus")
    model = OmegaConf.load(conf_dir() / "model" / "clap.yaml")
    mel = instantiate(model.mel)
    corpus = build_corpus(instantiate(OmegaConf.load(conf_dir() / "corpus" / "default.yaml")))
    splits = {}
    for split, stride in (("train", model.train_clip_stride), ("heldout", 1)):
        images, labels = training_clips(corpus, mel, split, stride)
        splits[split] = (heard_clips(images, mel, embedder.feature_extractor, workers=corpus.workers), labels)
    return clap_evidence(PRESET, splits["train"], splits["heldout"])


@pytest.mark.slow
def test_card_figures_are_recomputed_from_the_shipped_weights(evidence):
    retrieval, families = evidence["retrieval"], evidence["families"]
    assert [retrieval["text_to_audio"], retrieval["chance"]] == pytest.approx(_card_numbers("text -> audio"), abs=6e-4)
    assert retrieval["audio_to_text"] == pytest.approx(_card_numbers("audio -> text")[0], abs=6e-4)
    assert families["zero_shot"] == pytest.approx(_card_numbers("**zero-shot from prompts")[0], abs=6e-4)
    assert families["probe_descriptor"] == pytest.approx(_card_numbers("linear probe on the descriptor")[0], abs=6e-4)
    assert families["probe_clap"] == pytest.approx(_card_numbers("linear probe on this model")[0], abs=6e-4)
    assert retrieval["text_to_audio"] > retrieval["chance"] and families["zero_shot"] > families["chance_majority"]
