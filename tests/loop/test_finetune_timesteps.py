"""finetune.generation_timesteps: the fine-tune trains only the timesteps the loop's generation visits."""
from __future__ import annotations

import pytest
from hydra.utils import instantiate

from hcbench.loop import finetune
from tests.loop.test_config import _run_config


class _Versions:
    def __init__(self, generator, root):
        self.model, self.root, self.registered = generator, root, []

    def generator(self, version):
        return self.model

    def folder(self, version):
        return self.root / f"v{version}"

    def register(self, version, *args):
        self.registered.append(version)


class _Store:
    def scalar(self, sql, params=()):
        return 0


@pytest.mark.parametrize("generation_timesteps", [True, False])
def test_generation_timesteps_caps_training_at_the_generations_noisiest_step(
        tiny_generator, tmp_path, monkeypatch, generation_timesteps):
    cfg = instantiate(_run_config("finetune=dpo", f"finetune.generation_timesteps={generation_timesteps}").finetune)
    seen = []
    monkeypatch.setattr(finetune, "_train_dpo",
                        lambda store, it, gen, trainer, out, new, pairs: seen.append(trainer) or {})
    versions = _Versions(tiny_generator, tmp_path)
    finetune.finetune_next_version(_Store(), 0, versions, cfg, strength=0.5)
    expected = tiny_generator.highest_timestep(0.5) + 1 if generation_timesteps else None
    assert seen[0].max_timestep == expected and versions.registered == [1]
    assert cfg.max_timestep is None  # the shared config is left as it was


def test_generation_timesteps_and_a_max_timestep_clash():
    with pytest.raises(Exception, match="finetune.generation_timesteps"):  # Hydra wraps the ConfigError
        instantiate(_run_config("finetune.max_timestep=300").finetune)
