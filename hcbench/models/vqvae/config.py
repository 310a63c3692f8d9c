"""What a VQ-VAE is (architecture, codebook) and what its metric-learning term asks of it."""
from __future__ import annotations

from dataclasses import dataclass, field

from hcbench.errors import ConfigError


@dataclass(frozen=True)
class VQVAEConfig:
    """Architecture and codebook; saved beside the weights so a checkpoint rebuilds itself."""

    channels: tuple[int, ...] = (32, 64)  # encoder widths; each stride-2 conv halves the image (64x64 -> 16x16)
    frequency_channel: bool = True  # feed each pixel's mel-band position too: a partial at 100 Hz is not one at 2 kHz
    res_blocks: int = 2  # residual blocks at the lowest resolution: context for each code without more downsampling
    res_hidden: int = 32  # bottleneck width inside a residual block (the VQ-VAE paper's 3x3 -> 1x1 block)
    code_dim: int = 32  # dimension of a codebook entry
    codebook_size: int = 128  # K: the length of a song's usage vector (eq. 3)
    decay: float = 0.99  # EMA decay of the codebook: codes follow the encoder outputs assigned to them
    commitment: float = 0.25  # weight of ||z - sg(e)||^2, which keeps the encoder near its codes
    dead_code_threshold: float = 1.0  # codes assigned fewer than this many positions per batch (EMA) restart
    temperature: float = 0.1  # soft assignment softmax(cos / T): the differentiable usage the metric loss sees
    head_hidden: int = 128  # metric head: K -> head_hidden -> head_dim
    head_dim: int = 64  # size of the head embedding (unit length)

    def __post_init__(self):
        object.__setattr__(self, "channels", tuple(int(c) for c in self.channels))
        for name in ("res_hidden", "code_dim", "codebook_size", "head_hidden", "head_dim"):
            if int(getattr(self, name)) <= 0:
                raise ConfigError(f"model.vqvae.{name} must be a positive integer, got {getattr(self, name)!r}")
        if not self.channels or min(self.channels) <= 0 or self.res_blocks < 0:
            raise ConfigError(f"model.vqvae.channels must be positive widths and res_blocks >= 0, "
                              f"got {self.channels} and {self.res_blocks}")
        if not 0.0 < self.decay < 1.0 or self.temperature <= 0:
            raise ConfigError(f"model.vqvae.decay must lie in (0, 1) and temperature be positive, "
                              f"got {self.decay} and {self.temperature}")

    @property
    def downsampling(self) -> int:
        return 2 ** len(self.channels)


@dataclass(frozen=True)
class MetricConfig:
    """Deep metric learning on style labels (supervised contrastive), applied to the codebook usage."""

    labels: tuple[str, ...] = ("collection", "family")  # corpus label keys; each gets its own contrastive term
    head_weight: float = 1.0  # SupCon on the head embedding of the soft usage
    usage_weight: float = 1.0  # SupCon on the soft usage itself, so eq. 4's cosine of usage carries style
    temperature: float = 0.1  # SupCon temperature
    vocabulary: dict = field(default_factory=dict)  # label key -> values seen in training (filled by the trainer)

    def __post_init__(self):
        object.__setattr__(self, "labels", tuple(self.labels))
        if self.head_weight < 0 or self.usage_weight < 0 or self.temperature <= 0:
            raise ConfigError(f"model.metric weights must be >= 0 and temperature > 0, got {self.head_weight}, "
                              f"{self.usage_weight}, {self.temperature}")
