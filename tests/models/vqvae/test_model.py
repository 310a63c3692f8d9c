"""Shapes and the inference API of the VQ-VAE: codes, eq. 3 counts, head embeddings."""
import numpy as np
import pytest
import torch

from hcbench.audio.mel import images_to_tensor
from hcbench.errors import ConfigError
from hcbench.models.vqvae import VQVAEConfig
from tests.models.vqvae.conftest import styled_images


def test_forward_shapes_and_soft_usage_rows_sum_to_one(tiny_vqvae):
    images, _ = styled_images(6)
    out = tiny_vqvae(images_to_tensor(images))
    assert out.reconstruction.shape == (6, 1, 32, 32)
    assert out.soft_usage.shape == (6, 16) and torch.allclose(out.soft_usage.sum(1), torch.ones(6))
    assert out.embedding.shape == (6, 8) and torch.allclose(out.embedding.norm(dim=1), torch.ones(6))
    assert out.index.shape == (6 * 8 * 8,) and out.commitment.ndim == 0


def test_usage_counts_count_every_encoder_position(tiny_vqvae):
    images, _ = styled_images(5)
    codes = tiny_vqvae.codes(images)
    counts = tiny_vqvae.usage_counts(images)
    assert codes.shape == (5, 64) and codes.max() < 16
    assert counts.shape == (5, 16)
    np.testing.assert_array_equal(counts.sum(1), 64)
    np.testing.assert_array_equal(counts[2], np.bincount(codes[2].numpy(), minlength=16))


def test_inference_is_deterministic_and_leaves_the_codebook_alone(tiny_vqvae):
    images, _ = styled_images(4)
    before = tiny_vqvae.codebook.codes.clone()
    tiny_vqvae.train()  # codes() switches to eval for the pass and back
    np.testing.assert_array_equal(tiny_vqvae.usage_counts(images), tiny_vqvae.usage_counts(images))
    assert torch.equal(before, tiny_vqvae.codebook.codes) and tiny_vqvae.training


def test_dead_codes_restart_on_encoder_outputs(tiny_vqvae):
    book = tiny_vqvae.codebook
    z = torch.nn.functional.normalize(torch.randn(40, 8), dim=1)
    index = torch.zeros(40, dtype=torch.long)  # everything picked code 0: the other 15 starve
    for _ in range(3):
        restarts = book.update(z, index, torch.Generator().manual_seed(0))
    assert restarts == 15
    restarted = book.codes[1:]
    assert torch.allclose((restarted @ z.T).max(1).values, torch.ones(15), atol=1e-5)  # each sits on a z


def test_bad_architecture_values_name_the_key():
    with pytest.raises(ConfigError, match="model.vqvae.codebook_size"):
        VQVAEConfig(codebook_size=0)
    with pytest.raises(ConfigError, match="model.vqvae.decay"):
        VQVAEConfig(decay=1.0)
