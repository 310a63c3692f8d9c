"""Generation throughput: our batched Generator against diffusers' stock AudioDiffusionPipeline.

Both wrap the same random-init UNet, a DDIM scheduler of the same config, the same
step count and the same batch, and are timed in one run, interleaved, so the ratio
is what counts (this CPU is shared; absolute numbers drift).

    python benchmarks/bench_generation.py [--model tiny|small] [--batch 8] [--steps 20] [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from diffusers import DDIMScheduler
from diffusers.pipelines.deprecated.audio_diffusion import AudioDiffusionPipeline, Mel
from omegaconf import OmegaConf
from rich.console import Console
from rich.table import Table
from threadpoolctl import threadpool_limits

from hcbench.audio.mel import MelConfig, audio_to_image, image_to_audio
from hcbench.models.factory import untrained_generator
from hcbench.models.generator import Generator
from hcbench.models.seeding import randn_per_sample, sample_generators
from hcbench.paths import conf_dir


class SilentMel(Mel):
    """The stock Mel with Griffin-Lim stubbed out.

    The stock ``__call__`` always decodes every image to audio and has no flag to
    skip it, so swapping in this Mel is how its denoising alone gets timed.
    """

    def image_to_audio(self, image) -> np.ndarray:
        return np.zeros(self.slice_size, dtype=np.float32)


@dataclass
class Row:
    method: str
    includes: str
    count: int  # spectrograms made per call
    fn: Callable[[], object] | None  # None: the method cannot run (see ``note``)
    peer: str | None = None  # method of the stock row this one is compared with
    note: str = ""
    seconds: float = float("nan")


def build_generator(model: str, batch: int, steps: int, seed: int = 0) -> Generator:
    """A random-init generator of conf/model/<model>.yaml, batching ``batch`` per UNet call."""
    generator = untrained_generator(OmegaConf.load(conf_dir() / "model" / f"{model}.yaml"), seed=seed)
    generator.steps, generator.batch_size = steps, batch
    return generator.eval_mode()


def stock_pipeline(generator: Generator, mel_cls: type[Mel] = Mel) -> AudioDiffusionPipeline:
    """The stock pipeline on ``generator``'s UNet, with its own scheduler (set_timesteps is stateful)."""
    cfg: MelConfig = generator.mel
    mel = mel_cls(
        x_res=cfg.x_res, y_res=cfg.y_res, sample_rate=cfg.sample_rate, n_fft=cfg.n_fft,
        hop_length=cfg.hop_length, top_db=cfg.top_db, n_iter=cfg.n_iter,
    )
    scheduler = DDIMScheduler.from_config(generator.scheduler.config)
    pipe = AudioDiffusionPipeline(vqvae=None, unet=generator.unet, mel=mel, scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def tone(cfg: MelConfig, seed: int = 0) -> np.ndarray:
    """One slice of decaying harmonic notes: an audio input with onsets and a spectrum."""
    rng = np.random.default_rng(seed)
    t = np.arange(cfg.slice_length) / cfg.sample_rate
    audio = np.zeros_like(t)
    for start in np.arange(0, t[-1], 0.25):
        local = t - start
        on = (local >= 0) & (local < 0.25)
        freq = 220 * 2 ** (rng.integers(0, 12) / 12)
        audio[on] += np.sin(2 * np.pi * freq * local[on]) * np.exp(-6 * local[on])
    return (0.3 * audio / np.abs(audio).max()).astype(np.float32)


def stock_images(output) -> np.ndarray:
    """The stock pipeline's PIL images as one uint8 array (n, y_res, x_res)."""
    return np.stack([np.asarray(image) for image in output.images])


def interleaved_medians(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median seconds of each function: one warm-up call each, then ``repeats`` round-robin rounds.

    Round-robin rather than one function at a time, so load from other jobs on this
    shared CPU hits every function alike instead of skewing one of them.
    """
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def time_interleaved(rows: list[Row], repeats: int) -> None:
    """Store each runnable row's median seconds, timed interleaved with the others."""
    medians = interleaved_medians({row.method: row.fn for row in rows if row.fn is not None}, repeats)
    for row in rows:
        row.seconds = medians.get(row.method, row.seconds)


def generation_rows(generator: Generator, batch: int, seed: int = 0) -> list[Row]:
    """The compared methods; each ``ours`` row names the stock row it is divided by."""
    steps, cfg = generator.steps, generator.mel
    silent, full = stock_pipeline(generator, SilentMel), stock_pipeline(generator)
    audio = tone(cfg, seed)
    request = audio_to_image(audio, cfg)[None]  # ours takes spectrograms: converted once, untimed
    half = steps // 2  # start_step that matches strength 0.5

    def ours_e2e() -> list[np.ndarray]:
        return [image_to_audio(image, cfg, seed=i) for i, image in enumerate(generator.sample(batch, seed))]

    def stock_loop() -> list:
        gens = [torch.Generator().manual_seed(seed + i) for i in range(batch)]
        return [silent(raw_audio=audio, start_step=half, steps=steps, eta=1.0, generator=g) for g in gens]

    def stock_gen() -> torch.Generator:  # fresh each call, so every stock run draws the same noise
        return torch.Generator().manual_seed(seed)

    return [
        Row("stock pipeline (Griffin-Lim stubbed)", "denoise + uint8 + PIL", batch,
            lambda: silent(batch_size=batch, steps=steps, generator=stock_gen())),
        Row("ours Generator.sample", "denoise + uint8", batch, lambda: generator.sample(batch, seed),
            peer="stock pipeline (Griffin-Lim stubbed)"),
        Row("stock pipeline", "denoise + uint8 + PIL + Griffin-Lim", batch,
            lambda: full(batch_size=batch, steps=steps, generator=stock_gen())),
        Row("ours sample + image_to_audio", "denoise + uint8 + Griffin-Lim", batch, ours_e2e,
            peer="stock pipeline"),
        Row(f"stock variations: {batch} calls x batch 1", "audio->mel + add_noise + half denoise + PIL",
            batch, stock_loop),
        Row("ours generate_from(1 request, n=batch, 0.5)", "DDIM inversion + half denoise + uint8", batch,
            lambda: generator.generate_from([request], 0.5, n=batch, seed=seed),
            peer=f"stock variations: {batch} calls x batch 1"),
        Row(f"stock variations: batch {batch} in one call", "raw_audio + start_step", batch, None,
            note=stock_batch_failure(silent, audio, batch, steps, half)),
    ]


def stock_batch_failure(pipe: AudioDiffusionPipeline, audio: np.ndarray, batch: int, steps: int, start: int) -> str:
    """Why the stock pipeline cannot make a batch of variations of one audio input."""
    try:
        pipe(batch_size=batch, raw_audio=audio, start_step=start, steps=steps)
    except Exception as error:  # noqa: BLE001 - any failure is the finding we report
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return "ran (unexpected: the stock pipeline accepted a batch of variations)"


def equivalence_report(generator: Generator, n: int, seed: int = 0) -> list[str]:
    """Ours vs stock from the same initial noise at eta=0, and whether stock mutates a caller's noise."""
    pipe = stock_pipeline(generator, SilentMel)
    size_before = generator.unet.config.sample_size
    noise = randn_per_sample((n, *generator.image_shape), sample_generators(seed, n))  # what sample(n, seed) draws
    before = noise.clone()
    ours = generator.sample(n, seed=seed, eta=0.0).astype(np.int16)
    stock = stock_images(pipe(batch_size=n, steps=generator.steps, noise=noise, eta=0.0)).astype(np.int16)
    diff = np.abs(ours - stock)
    lines = [
        f"equivalence (eta=0, same noise, {n} samples): max |ours - stock| = {diff.max()} (uint8 levels), "
        f"{(diff > 0).mean():.2%} of pixels differ",
        f"stock unconditional call left the caller's noise unchanged: {torch.equal(noise, before)}",
        f"stock call rewrote the shared UNet's config.sample_size: {size_before!r} -> "
        f"{generator.unet.config.sample_size!r}",
    ]
    audio = tone(generator.mel, seed)
    noise = torch.randn(1, *generator.image_shape)
    before = noise.clone()
    pipe(raw_audio=audio, start_step=generator.steps // 2, steps=generator.steps, noise=noise)
    lines.append(f"stock variation call (raw_audio, start_step) changed the caller's noise in place: "
                 f"{not torch.equal(noise, before)}")
    return lines


def results_table(rows: list[Row], title: str) -> Table:
    table = Table(title=title)
    for column in ("method", "includes", "spectrograms/s", "s per batch", "ratio ours/stock"):
        table.add_column(column, justify="left" if column in ("method", "includes") else "right")
    rate = {row.method: row.count / row.seconds for row in rows if row.fn is not None}
    for row in rows:
        if row.fn is None:
            table.add_row(row.method, row.includes, "-", "-", "cannot run (see below)")
            continue
        ratio = f"{rate[row.method] / rate[row.peer]:.2f}x" if row.peer else "reference"
        table.add_row(row.method, row.includes, f"{rate[row.method]:.2f}", f"{row.seconds:.3f}", ratio)
    return table


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("tiny", "small"), default="tiny")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    # 1 by default: on a CPU shared with other jobs, 2 threads fight them and times swing by 10x.
    parser.add_argument("--threads", type=int, default=1)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)  # numpy's BLAS too: Griffin-Lim and the mel transforms run on it
    # the stock pipeline's own torch.tensor(tensor) call warns on every variation run
    warnings.filterwarnings("ignore", message="To copy construct from a tensor")
    console = Console(width=150)  # wide even when piped, so the table is not wrapped
    console.print(f"torch {torch.__version__}, threads {torch.get_num_threads()} (torch and BLAS), model {args.model}, "
                  f"batch {args.batch}, steps {args.steps}, repeats {args.repeats} (median); eta 0, variation rows eta 1")
    generator = build_generator(args.model, args.batch, args.steps)
    for line in equivalence_report(generator, args.batch):
        console.print(line)
    rows = generation_rows(generator, args.batch)
    time_interleaved(rows, args.repeats)
    console.print(results_table(rows, f"generation, {args.model} UNet, batch {args.batch}, {args.steps} DDIM steps"))
    for row in rows:
        if row.fn is None:
            console.print(f"{row.method}: {row.note}")
    console.print("variation rows differ in work per call: stock noises its input with add_noise (no UNet), ours "
                  "DDIM-inverts it (steps/2 UNet calls at batch 1) and then denoises all variations in one batch.")


if __name__ == "__main__":
    main()
