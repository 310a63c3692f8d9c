"""Fresh requests to a finished run's raters, and many candidate songs for each (``hcbench overopt``).

The requests are drawn as the shared evaluation draws its own (``FreshDraws``: from a seed derived
from the run seed, keyed apart from every draw the run made): who asks, and which of the run's
input pool they bring. Each request's candidates are drawn as a best-of-n version draws them
(``draw_candidates``: candidate k from ``candidate_seed(seed, k)``), so the pick among the first n
is what ``method=best_of_n`` with ``method.n=n`` would serve for that request and seed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hcbench.compare.evaluation import evaluation_seed
from hcbench.compare.panel import FreshDraws
from hcbench.errors import ConfigError
from hcbench.loop.config import RequestConfig
from hcbench.loop.dispatch import input_sets
from hcbench.loop.pool import CorpusSongs, audio_path
from hcbench.models.best_of_n import draw_candidates
from hcbench.models.generator import Generator
from hcbench.progress import progress_bar
from hcbench.store import RunStore, queries, write_song_files

RATER_STREAM = 0x0E0  # the requesters' random stream of the evaluation seed


@dataclass(frozen=True)
class FreshRequests:
    raters: np.ndarray  # (requests,) who asks
    inputs: list[np.ndarray]  # each request's input spectrograms (k, H, W)


def fresh_requests(store: RunStore, panel, input_songs: CorpusSongs, input_index: np.ndarray,
                   cfg: RequestConfig, count: int, seed: int) -> FreshRequests:
    """``count`` requests by the run's raters (``panel``), with songs of the run's input pool (in ``store``)."""
    sources = [input_songs.source(int(i)) for i in input_index]
    pool_ids = [queries.corpus_song_id(store, source) for source in sources]
    if None in pool_ids:
        raise ConfigError(f"{store.run_dir} lacks input songs its config names ({sources[pool_ids.index(None)]}); "
                          "give a run that hcbench run finished, with the config it was made with")
    base = evaluation_seed(seed)
    raters = np.random.default_rng([base, RATER_STREAM]).choice(panel.rater_ids, count)
    chosen = FreshDraws(panel).choose_inputs(raters, [audio_path(store, i) for i in pool_ids],
                                             max(cfg.input_counts), (0,))
    images = input_songs.images[input_index]
    return FreshRequests(raters, [images[row] for row in input_sets(chosen, cfg.inputs_per_request, base, 0)])


def candidate_songs(generator: Generator, requests: FreshRequests, cfg: RequestConfig, candidates: int,
                    seed: int) -> np.ndarray:
    """(requests, candidates, H, W): each request's inputs inverted once, then denoised ``candidates`` times."""
    with progress_bar("overopt: candidates", len(requests.raters) * candidates) as advance:
        latents = generator.invert_requests(requests.inputs, cfg.strength)
        drawn = draw_candidates(_counted(generator.generate_from_latents, advance), latents, cfg.strength, 1,
                                evaluation_seed(seed), cfg.eta, candidates)
    return drawn[:, 0]


def _counted(generate, advance):
    def call(latents, *args):
        songs = generate(latents, *args)
        advance(len(latents))
        return songs
    return call


def song_paths(folder: Path, songs: np.ndarray, mel) -> list[Path]:
    """Write each song's PNG and WAV under ``folder`` (ids in order); the WAVs' paths, which raters hear."""
    return [folder.parent / write_song_files(folder, i, song, mel)[1] for i, song in enumerate(songs)]
