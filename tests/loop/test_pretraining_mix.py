"""finetune.pretraining_mix: eq. 2 learns D plus some of the base model's training clips at full weight."""
from __future__ import annotations

import numpy as np
import pytest
from hydra.utils import instantiate

from hcbench.errors import ConfigError
from hcbench.loop import finetune
from hcbench.loop.config import FinetuneConfig
from tests.loop.test_config import _run_config


class _Store:
    def __init__(self, images):
        self.images = images

    def rows(self, sql, params=()):  # the training set D: songs 0..n-1 with confidences 0.2, 0.4, ...
        return [{"song_id": i, "confidence": 0.2 * (i + 1), "score": 0.0} for i in range(len(self.images))]

    def song_images(self, ids):
        return self.images[list(ids)]


def _trained_on(monkeypatch, tmp_path, mix: float, base: np.ndarray | None):
    seen = {}

    def fake_pretrain(generator, images, cfg, out, weights=None, description=""):
        seen.update(images=images, weights=list(weights), description=description)
        return {}

    monkeypatch.setattr(finetune, "pretrain", fake_pretrain)
    d = np.full((3, 4, 4), 7, np.uint8)
    cfg = FinetuneConfig(objective="weighted", pretraining_mix=mix, generation_timesteps=False)
    finetune._train_weighted(_Store(d), 0, None, cfg, tmp_path, 1, base_images=base)
    return seen


def test_the_mix_adds_base_clips_at_full_weight_after_d(monkeypatch, tmp_path):
    base = np.arange(10 * 16, dtype=np.uint8).reshape(10, 4, 4)
    seen = _trained_on(monkeypatch, tmp_path, 2.0, base)
    assert len(seen["images"]) == 3 + 6 and seen["weights"] == pytest.approx([0.2, 0.4, 0.6] + [1.0] * 6)
    clips = seen["images"][3:]
    assert len({c.tobytes() for c in clips}) == 6 and all(any((c == b).all() for b in base) for c in clips)
    assert "+ 6 base clips" in seen["description"]
    again = _trained_on(monkeypatch, tmp_path, 2.0, base)
    assert np.array_equal(again["images"], seen["images"])  # the same clips for the same seed


def test_without_a_mix_d_alone_is_learnt_and_no_base_clips_are_needed(monkeypatch, tmp_path):
    seen = _trained_on(monkeypatch, tmp_path, 0.0, None)
    assert len(seen["images"]) == 3 and seen["weights"] == pytest.approx([0.2, 0.4, 0.6])


def test_a_mix_without_base_clips_or_with_dpo_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="pretraining_mix"):
        _trained_on(monkeypatch, tmp_path, 1.0, None)
    with pytest.raises(ConfigError, match="pretraining_mix"):
        FinetuneConfig(objective="dpo", pretraining_mix=1.0)
    with pytest.raises(ConfigError, match="pretraining_mix"):
        FinetuneConfig(objective="weighted", pretraining_mix=-0.5)


@pytest.mark.parametrize("option, changed", [
    ("base", {}), ("lr_low", {"lr": 3e-5}), ("lr_high", {"lr": 3e-4}), ("visited_timesteps", {"visited": True}),
    ("ema", {"ema": 0.99}), ("pretraining_mix", {"mix": 1.0})])
def test_each_sensitivity_option_changes_one_setting_of_the_pilots_eq2(option, changed):
    cfg = _run_config("experiment=pilot_sensitivity", f"sensitivity={option}")
    trainer = instantiate(cfg.finetune)
    got = {"lr": trainer.optimizer.keywords["lr"], "visited": trainer.generation_timesteps,
           "ema": trainer.ema_decay, "mix": trainer.pretraining_mix}
    assert got == {"lr": 1e-4, "visited": False, "ema": 0.0, "mix": 0.0} | changed
    assert trainer.objective == "weighted" and cfg.method._target_ == "hcbench.loop.paper.PaperLoop"
    pilot = _run_config("experiment=paper_pilot")
    assert cfg.loop.requests.per_iteration[0] == pilot.loop.requests.per_iteration[0] == 50  # the pilot's round 0
    assert cfg.loop.requests.active_raters[0] == 5 and cfg.loop.requests.inputs_per_request == 1
    assert cfg.raters.name == "paper_pilot" and cfg.loop.selection.top_k == 100 and cfg.loop.versions == 2
    assert cfg.loop.dispatch.evaluation == "paired"
