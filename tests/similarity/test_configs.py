"""conf/similarity/: each option instantiates, taking the generator's geometry from the config it sits in."""
import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf

from hcbench.audio import MelConfig
from hcbench.paths import conf_dir
from hcbench.similarity.codebook import CodebookSimilarity
from hcbench.similarity.descriptor import DescriptorSimilarity

OPTIONS = sorted(p.stem for p in (conf_dir() / "similarity").glob("*.yaml"))


def _beside(model: str, similarity: str):
    """A config like the loop's: a model group next to the similarity group."""
    return OmegaConf.create({"model": OmegaConf.load(conf_dir() / "model" / f"{model}.yaml"),
                             "similarity": OmegaConf.load(conf_dir() / "similarity" / f"{similarity}.yaml")})


def test_both_options_exist():
    assert OPTIONS == ["descriptor", "vqvae"]


@pytest.mark.parametrize("model", ["small", "tiny"])
def test_codebook_similarity_takes_the_generator_geometry(model):
    sim = instantiate(_beside(model, "vqvae").similarity)
    assert isinstance(sim, CodebookSimilarity) and isinstance(sim.mel, MelConfig)
    side = sim.mel.x_res
    assert side == (64 if model == "small" else 32)
    rows = sim.represent(np.zeros((2, side, side), np.uint8))
    assert rows.shape == (2, sim.dim)


def test_descriptor_similarity_without_a_corpus_config():
    sim = instantiate(_beside("tiny", "descriptor").similarity)
    assert isinstance(sim, DescriptorSimilarity) and sim.mel.x_res == 32 and sim.mean is None


@pytest.mark.parametrize("option", OPTIONS)
def test_the_similarity_command_composes_each_option(option):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose(config_name="similarity", overrides=[f"similarity={option}", "similarity.corpus=null"]
                      if option == "descriptor" else [f"similarity={option}"])
    assert cfg.similarity._target_.endswith(("CodebookSimilarity", "DescriptorSimilarity"))
    assert cfg.similarity.mel is None  # no generator here: the similarity's own geometry
