"""Shared fixtures: a synthetic embedding space with three styles, and the tiny corpus heard through a 32x32 channel."""
from __future__ import annotations

import numpy as np
import pytest
from omegaconf import OmegaConf

from hcbench.audio import MelConfig
from hcbench.paths import conf_dir
from simulators import EmbeddingSpace, PopulationConfig, Profile, Songs
from simulators.taste import TasteConfig

DIM = 8
STYLES = ("reel", "chorale", "madrigal")


def synthetic_space(seed: int = 0, per_style: int = 200) -> EmbeddingSpace:
    """Three Gaussian styles in 8 dimensions, standardised like a fitted space, labelled by collection."""
    rng = np.random.default_rng(seed)
    centres = 1.5 * np.eye(DIM)[:3]
    points = np.concatenate([c + rng.standard_normal((per_style, DIM)) * 0.8 for c in centres])
    mean, std = points.mean(axis=0), points.std(axis=0)
    labels = [{"collection": style} for style in STYLES for _ in range(per_style)]
    return EmbeddingSpace(mean=np.zeros(DIM), std=np.ones(DIM), reference=(points - mean) / std, labels=labels)


def songs_like_corpus(space: EmbeddingSpace, n: int, seed: int = 1) -> Songs:
    """Songs drawn near reference clips: on the manifold, varied in style and typicality."""
    rng = np.random.default_rng(seed)
    picks = space.reference[rng.integers(len(space.reference), size=n)]
    return Songs(picks + 0.3 * rng.standard_normal(picks.shape), np.full(n, 30.0))


def population_config(mix: dict[str, float], source: str = "clusters", **profile_overrides) -> PopulationConfig:
    """A population from the real profile files in conf/raters/profile/."""
    profiles = {}
    for name in mix:
        node = OmegaConf.to_container(OmegaConf.load(conf_dir() / "raters" / "profile" / f"{name}.yaml"))
        node.pop("_target_")
        profiles[name] = Profile(**{**node, **profile_overrides.get(name, {})})
    return PopulationConfig(mix=mix, profiles=profiles, taste=TasteConfig(source=source, clusters=3), name="test")


@pytest.fixture(scope="session")
def space() -> EmbeddingSpace:
    return synthetic_space()


@pytest.fixture(scope="session")
def tiny_mel() -> MelConfig:
    mel = OmegaConf.load(conf_dir() / "model" / "tiny.yaml").mel
    return MelConfig(**{k: v for k, v in mel.items() if k != "_target_"})


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    from hcbench.corpus import build_corpus

    cfg = OmegaConf.load(conf_dir() / "corpus" / "tiny.yaml")
    cfg.cache_dir = str(tmp_path_factory.mktemp("cache"))
    return build_corpus(cfg, progress=False)


@pytest.fixture(scope="session")
def tiny_space(tiny_corpus, tiny_mel):
    from simulators import SpaceConfig, fit_space
    from simulators.embedders.descriptor import DescriptorEmbedder

    return fit_space(DescriptorEmbedder(), tiny_corpus, tiny_mel, SpaceConfig(reference_clips=24))
