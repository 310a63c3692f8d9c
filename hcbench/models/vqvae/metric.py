"""Deep metric learning on style labels: supervised contrastive loss (Khosla et al., 2020)."""
from __future__ import annotations

import numpy as np
import torch

from hcbench.errors import ConfigError


def supervised_contrastive(embeddings: torch.Tensor, labels: torch.Tensor, temperature: float) -> torch.Tensor:
    """SupCon over unit rows: each anchor pulls the others of its label, pushes the rest.

    Anchors without another sample of their label in the batch are skipped; a batch with
    no positive pair at all gives 0 (with a graph, so backward still works).
    """
    n = embeddings.shape[0]
    self_mask = torch.eye(n, dtype=torch.bool, device=embeddings.device)
    logits = (embeddings @ embeddings.T / temperature).masked_fill(self_mask, float("-inf"))
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    positive = (labels[:, None] == labels[None, :]) & ~self_mask
    n_positive = positive.sum(1)
    has_positive = n_positive > 0
    if not has_positive.any():
        return embeddings.sum() * 0.0
    per_anchor = -(log_prob.masked_fill(~positive, 0.0)).sum(1)[has_positive] / n_positive[has_positive]
    return per_anchor.mean()


def label_vocabulary(labels: list[dict], keys: tuple[str, ...]) -> dict[str, list[str]]:
    """Sorted distinct values of each style key in the training labels; missing keys are a config error."""
    vocabulary = {}
    for key in keys:
        missing = sum(key not in entry for entry in labels)
        if missing:
            present = sorted(labels[0]) if labels else []
            raise ConfigError(f"model.metric.labels: {missing} clip(s) have no {key!r} label "
                              f"(labels present: {present}); choose keys every clip has")
        vocabulary[key] = sorted({str(entry[key]) for entry in labels})
    return vocabulary


def encode_labels(labels: list[dict], vocabulary: dict[str, list[str]]) -> torch.Tensor:
    """(n, n_keys) integer label ids, one column per style key, in the order of ``vocabulary``."""
    columns = []
    for key, values in vocabulary.items():
        ids = {value: i for i, value in enumerate(values)}
        columns.append([ids[str(entry[key])] for entry in labels])
    return torch.as_tensor(np.array(columns, dtype=np.int64).T.reshape(len(labels), len(vocabulary)))
