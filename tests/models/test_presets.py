"""The shipped base models: present, small enough, loadable, and better than untrained."""
import re

import numpy as np
import pytest
import torch

from hcbench.models.model_dir import PRESETS_DIR, load_generator

PRESETS = ("tiny", "small", "medium")


def _card_distances(name: str) -> dict[str, float]:
    card = (PRESETS_DIR / name / "MODEL_CARD.md").read_text()
    rows = dict(re.findall(r"\| \**([a-z][^|]*?)\** \| \**([0-9.]+)\** \|", card))
    return {key.split(" (")[0].strip(): float(value) for key, value in rows.items() if "corpus" in key or "model" in key or "untrained" in key}


def test_shipped_weights_total_at_most_30_mb():
    """Every preset ships inside the package; `medium` keeps its weights in float16 to stay within this."""
    total = sum(p.stat().st_size for p in PRESETS_DIR.rglob("*") if p.is_file())
    assert total <= 30 * 2**20, f"{total / 2**20:.1f} MB shipped"


def test_float16_stored_weights_load_as_float32():
    generator = load_generator("medium", steps=4)
    assert {p.dtype for p in generator.unet.parameters()} == {torch.float32}


@pytest.mark.parametrize("name", PRESETS)
def test_preset_loads_by_name_and_samples_deterministically(name):
    generator = load_generator(name, steps=4)
    a, b = generator.sample(2, seed=0), generator.sample(2, seed=0)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (2, generator.mel.y_res, generator.mel.x_res)


@pytest.mark.parametrize("name", PRESETS)
def test_model_card_shows_the_model_learned(name):
    distances = _card_distances(name)
    assert set(distances) == {"corpus training clips", "this model", "same architecture, untrained"}, distances
    assert distances["this model"] < 0.5 * distances["same architecture, untrained"]
    for figure in ("samples_grid.png", "loss_curve.png"):
        assert (PRESETS_DIR / name / figure).stat().st_size > 1000


@pytest.mark.slow
def test_tiny_preset_beats_untrained_on_the_tiny_corpus(tmp_path, tiny_model_cfg):
    """Recomputed here, not read from the card: trained samples sit nearer real clips."""
    from hcbench.corpus import build_corpus
    from hcbench.models.evaluation import frechet_evidence
    from hcbench.models.factory import untrained_generator

    corpus = build_corpus({"name": "tiny", "source": "scores", "collections": {"bach": 4, "essenFolksong": 3},
                           "max_seconds": 12.0, "cache_dir": str(tmp_path)}, progress=False)
    trained = load_generator("tiny", steps=20)
    images, _ = corpus.spectrograms(trained.mel, split="all")
    untrained = untrained_generator(tiny_model_cfg, seed=0)
    untrained.steps = 20
    distances, _ = frechet_evidence(trained, untrained, images, images, n=48, seed=0)
    assert distances["trained"] < 0.5 * distances["untrained"], distances
