"""Supervised contrastive loss and the label vocabulary."""
import pytest
import torch
import torch.nn.functional as F

from hcbench.errors import ConfigError
from hcbench.models.vqvae.metric import encode_labels, label_vocabulary, supervised_contrastive


def test_supcon_is_lower_when_embeddings_group_by_label():
    labels = torch.tensor([0, 0, 0, 1, 1, 1])
    grouped = F.normalize(torch.eye(2)[labels] + 0.01 * torch.randn(6, 2), dim=1)
    mixed = F.normalize(torch.eye(2)[torch.tensor([0, 1, 0, 1, 0, 1])] + 0.01 * torch.randn(6, 2), dim=1)
    assert supervised_contrastive(grouped, labels, 0.1) < 0.5 * supervised_contrastive(mixed, labels, 0.1)


def test_supcon_without_positive_pairs_is_zero_and_differentiable():
    embeddings = F.normalize(torch.randn(3, 4), dim=1).requires_grad_()
    loss = supervised_contrastive(embeddings, torch.tensor([0, 1, 2]), 0.1)
    loss.backward()
    assert loss.item() == 0.0 and embeddings.grad is not None


def test_vocabulary_and_ids_follow_sorted_values():
    labels = [{"collection": "bach", "family": "organ"}, {"collection": "airs", "family": "organ"}]
    vocabulary = label_vocabulary(labels, ("collection", "family"))
    assert vocabulary == {"collection": ["airs", "bach"], "family": ["organ"]}
    assert encode_labels(labels, vocabulary).tolist() == [[1, 0], [0, 0]]


def test_a_label_key_the_corpus_lacks_is_a_config_error():
    with pytest.raises(ConfigError, match="no 'genre' label"):
        label_vocabulary([{"collection": "bach"}], ("genre",))
