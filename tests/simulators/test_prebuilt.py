"""Shipped reference embeddings: used only when they are this machine's numbers; embedding across processes."""
import json

import numpy as np
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from hcbench import parallel
from hcbench.corpus.dataset import mel_key
from hcbench.paths import conf_dir
from simulators import SpaceConfig, fit_space, prebuilt, space
from simulators.embedders.descriptor import DescriptorEmbedder

CLIPS = 10


class CountingEmbedder(DescriptorEmbedder):
    clips = 0

    def __call__(self, audio, sample_rate):
        CountingEmbedder.clips += len(audio)
        return super().__call__(audio, sample_rate)


@pytest.fixture(scope="module")
def shipped(tiny_corpus, tiny_mel, tmp_path_factory):
    """(folder, cache name, images, raw) of a correct shipped file for a 10-clip reference of the tiny corpus."""
    cache, images, _ = space.reference_clips(DescriptorEmbedder(), tiny_corpus, tiny_mel, SpaceConfig(CLIPS))
    raw = space._embed_in_chunks(DescriptorEmbedder(), images, tiny_mel, progress=False)
    folder = tmp_path_factory.mktemp("prebuilt")
    prebuilt.ship_reference(cache.name, images, raw, folder)
    return folder, cache.name, images, raw


def _use(monkeypatch, folder):
    monkeypatch.setattr(prebuilt, "FOLDER", folder)
    CountingEmbedder.clips = 0


def test_a_matching_shipped_file_costs_only_the_spot_check(shipped, monkeypatch, tiny_mel):
    folder, name, images, raw = shipped
    _use(monkeypatch, folder)
    got = prebuilt.shipped_reference(name, images, CountingEmbedder(), tiny_mel)
    assert np.array_equal(got, raw) and CountingEmbedder.clips == min(prebuilt.SPOT_CHECKS, CLIPS)


def test_fit_space_caches_the_shipped_numbers_beside_the_corpus(shipped, monkeypatch, tiny_corpus, tiny_mel):
    folder, name, _, raw = shipped
    _use(monkeypatch, folder)
    (tiny_corpus.root / name).unlink(missing_ok=True)
    fitted = fit_space(CountingEmbedder(), tiny_corpus, tiny_mel, SpaceConfig(CLIPS), progress=False)
    assert CountingEmbedder.clips == min(prebuilt.SPOT_CHECKS, CLIPS)
    with np.load(tiny_corpus.root / name) as data:
        assert np.array_equal(data["raw"], raw)
    np.testing.assert_array_equal(fitted.reference, (raw - raw.mean(0)) / np.where(raw.std(0) > 1e-9, raw.std(0), 1))
    (tiny_corpus.root / name).unlink()


@pytest.mark.parametrize("change", ["images", "numbers", "versions"])
def test_a_shipped_file_that_is_not_this_machines_is_ignored(shipped, monkeypatch, tiny_mel, change):
    folder, name, images, raw = shipped
    _use(monkeypatch, folder)
    if change == "images":  # another corpus build (SoundFont, music21): other spectrograms
        images = images.copy()
        images[-1, 0, 0] ^= 1
    elif change == "numbers":  # same input, other arithmetic (CPU, BLAS): the spot check tells
        prebuilt.ship_reference(name, images, raw * (1 + 1e-12), folder)
    else:
        monkeypatch.setattr(prebuilt, "library_versions", lambda: {"numpy": "0.0"})
    try:
        assert prebuilt.shipped_reference(name, images, CountingEmbedder(), tiny_mel) is None
    finally:
        prebuilt.ship_reference(name, shipped[2], raw, folder)


def test_each_corpus_build_finds_its_own_shipped_file_among_several(shipped, monkeypatch, tiny_mel, tmp_path):
    folder, name, images, raw = shipped
    other = images.copy()
    other[-1, 0, 0] ^= 1  # another CPU's corpus build: a pixel rendered otherwise
    for path in prebuilt.shipped_variants(name, folder):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    prebuilt.ship_reference(name, other, raw + 1.0, tmp_path)
    prebuilt.ship_reference(name, images, raw, tmp_path)  # again: replaces its own file, keeps the other's
    assert len(prebuilt.shipped_variants(name, tmp_path)) == 2
    _use(monkeypatch, tmp_path)
    assert np.array_equal(prebuilt.shipped_reference(name, images, CountingEmbedder(), tiny_mel), raw)
    assert CountingEmbedder.clips == min(prebuilt.SPOT_CHECKS, CLIPS)  # and the other's file was not its answer
    spot_of_other = prebuilt.shipped_reference(name, other, CountingEmbedder(), tiny_mel)
    assert spot_of_other is None  # found by its spectrograms, refused by the spot check: its numbers are not these


def _default_run_reference_name(embedder_name: str) -> tuple[str, int, int]:
    """The cache name of the default run's reference heard through ``embedder_name``, its clip count and width."""
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("run", overrides=[f"embedder={embedder_name}"])
    mel, embedder, space_cfg = instantiate(cfg.model.mel), instantiate(cfg.embedder), instantiate(cfg.space)
    name = f"reference-{embedder.cache_key}-{mel_key(mel)}-{space_cfg.split}-{space_cfg.reference_clips}-{space_cfg.seed}.npz"
    return name, space_cfg.reference_clips, embedder.dim


def test_the_shipped_files_are_the_default_runs_reference_through_each_shipped_embedder():
    references = [_default_run_reference_name(name) for name in prebuilt.SHIPPED_EMBEDDERS]
    variants = {name: prebuilt.shipped_variants(name) for name, _, _ in references}
    assert sorted(p.name for p in prebuilt.FOLDER.glob("*.npz")) == sorted(p.name for v in variants.values() for p in v), \
        "the default run's reference changed: regenerate with python -m simulators.prebuilt"
    for name, clips, dim in references:
        assert variants[name], name
        for path in variants[name]:
            with np.load(path) as data:
                assert data["raw"].shape == (clips, dim) and len(str(data["images_sha1"])) == 40
                assert set(json.loads(str(data["versions"]))) == set(prebuilt.LIBRARIES)
            assert path.stat().st_size < 1_000_000


@pytest.mark.slow
def test_two_processes_embed_the_reference_bit_for_bit_as_one(shipped, monkeypatch, tiny_mel):
    _, _, images, raw = shipped
    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", {"render": 1, "spectrograms": 1, "embedding": 1})
    two = space._embed_in_chunks(DescriptorEmbedder(), images, tiny_mel, progress=False, workers=2, chunk=3)
    assert two.dtype == raw.dtype and np.array_equal(two, raw)
