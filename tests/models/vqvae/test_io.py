"""Save/load round trip, and clear errors for missing or broken model folders."""
import numpy as np
import pytest

from hcbench.audio import MelConfig
from hcbench.models.model_dir import ModelDirError
from hcbench.models.vqvae import load_vqvae, save_vqvae
from tests.models.vqvae.conftest import styled_images

MEL = MelConfig(x_res=32, y_res=32, n_fft=2048, hop_length=1024)


def test_round_trip_gives_identical_codes_and_embeddings(tmp_path, tiny_vqvae, metric):
    images, _ = styled_images(6)
    save_vqvae(tiny_vqvae, MEL, metric, tmp_path / "model")
    loaded = load_vqvae(tmp_path / "model")
    assert loaded.mel == MEL and loaded.metric == metric and loaded.model.cfg == tiny_vqvae.cfg
    assert not loaded.model.training
    counts = tiny_vqvae.usage_counts(images)
    np.testing.assert_array_equal(loaded.model.usage_counts(images), counts)
    np.testing.assert_array_equal(loaded.model.head_embedding(counts / 64), tiny_vqvae.head_embedding(counts / 64))


def test_missing_folder_names_the_path_and_the_fix(tmp_path):
    with pytest.raises(ModelDirError, match=f"{tmp_path}/nope does not exist.*hcbench pretrain model=vqvae"):
        load_vqvae(tmp_path / "nope")


def test_missing_weights_name_the_file(tmp_path, tiny_vqvae, metric):
    save_vqvae(tiny_vqvae, MEL, metric, tmp_path)
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(ModelDirError, match=f"{tmp_path} lacks model.safetensors.*preset \\(vqvae\\)"):
        load_vqvae(tmp_path)


def test_corrupt_weights_name_the_folder_and_the_fix(tmp_path, tiny_vqvae, metric):
    save_vqvae(tiny_vqvae, MEL, metric, tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ModelDirError, match=f"cannot load the VQ-VAE in {tmp_path}: .*hcbench pretrain model=vqvae"):
        load_vqvae(tmp_path)
