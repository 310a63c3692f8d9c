"""The CLAP loader, on tiny random ClapModels saved locally in the Hugging Face layout (no network)."""
import json

import librosa
import numpy as np
import pytest
import torch

from hcbench.errors import MissingFileError
from simulators.embedders.clap import ClapEmbedder
from tests.conftest import tone_sequence


def save_tiny_clap(folder, fusion=False, tokenizer=True):
    """A ~10k-parameter ClapModel with its feature extractor and a 11-token RoBERTa tokenizer."""
    from transformers import ClapConfig, ClapFeatureExtractor, ClapModel, RobertaTokenizer

    audio = dict(depths=[1, 1], num_attention_heads=[1, 2], patch_embeds_hidden_size=8, hidden_size=16, num_classes=4,
                 enable_fusion=fusion, fusion_type="aff_2d" if fusion else None)
    text = dict(vocab_size=64, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                max_position_embeddings=40)
    torch.manual_seed(0)
    ClapModel(ClapConfig(text_config=text, audio_config=audio, projection_dim=8)).save_pretrained(folder)
    ClapFeatureExtractor().save_pretrained(folder)
    if tokenizer:
        tokens = ["<s>", "<pad>", "</s>", "<unk>", "<mask>", "a", "b", "c", "Ġ", "Ġa", "ab"]
        (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
        (folder / "merges.txt").write_text("#version: 0.2\na b\nĠ a\n")
        RobertaTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt")).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def clap(tmp_path_factory):
    return ClapEmbedder(str(save_tiny_clap(tmp_path_factory.mktemp("clap"))))


def test_embeds_any_length_at_any_rate_into_unit_vectors(clap):
    short, long = tone_sequence(3.0, 22050, seed=0), tone_sequence(12.0, 22050, seed=1)  # long > max_length_s (10 s)
    vectors = clap([short, long], 22050)
    assert vectors.shape == (2, 8) == (2, clap.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_deterministic_and_independent_of_batching(clap):
    a, b = tone_sequence(3.0, 22050, seed=0), tone_sequence(12.0, 22050, seed=1)
    np.testing.assert_array_equal(clap([a, b], 22050), clap([a, b], 22050))
    np.testing.assert_allclose(clap([a, b], 22050)[1], clap([b], 22050)[0], rtol=1e-5, atol=1e-6)


def test_audio_is_resampled_to_48_khz(clap):
    assert clap.sample_rate == 48000
    audio = tone_sequence(3.0, 24000, seed=3)
    upsampled = librosa.resample(audio, orig_sr=24000, target_sr=48000, res_type="soxr_hq")
    np.testing.assert_allclose(clap([audio], 24000), clap([upsampled], 48000), rtol=1e-5, atol=1e-6)
    assert not np.allclose(clap([audio], 24000), clap([audio], 48000))  # the rate is not ignored


def test_fused_models_never_draw_a_random_crop(tmp_path):
    fused = ClapEmbedder(str(save_tiny_clap(tmp_path / "fused", fusion=True, tokenizer=False)))
    songs = [tone_sequence(12.0, 22050, seed=s) for s in (0, 1, 2)]
    np.testing.assert_array_equal(fused(songs, 22050), fused(songs, 22050))


def test_text_prompts_share_the_audio_space(clap):
    texts = clap.embed_text(["a b", "ab a"])
    assert texts.shape == (2, 8)
    np.testing.assert_allclose(np.linalg.norm(texts, axis=1), 1.0, rtol=1e-5)


def test_without_tokenizer_text_is_refused_clearly(tmp_path):
    embedder = ClapEmbedder(str(save_tiny_clap(tmp_path / "no_tok", tokenizer=False)))
    with pytest.raises(MissingFileError, match="holds no tokenizer files"):
        embedder.embed_text(["calm piano"])


def test_missing_or_wrong_checkpoints_name_the_folder_and_the_source(tmp_path):
    with pytest.raises(MissingFileError, match=r"no CLAP checkpoint folder at .*nowhere.*laion/larger_clap_music"):
        ClapEmbedder(str(tmp_path / "nowhere"))
    (tmp_path / "music_audioset.pt").write_bytes(b"\0")
    with pytest.raises(MissingFileError, match="is a laion-clap checkpoint.*convert"):
        ClapEmbedder(str(tmp_path / "music_audioset.pt"))
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "config.json").write_text("{}")
    (tmp_path / "half" / "preprocessor_config.json").write_text("{}")
    with pytest.raises(MissingFileError, match="holds no model weights"):
        ClapEmbedder(str(tmp_path / "half"))


def test_a_population_can_take_its_tastes_from_text(clap, tiny_corpus, tiny_mel):
    from simulators import SpaceConfig, build_population, fit_space, ground_truth
    from simulators.taste import TasteConfig
    from tests.simulators.conftest import population_config

    space = fit_space(clap, tiny_corpus, tiny_mel, SpaceConfig(reference_clips=12), progress=False)
    cfg = population_config({"honest": 1.0})
    cfg.taste = TasteConfig(source="prompts", prompts=["a b", "ab a"], spread=0.5)
    tastes = ground_truth(build_population(cfg, space, 10, seed=0)).tastes()
    prompts = space.text_tastes(["a b", "ab a"])
    assert tastes.shape == (10, 8) and (tastes @ prompts.T).max(axis=1).min() > 0.8  # each near one of the prompts


def test_the_cache_key_follows_the_weights_not_the_folder(clap, tmp_path):
    import shutil

    copy = shutil.copytree(clap.config.path, tmp_path / "elsewhere")  # a fresh install or clone: new path and times
    (copy / "MODEL_CARD.md").write_text("a card changes no embedding")
    assert ClapEmbedder(str(copy)).cache_key == clap.cache_key
    weights = copy / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-1] + b"\x00")  # other weights: other embeddings
    assert ClapEmbedder(str(copy)).cache_key != clap.cache_key
