"""Per-song generation inside the loop: the path before (invert per request, write files inline) against
the loop's path now (pool inverted once per version, files written while the next batch denoises).

    python benchmarks/bench_loop_generation.py [--model small] [--requests 64] [--threads 2] [--repeats 3]

Both paths serve the same requests (2 inputs each from a 10-song pool, strength 0.5, batches of 16)
from the same noise; the script checks their songs are identical before printing the ratio.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch

from hcbench.loop.inversions import PoolInversions
from hcbench.models.model_dir import load_generator
from hcbench.paths import REPO_ROOT
from hcbench.store import write_song_files


def main() -> None:
    args = _parse()
    torch.set_num_threads(args.threads)
    generator = load_generator(REPO_ROOT / "hcbench/models/presets" / args.model, steps=25, batch_size=32).eval_mode()
    rng = np.random.default_rng(0)
    pool = {i: rng.integers(0, 255, (generator.mel.y_res, generator.mel.x_res), dtype=np.uint8) for i in range(10)}
    inputs = [rng.choice(10, 2, replace=False).tolist() for _ in range(args.requests)]
    batches = [inputs[i:i + 16] for i in range(0, len(inputs), 16)]
    times = {"before": [], "now": []}
    with tempfile.TemporaryDirectory() as tmp:  # round-robin, so load from other jobs hits both paths alike
        for _ in range(args.repeats):
            seconds, old = _timed(lambda: _before(generator, pool, batches, Path(tmp) / "before"))
            times["before"].append(seconds)
            seconds, new = _timed(lambda: _now(generator, pool, batches, Path(tmp) / "now"))
            times["now"].append(seconds)
    before, now = float(np.median(times["before"])), float(np.median(times["now"]))
    print(f"torch {torch.__version__}, threads {args.threads}, model {args.model}, {args.requests} requests, "
          f"median of {args.repeats}")
    print(f"songs identical: {np.array_equal(old, new)} (max |diff| {np.abs(old.astype(int) - new).max()} uint8 levels)")
    print(f"{'path':<48}{'songs/s':>10}{'s total':>10}")
    print(f"{'before: invert per request, inline files':<48}{args.requests / before:>10.2f}{before:>10.1f}")
    print(f"{'now: pool inverted once, files in a thread':<48}{args.requests / now:>10.2f}{now:>10.1f}")
    print(f"throughput ratio now/before: {before / now:.2f}x")


def _before(generator, pool, batches, folder) -> np.ndarray:
    songs = []
    for b, batch in enumerate(batches):
        images = generator.generate_from([np.stack([pool[s] for s in r]) for r in batch], 0.5, n=1, seed=b)[:, 0]
        for k, image in enumerate(images):
            write_song_files(folder, b * 100 + k, image, generator.mel)
        songs.append(images)
    return np.concatenate(songs)


def _now(generator, pool, batches, folder) -> np.ndarray:
    inversions, songs, pending = PoolInversions(pool), [], None
    with ThreadPoolExecutor(1) as worker:
        for b, batch in enumerate(batches):
            images = generator.generate_from_latents(inversions.requests(0, generator, 0.5, batch), 0.5, n=1, seed=b)
            if pending is not None:
                pending.result()
            pending = worker.submit(lambda imgs=images[:, 0], b=b: [write_song_files(folder, b * 100 + k, im, generator.mel)
                                                                    for k, im in enumerate(imgs)])
            songs.append(images[:, 0])
        pending.result()
    return np.concatenate(songs)


def _timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="small", choices=["tiny", "small"])
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    main()
