"""Answer an iteration's new-song requests: DDIM inversion + SLERP + denoise with the drawn version.

Requests are generated in fixed batches (per version, in request order); a batch's songs
land in one transaction, and its noise seed depends only on the batch, so a batch
redone after a crash gives the same songs. Input songs are inverted once per version
(``PoolInversions``), and a batch's files are written while the next one denoises
(``SongWriter``). The seed leaves the version out: in a paired
evaluation the k-th request of every version is the same request, so each version
denoises it from the same noise (common random numbers) and the versions' songs differ
only by what the versions learned.
"""
from __future__ import annotations

import numpy as np

from hcbench.loop.config import RequestConfig
from hcbench.loop.inversions import PoolInversions
from hcbench.loop.song_writer import SongWriter
from hcbench.loop.versions import Versions
from hcbench.progress import progress_bar
from hcbench.store import RunStore, queries


def generate_songs(store: RunStore, iteration: int, versions: Versions, inputs: dict[int, list[int]],
                   inversions: PoolInversions, cfg: RequestConfig, seed: int) -> int:
    """Generate every missing song of ``iteration``; returns how many were made now.

    ``inputs`` holds each request's input song ids (``queries.request_inputs``).
    """
    rows = queries.new_song_requests(store, iteration)
    batches = [(v, b, chunk) for v in sorted({r["version"] for r in rows})
               for b, chunk in enumerate(_chunks([r for r in rows if r["version"] == v], cfg.batch_size))]
    todo = [(v, b, chunk) for v, b, chunk in batches if any(r["served_song_id"] is None for r in chunk)]
    made = 0
    with (progress_bar(f"iteration {iteration}: generating", sum(len(c) for _, _, c in todo)) as advance,
          SongWriter(store, versions.generator(0).mel) as writer):
        for version, batch, chunk in todo:
            generator = versions.generator(version)
            latents = inversions.requests(version, generator, cfg.strength, [inputs[r["id"]] for r in chunk])
            images = generator.generate_from_latents(latents, cfg.strength, n=1, eta=cfg.eta,
                                                     seed=_batch_seed(seed, iteration, batch))
            writer.submit(images[:, 0], [r["id"] for r in chunk], version, iteration)
            made += len(chunk)
            advance(len(chunk))
    return made


def _batch_seed(seed: int, iteration: int, batch: int) -> int:
    return int(np.random.SeedSequence([seed, 30, iteration, batch]).generate_state(1)[0] & 0x7FFFFFFF)


def _chunks(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]
