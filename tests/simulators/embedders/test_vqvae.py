"""The VQ-VAE as the raters' embedder: shapes, pooling over clips, cache keys, and `rate` through it."""
import numpy as np
import pytest
import soundfile as sf
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from hcbench.paths import conf_dir
from simulators.embedders.vqvae import VQVAEEmbedder
from tests.conftest import tone_sequence


@pytest.fixture(scope="module")
def embed():
    return VQVAEEmbedder()


def test_one_usage_row_per_signal_of_any_length(embed):
    signals = [tone_sequence(seconds, 11025, seed=i) for i, seconds in enumerate((1.0, 3.0, 9.0))]
    rows = embed(signals, 11025)
    assert rows.shape == (3, 128) == (3, embed.dim)
    np.testing.assert_allclose(rows.sum(1), 1.0)  # eq. 3 usages


def test_a_long_signal_pools_the_counts_of_its_clips(embed):
    song = tone_sequence(9.0, 11025, seed=3)
    clip = embed.similarity.mel.slice_length
    parts = [song[i * clip:(i + 1) * clip] for i in range(3)]
    counts = sum(embed.similarity.counts(embed_images(embed, part)) for part in parts)
    np.testing.assert_allclose(embed([song], 11025)[0], counts[0] / counts.sum())


def embed_images(embed, audio):
    from hcbench.similarity.songs import song_images

    return song_images(audio, embed.similarity.mel, drop_quiet=False)


def test_other_sample_rates_are_resampled(embed):
    song = tone_sequence(4.0, 22050, seed=5)
    direct = embed([song], 22050)
    import librosa

    np.testing.assert_allclose(direct, embed([librosa.resample(song, orig_sr=22050, target_sr=11025,
                                                                res_type="soxr_hq")], 11025))


def test_cache_key_names_weights_and_representation(embed):
    head = VQVAEEmbedder(representation="head")
    assert embed.cache_key.startswith("vqvae-") and embed.cache_key == VQVAEEmbedder().cache_key
    assert head.cache_key != embed.cache_key and head.dim == 64


def test_embedder_config_instantiates():
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose(config_name="rate", overrides=["embedder=vqvae"])
    assert isinstance(instantiate(cfg.embedder), VQVAEEmbedder)


@pytest.mark.slow
def test_rate_hears_files_through_the_vqvae(tmp_path, tiny_corpus):
    from hcbench.commands.rate import run_rate

    song = tmp_path / "song.wav"
    sf.write(song, tone_sequence(6.0, 22050, seed=0), 22050)
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose(config_name="rate", overrides=[
            "embedder=vqvae", "corpus=tiny", f"corpus.cache_dir={tiny_corpus.root.parent}", "model=tiny",
            "space.reference_clips=40", "n_raters=60", "raters=honest", f"inputs=[{song}]"])
    summary = run_rate(cfg)
    row = summary["files"][0]["profiles"]["all raters"]
    assert summary["embedder"] == "VQVAEEmbedder" and row["raters"] == 60
    assert 1.0 <= row["mean_stars"] <= 5.0 and 0.0 <= row["true_utility"] <= 1.0
