"""Mel spectrogram images <-> audio, in the convention of audio-diffusion's ``Mel``.

An image is uint8 of shape (y_res, x_res): row = mel band, column = frame, value =
dB above (peak - top_db) scaled to 0..255. Keeping that convention lets weights
trained by teticio/audio-diffusion run here unchanged.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from hcbench.audio.librosa_kernels import librosa
from hcbench.errors import ConfigError


@dataclass(frozen=True)
class MelConfig:
    """The spectrogram geometry a model was trained on (``mel/mel_config.json``)."""

    x_res: int = 64  # frames per image, i.e. time resolution
    y_res: int = 64  # mel bands per image
    sample_rate: int = 11025
    n_fft: int = 1024
    hop_length: int = 512
    top_db: float = 80.0  # dynamic range kept below each image's peak
    n_iter: int = 32  # Griffin-Lim iterations for the inverse

    def __post_init__(self):
        for name in ("x_res", "y_res", "sample_rate", "n_fft", "hop_length", "n_iter"):
            if int(getattr(self, name)) <= 0:
                raise ConfigError(f"MelConfig.{name} must be a positive integer, got {getattr(self, name)!r}")
        if self.top_db <= 0:
            raise ConfigError(f"MelConfig.top_db must be positive, got {self.top_db!r}")

    @property
    def slice_length(self) -> int:
        """Samples per image: x_res frames with centred STFT framing (as audio-diffusion)."""
        return self.x_res * self.hop_length - 1

    @property
    def slice_seconds(self) -> float:
        return self.slice_length / self.sample_rate

    @classmethod
    def from_json(cls, path: str | Path) -> "MelConfig":
        raw = json.loads(Path(path).read_text())
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)

    def to_json(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps({"_class_name": "Mel", **asdict(self)}, indent=2) + "\n")


def audio_to_image(audio_slice: np.ndarray, cfg: MelConfig) -> np.ndarray:
    """One slice of ``cfg.slice_length`` samples -> uint8 image (y_res, x_res)."""
    if audio_slice.shape[-1] != cfg.slice_length:
        raise ValueError(f"expected a slice of {cfg.slice_length} samples, got {audio_slice.shape[-1]}")
    power = librosa.feature.melspectrogram(
        y=audio_slice.astype(np.float32), sr=cfg.sample_rate, n_fft=cfg.n_fft, hop_length=cfg.hop_length, n_mels=cfg.y_res
    )
    log_power = librosa.power_to_db(power, ref=np.max, top_db=cfg.top_db)
    return ((log_power + cfg.top_db) * 255 / cfg.top_db).clip(0, 255).__add__(0.5).astype(np.uint8)


def image_to_audio(image: np.ndarray, cfg: MelConfig, seed: int = 0) -> np.ndarray:
    """uint8 image -> audio by Griffin-Lim, seeded so the same image gives the same audio."""
    log_power = image.astype(np.float32) * cfg.top_db / 255 - cfg.top_db
    magnitude = librosa.feature.inverse.mel_to_stft(
        librosa.db_to_power(log_power), sr=cfg.sample_rate, n_fft=cfg.n_fft, power=2.0
    )
    audio = librosa.griffinlim(
        magnitude, n_iter=cfg.n_iter, hop_length=cfg.hop_length, n_fft=cfg.n_fft, length=cfg.slice_length,
        random_state=seed,
    )
    return audio.astype(np.float32)


def images_to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, H, W) -> float (N, 1, H, W) in [-1, 1], the UNet's input range."""
    return torch.from_numpy(np.asarray(images, dtype=np.float32) / 127.5 - 1.0).unsqueeze(1)


def tensor_to_images(samples: torch.Tensor) -> np.ndarray:
    """float (N, 1, H, W) in [-1, 1] -> uint8 (N, H, W), rounding as audio-diffusion does."""
    scaled = ((samples.detach().float().clamp(-1, 1) + 1) * 127.5).round()
    return scaled.squeeze(1).to(torch.uint8).cpu().numpy()
