"""The training objective: reconstruction + commitment + supervised contrastive terms on the usage."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from hcbench.models.vqvae.config import MetricConfig, VQVAEConfig
from hcbench.models.vqvae.metric import supervised_contrastive
from hcbench.models.vqvae.model import Forward


def vqvae_loss(out: Forward, x: torch.Tensor, labels: torch.Tensor, cfg: VQVAEConfig,
               metric: MetricConfig) -> tuple[torch.Tensor, dict[str, float]]:
    """Total loss and its parts; ``labels`` is (B, n_keys), one SupCon term per style key, averaged."""
    reconstruction = F.mse_loss(out.reconstruction, x)
    usage_rows = F.normalize(out.soft_usage, dim=1)  # eq. 4 compares usages by cosine; train that cosine
    head = torch.stack([supervised_contrastive(out.embedding, labels[:, k], metric.temperature)
                        for k in range(labels.shape[1])]).mean()
    usage = torch.stack([supervised_contrastive(usage_rows, labels[:, k], metric.temperature)
                         for k in range(labels.shape[1])]).mean()
    total = reconstruction + cfg.commitment * out.commitment + metric.head_weight * head + metric.usage_weight * usage
    counts = torch.bincount(out.index, minlength=cfg.codebook_size).float()
    p = counts / counts.sum()
    batch_perplexity = torch.exp(-(p[p > 0] * p[p > 0].log()).sum())
    return total, {"loss": total.item(), "reconstruction": reconstruction.item(), "commitment": out.commitment.item(),
                   "supcon_head": head.item(), "supcon_usage": usage.item(),
                   "perplexity": batch_perplexity.item(), "restarts": float(out.restarts)}
