"""Tastes written as text, through the shipped clap_corpus: raters given a prompt prefer held-out clips that match it."""
import numpy as np
import pytest

from simulators import SpaceConfig, build_population, fit_space, ground_truth
from simulators.embedders.clap import ClapEmbedder
from tests.simulators.conftest import population_config

# "a chorale sung by a choir" failed here: the style word (bach's chorales, any instrument) outweighed the choir
PROMPTS = {"organ": "slow music played on church organ", "pipes": "lively irish dance tune on flutes"}


@pytest.mark.slow
def test_raters_prefer_held_out_clips_that_match_their_prompt():
    from dataclasses import replace

    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from hcbench.corpus import build_corpus
    from hcbench.paths import conf_dir

    mel = instantiate(OmegaConf.load(conf_dir() / "model" / "small.yaml").mel)
    corpus = build_corpus(instantiate(OmegaConf.load(conf_dir() / "corpus" / "default.yaml")))
    space = fit_space(ClapEmbedder("clap_corpus"), corpus, mel, SpaceConfig(reference_clips=300, split="train"),
                      progress=False)
    images, labels = corpus.spectrograms(mel, "heldout")  # pieces the model never trained on
    songs = space.songs_from_spectrograms(images)
    families = np.array([x["family"] for x in labels])
    for family, prompt in PROMPTS.items():
        cfg = population_config({"honest": 1.0})
        cfg.taste = replace(cfg.taste, source="prompts", prompts=[prompt])
        population = build_population(cfg, space, 40, seed=0)
        utility = ground_truth(population).utility(songs).mean(axis=0)
        stars = population.rate(songs).stars.mean(axis=0)
        match = families == family
        assert utility[match].mean() > utility[~match].mean() + 0.05, (family, utility[match].mean())
        assert stars[match].mean() > stars[~match].mean(), family
