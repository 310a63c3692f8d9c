"""pytest-benchmark suites: our Generator and the stock AudioDiffusionPipeline on one tiny UNet.

    pytest benchmarks --benchmark-enable --benchmark-group-by=group

With the project's default ``--benchmark-disable`` each body runs once, as a smoke test.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
import torch
from diffusers.pipelines.deprecated.audio_diffusion import AudioDiffusionPipeline

from bench_generation import SilentMel, build_generator, stock_pipeline, tone
from hcbench.audio.mel import audio_to_image
from hcbench.models.generator import Generator

BATCH, STEPS = 8, 10
GROUP = f"tiny batch {BATCH}, {STEPS} DDIM steps"
ROUNDS = dict(rounds=3, warmup_rounds=1)  # pedantic: a fixed, short run on a shared CPU


@dataclass
class Setup:
    generator: Generator
    stock: AudioDiffusionPipeline  # Griffin-Lim stubbed: its __call__ cannot skip audio decoding
    request: np.ndarray  # one audio-derived spectrogram (1, y_res, x_res)


@pytest.fixture(scope="module")
def setup() -> Iterator[Setup]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the scripts: 2 threads fight other jobs on this shared CPU
    generator = build_generator("tiny", BATCH, STEPS)
    yield Setup(generator, stock_pipeline(generator, SilentMel), audio_to_image(tone(generator.mel), generator.mel)[None])
    torch.set_num_threads(threads)


@pytest.mark.benchmark(group=GROUP)
def test_ours_sample(benchmark, setup: Setup) -> None:
    images = benchmark.pedantic(setup.generator.sample, args=(BATCH, 0), **ROUNDS)
    assert images.shape == (BATCH, *setup.generator.image_shape[1:])


@pytest.mark.benchmark(group=GROUP)
def test_stock_pipeline(benchmark, setup: Setup) -> None:
    def run():
        return setup.stock(batch_size=BATCH, steps=STEPS, generator=torch.Generator().manual_seed(0))

    assert len(benchmark.pedantic(run, **ROUNDS).images) == BATCH


@pytest.mark.benchmark(group=GROUP)
def test_ours_generate_from_strength_half(benchmark, setup: Setup) -> None:
    images = benchmark.pedantic(setup.generator.generate_from, args=([setup.request], 0.5), kwargs={"n": BATCH}, **ROUNDS)
    assert images.shape == (1, BATCH, *setup.generator.image_shape[1:])
