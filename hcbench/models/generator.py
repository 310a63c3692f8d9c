"""The DDIM spectrogram generator and the paper's aggregation (section 4.2).

Model and scheduler stay separate and the loops are written out: DDIM inversion
walks a clean spectrogram up to the step that ``strength`` selects, SLERP merges
the inverted latents of a request's songs, and DDIM denoising walks back down.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from diffusers import DDIMScheduler, UNet2DModel

from hcbench.audio.mel import MelConfig, images_to_tensor, tensor_to_images
from hcbench.errors import ConfigError
from hcbench.models.seeding import randn_per_sample, sample_generators
from hcbench.models.slerp import slerp_mean


@dataclass
class Generator:
    """A UNet, its DDIM scheduler and the mel geometry of its spectrograms."""

    unet: UNet2DModel
    scheduler: DDIMScheduler
    mel: MelConfig
    steps: int = 50  # DDIM steps for a full denoise; strength uses a fraction of them
    batch_size: int = 32  # samples per UNet call; bounds memory, not results

    @property
    def device(self) -> torch.device:
        return self.unet.device

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return (self.unet.config.in_channels, self.mel.y_res, self.mel.x_res)

    def eval_mode(self) -> "Generator":
        """Switch the UNet to inference (no dropout); returns self for chaining."""
        self.unet.eval()
        return self

    @torch.no_grad()
    def sample(self, n: int, seed: int = 0, eta: float = 0.0, progress=None) -> np.ndarray:
        """``n`` spectrogram images (n, y_res, x_res) uint8 from pure noise."""
        generators = sample_generators(seed, n)
        noise = randn_per_sample((n, *self.image_shape), generators, self.device)
        return tensor_to_images(self.denoise(noise, 1.0, generators, eta, progress))

    @torch.no_grad()
    def encode(self, images: np.ndarray | torch.Tensor, strength: float, progress=None) -> torch.Tensor:
        """DDIM inversion of clean spectrograms to the noisy latent at ``strength``.

        ``strength`` 0 returns the input, 1 inverts all the way to noise.
        """
        x = self._as_model_input(images)
        timesteps = self._timesteps(strength)
        return self._batched(x, lambda chunk, _: self._invert(chunk, timesteps), progress)

    @torch.no_grad()
    def denoise(self, latents, strength, generators=None, eta=0.0, progress=None) -> torch.Tensor:
        """Run DDIM from the step that ``strength`` selects down to a clean sample.

        ``latents`` is never changed in place. ``generators`` (one per sample) feed
        the fresh noise that ``eta`` > 0 injects at every step.
        """
        timesteps = self._timesteps(strength)
        generators = generators or sample_generators(0, latents.shape[0])

        def denoise_chunk(chunk: torch.Tensor, start: int) -> torch.Tensor:
            chunk_gens = generators[start : start + len(chunk)]
            return self._denoise_chunk(chunk.clone().to(self.device), timesteps, chunk_gens, eta)

        return self._batched(latents, denoise_chunk, progress)

    @torch.no_grad()
    def generate_from(
        self,
        requests: Sequence[np.ndarray],
        strength: float,
        n: int = 1,
        seed: int = 0,
        eta: float = 1.0,
        progress=None,
    ) -> np.ndarray:
        """The paper's aggregation for a batch of requests.

        Each request is an array of one or more input spectrograms (k, y_res, x_res).
        Every input is DDIM-inverted to ``strength``, a request's latents are merged
        by an equally weighted SLERP, and each merged latent is denoised ``n`` times
        (variations come from ``eta``'s fresh noise). Returns (len(requests), n, y_res, x_res).
        """
        return self.generate_from_latents(self.invert_requests(requests, strength, progress), strength, n, seed,
                                          eta, progress)

    def invert_requests(self, requests: Sequence[np.ndarray], strength: float, progress=None) -> tuple[torch.Tensor]:
        """Each request's inputs DDIM-inverted to ``strength``: one (k, ...) latent tensor per request."""
        requests = [self._check_request(r, i) for i, r in enumerate(requests)]
        counts = [len(r) for r in requests]
        return torch.split(self.encode(np.concatenate(requests), strength, progress), counts)

    @torch.no_grad()
    def generate_from_latents(
        self,
        latents: Sequence[torch.Tensor],
        strength: float,
        n: int = 1,
        seed: int = 0,
        eta: float = 1.0,
        progress=None,
    ) -> np.ndarray:
        """``generate_from`` after the inversion: each request's latents (k, C, H, W), already
        inverted to ``strength`` by ``encode``, are SLERP-merged and denoised ``n`` times.

        Inversion is deterministic, so a caller that serves many requests from few input
        songs inverts each song once and passes its latent to every request that uses it.
        """
        merged = [slerp_mean(part) for part in latents]
        starts = torch.stack(merged).repeat_interleave(n, dim=0)
        generators = sample_generators(seed, starts.shape[0])
        images = tensor_to_images(self.denoise(starts, strength, generators, eta, progress))
        return images.reshape(len(latents), n, *images.shape[1:])

    def highest_timestep(self, strength: float) -> int:
        """The noisiest timestep that inversion and denoising at ``strength`` visit (-1: none)."""
        timesteps = self._timesteps(strength)
        return int(timesteps.max()) if len(timesteps) else -1

    def _timesteps(self, strength: float) -> torch.Tensor:
        """The descending DDIM timesteps that a denoise from ``strength`` visits."""
        if not 0.0 <= float(strength) <= 1.0:
            raise ConfigError(f"strength must lie in [0, 1], got {strength}")
        self.scheduler.set_timesteps(self.steps)
        skip = self.steps - int(round(self.steps * float(strength)))
        return self.scheduler.timesteps[skip:]

    def _invert(self, x: torch.Tensor, timesteps: torch.Tensor) -> torch.Tensor:
        """Deterministic DDIM inversion, climbing ``timesteps`` from lowest to highest."""
        alphas = self.scheduler.alphas_cumprod.to(self.device)
        final_alpha = self.scheduler.final_alpha_cumprod.to(self.device)
        stride = self.scheduler.config.num_train_timesteps // self.steps
        for t in timesteps.flip(0):
            prev_t = int(t) - stride
            alpha_prev = alphas[prev_t] if prev_t >= 0 else final_alpha
            eps = self.unet(x, t).sample
            x0 = (x - (1 - alpha_prev).sqrt() * eps) / alpha_prev.sqrt()
            x = alphas[t].sqrt() * x0 + (1 - alphas[t]).sqrt() * eps
        return x

    def _denoise_chunk(self, x, timesteps, generators, eta) -> torch.Tensor:
        for t in timesteps:
            eps = self.unet(x, t).sample
            variance_noise = randn_per_sample(tuple(x.shape), generators, self.device) if eta > 0 else None
            x = self.scheduler.step(eps, t, x, eta=eta, variance_noise=variance_noise).prev_sample
        return x

    def _batched(self, x: torch.Tensor, fn, progress=None) -> torch.Tensor:
        """Apply ``fn(chunk, start)`` to batch_size slices of ``x`` and concatenate."""
        outputs = []
        for start in range(0, x.shape[0], self.batch_size):
            chunk = x[start : start + self.batch_size]
            outputs.append(fn(chunk, start))
            if progress is not None:
                progress(len(chunk))
        return torch.cat(outputs) if outputs else x

    def _as_model_input(self, images: np.ndarray | torch.Tensor) -> torch.Tensor:
        if isinstance(images, torch.Tensor):
            return images.detach().clone().float().to(self.device)
        images = np.asarray(images)
        if images.ndim != 3 or images.shape[1:] != (self.mel.y_res, self.mel.x_res):
            raise ValueError(
                f"expected spectrograms of shape (n, {self.mel.y_res}, {self.mel.x_res}), got {images.shape}"
            )
        return images_to_tensor(images).to(self.device)

    def _check_request(self, request: np.ndarray, index: int) -> np.ndarray:
        request = np.asarray(request)
        if request.ndim == 2:
            request = request[None]
        if request.ndim != 3 or len(request) == 0:
            raise ValueError(f"request {index} must hold one or more spectrograms, got shape {request.shape}")
        return request
