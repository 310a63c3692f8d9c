"""The embedding space: standardised on tiny-corpus clips heard through a 32x32 channel, cached, noise far off it."""
import numpy as np
import pytest

from hcbench.audio import AudioError
from hcbench.errors import ConfigError
from simulators import SpaceConfig, Songs, fit_space
from simulators.embedders.descriptor import DescriptorEmbedder
from simulators.utility import Manifold
from tests.conftest import tone_sequence


class CountingEmbedder(DescriptorEmbedder):
    calls = 0

    def __call__(self, audio, sample_rate):
        CountingEmbedder.calls += 1
        return super().__call__(audio, sample_rate)


def test_reference_is_standardised_and_labelled(tiny_space):
    assert tiny_space.reference.shape == (24, 31) and tiny_space.dim == 31
    np.testing.assert_allclose(tiny_space.reference.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(tiny_space.reference.std(axis=0), 1.0, atol=1e-9)
    assert len(tiny_space.labels) == 24 and {"collection", "piece_index", "tempo_bpm"} <= set(tiny_space.labels[0])


def test_reference_embeddings_are_cached_beside_the_corpus(tiny_corpus, tiny_mel, tiny_space):
    CountingEmbedder.calls = 0
    again = fit_space(CountingEmbedder(), tiny_corpus, tiny_mel, SpaceConfig(reference_clips=24), progress=False)
    assert CountingEmbedder.calls == 0 and list(tiny_corpus.root.glob("reference-descriptor-*-24-0.npz"))
    np.testing.assert_array_equal(again.reference, tiny_space.reference)


def test_a_spectrogram_sounds_the_same_wherever_it_sits(tiny_space, tiny_corpus, tiny_mel):
    images, _ = tiny_corpus.spectrograms(tiny_mel, "all")
    songs = tiny_space.songs_from_spectrograms(images[[3, 5, 3]])
    assert songs.embeddings.shape == (3, 31) and np.allclose(songs.seconds, tiny_mel.slice_seconds)
    np.testing.assert_array_equal(songs.embeddings[0], songs.embeddings[2])


def test_long_audio_is_heard_clip_by_clip(tiny_space, tiny_mel):
    songs = tiny_space.songs_from_audio([tone_sequence(10.0, 22050, seed=0), tone_sequence(4.0, 22050, seed=1)], 22050)
    assert songs.embeddings.shape == (2, 31) and songs.seconds.tolist() == [10.0, 4.0]
    with pytest.raises(AudioError, match=r"<song 0>: is too short"):
        tiny_space.songs_from_audio([tone_sequence(1.0, 22050)], 22050)


def test_white_noise_is_far_off_the_music_manifold(tiny_space):
    manifold = Manifold(tiny_space.reference)
    noise = np.random.default_rng(0).standard_normal((2, 3 * 22050)).astype(np.float32) * 0.1
    noise_quality = manifold.quality(tiny_space.songs_from_audio(list(noise), 22050).embeddings)
    music_quality = manifold.quality(tiny_space.reference)
    assert (music_quality == 0.0).mean() >= 0.5  # typical corpus music loses nothing
    assert noise_quality.max() < -10 and noise_quality.max() < music_quality.min() - 5


def test_songs_and_config_validate():
    assert len(Songs(np.zeros((3, 4)), 2.0)) == 3
    with pytest.raises(ValueError, match="one positive duration per embedding"):
        Songs(np.zeros((3, 4)), np.ones(2))
    with pytest.raises(ConfigError, match="space.split must be one of"):
        SpaceConfig(split="test")


def test_text_tastes_need_a_text_encoder(tiny_space):
    with pytest.raises(ConfigError, match="needs an embedder with a text encoder"):
        tiny_space.text_tastes(["calm piano"])


def test_populations_take_generated_spectrograms_directly(tiny_space, tiny_corpus, tiny_mel):
    from simulators import build_population
    from tests.simulators.conftest import population_config

    images = tiny_corpus.spectrograms(tiny_mel, "all")[0][:3]
    from_images = build_population(population_config({"honest": 1.0}), tiny_space, 5, seed=0).rate(images)
    songs = tiny_space.songs_from_spectrograms(images)
    from_songs = build_population(population_config({"honest": 1.0}), tiny_space, 5, seed=0).rate(songs)
    assert from_images.stars.shape == (5, 3)
    np.testing.assert_array_equal(from_images.stars, from_songs.stars)
