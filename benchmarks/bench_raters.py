"""Rater throughput: a population of 10,000 raters rating 1,000 songs, vectorised.

Songs arrive as precomputed embeddings (embed once, rate many). The population is
conf/raters/<population>.yaml on a synthetic 31-dimensional space the size of the
descriptor embedder's, with a 1,000-clip reference. Each timing is the median of
``--repeats`` calls; memory is numpy's peak allocation during one call (tracemalloc)
and the process's peak resident set.

    python benchmarks/bench_raters.py [--raters 10000] [--songs 1000] [--population default] [--repeats 3]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import numpy as np
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from rich.console import Console
from rich.table import Table

from hcbench.paths import conf_dir
from simulators import EmbeddingSpace, Songs, build_population, ground_truth

DIM, REFERENCE = 31, 1000


def synthetic_space(seed: int = 0) -> EmbeddingSpace:
    """Six Gaussian styles, standardised: the shape of a fitted descriptor space."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((6, DIM)) * 1.2
    points = centres[rng.integers(6, size=REFERENCE)] + rng.standard_normal((REFERENCE, DIM))
    return EmbeddingSpace(np.zeros(DIM), np.ones(DIM), (points - points.mean(0)) / points.std(0))


def measure(fn, repeats: int) -> tuple[float, float]:
    """(median seconds, peak MiB that numpy allocated during one call)."""
    fn()  # warm-up
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(seconds), peak / 2**20


def calls(population, songs: Songs, rng: np.random.Generator) -> list[tuple[str, int, object]]:
    """(name, ratings per call, call) for the ways a loop asks for ratings."""
    n_raters, n_songs = population.n_raters, len(songs)
    pick = lambda: Songs(songs.embeddings[rng.integers(n_songs, size=n_raters)], 30.0)
    ten_per_song = rng.integers(n_raters, size=(10, n_songs))
    return [
        ("rate: every rater x every song", n_raters * n_songs, lambda: population.rate(songs)),
        ("rate: 10 raters per song (output agreement)", 10 * n_songs, lambda: population.rate(songs, ten_per_song)),
        ("prefer: one pair per rater", n_raters, lambda: population.prefer(pick(), pick(), population.rater_ids)),
        ("ground truth: utility, every pair", n_raters * n_songs, lambda: ground_truth(population).utility(songs)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raters", type=int, default=10_000)
    parser.add_argument("--songs", type=int, default=1_000)
    parser.add_argument("--population", default="default")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = instantiate(compose(config_name="rate", overrides=[f"raters={args.population}"]).raters)
    space, rng = synthetic_space(), np.random.default_rng(1)
    start = time.perf_counter()
    population = build_population(cfg, space, args.raters, seed=0)
    build = time.perf_counter() - start
    near_corpus = space.reference[rng.integers(REFERENCE, size=args.songs)]
    songs = Songs(near_corpus + 0.3 * rng.standard_normal((args.songs, DIM)), 30.0)
    table = Table(title=f"{args.raters:,} raters ({cfg.name}) x {len(songs):,} songs, {DIM}-dim embeddings; "
                        f"population built in {build:.2f} s")
    for column in ("call", "ratings", "median s", "ratings / s", "peak numpy MiB"):
        table.add_column(column, justify="left" if column == "call" else "right")
    for name, count, fn in calls(population, songs, rng):
        seconds, peak = measure(fn, args.repeats)
        table.add_row(name, f"{count:,}", f"{seconds:.3f}", f"{count / seconds:,.0f}", f"{peak:,.0f}")
    Console(width=120).print(table)
    print(f"process peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:,.0f} MiB")


if __name__ == "__main__":
    main()
