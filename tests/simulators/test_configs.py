"""Every rater population, profile and embedder config composes and instantiates."""
import dataclasses

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf

from hcbench.paths import conf_dir
from simulators import PopulationConfig, Profile, build_population, ground_truth
from simulators.embedders.descriptor import DescriptorEmbedder
from tests.simulators.conftest import DIM

POPULATIONS = sorted(p.stem for p in (conf_dir() / "raters").glob("*.yaml"))
PROFILES = sorted(p.stem for p in (conf_dir() / "raters" / "profile").glob("*.yaml"))


def _compose(overrides=()):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(config_name="rate", overrides=list(overrides))


def test_the_promised_options_exist():
    assert {"default", "paper_pilot", "honest", "adversarial_mix", "all_profiles", "prompts"} <= set(POPULATIONS)
    assert set(PROFILES) == {"honest", "noisy", "lazy", "adversarial_max", "adversarial_inverse", "colluder",
                             "lenient", "harsh", "drifting"}


class _TextTower:
    """Stands in for CLAP's text tower on the synthetic space: one fixed direction per prompt."""

    def embed_text(self, prompts):
        return np.stack([np.random.default_rng(len(p)).standard_normal(DIM) for p in prompts])


@pytest.mark.parametrize("name", POPULATIONS)
def test_population_configs_build_populations(name, space):
    cfg = instantiate(_compose([f"raters={name}"]).raters)
    assert isinstance(cfg, PopulationConfig) and cfg.name == name
    assert all(isinstance(p, Profile) and p.name == key for key, p in cfg.profiles.items())
    if cfg.taste.source == "prompts":
        space = dataclasses.replace(space, embedder=_TextTower())
    labels = ground_truth(build_population(cfg, space, 100, seed=0)).profile_labels
    assert set(labels) == set(cfg.mix)


@pytest.mark.parametrize("name", PROFILES)
def test_profile_files_instantiate(name):
    profile = instantiate(OmegaConf.load(conf_dir() / "raters" / "profile" / f"{name}.yaml"))
    assert isinstance(profile, Profile) and profile.name == name


def test_default_is_mostly_honest_with_some_lazy_and_adversarial():
    mix = instantiate(_compose().raters).mix
    assert mix["honest"] >= 0.7 and mix["lazy"] > 0 and mix["adversarial_max"] > 0 and mix["adversarial_inverse"] > 0


def test_embedder_configs():
    assert isinstance(instantiate(_compose().embedder), DescriptorEmbedder)
    clap = _compose(["embedder=clap"]).embedder
    assert OmegaConf.is_missing(clap, "path")  # a user must point at a downloaded checkpoint
    with pytest.raises(Exception, match="no CLAP checkpoint folder at /nowhere"):
        instantiate(_compose(["embedder=clap", "embedder.path=/nowhere"]).embedder)
    shipped = instantiate(_compose(["embedder=clap_corpus"]).embedder)  # the preset: no path to give
    assert shipped.dim == 32 and shipped.tokenizer is not None and shipped.config.path.endswith("clap_corpus")
