"""Regenerate the shipped reference embeddings of the default run (corpus default, model small), as the
raters hear it through each shipped embedder: the descriptors and the CLAP preset clap_corpus.

    python -m simulators.prebuilt            # builds or reuses the corpus in $HCBENCH_CACHE, then writes here

Run it after anything that changes the default run's reference (corpus, mel, embedder, libraries), on
each kind of machine whose corpus spectrograms differ (AVX2 and AVX-512): it replaces this machine's
files and keeps the others'. After a change that moves every machine's reference, delete the old
files first (``rm simulators/prebuilt/reference-*.npz``).
"""
from __future__ import annotations

import logging
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from hcbench.corpus import build_corpus
from hcbench.paths import conf_dir
from simulators.prebuilt import FOLDER, SHIPPED_EMBEDDERS, ship_reference
from simulators.space import _load_or_embed, _shipped_or_embedded, reference_clips


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for embedder in SHIPPED_EMBEDDERS:
        path = _ship(embedder)
        print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


def _ship(embedder_name: str) -> Path:
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("run", overrides=[f"embedder={embedder_name}"])
    corpus = build_corpus(instantiate(cfg.corpus))
    mel, embedder, space = instantiate(cfg.model.mel), instantiate(cfg.embedder), instantiate(cfg.space)
    cache, images, _ = reference_clips(embedder, corpus, mel, space)
    raw = _load_or_embed(cache, lambda: _shipped_or_embedded(cache.name, embedder, images, mel, True, corpus.workers))
    return ship_reference(cache.name, images, raw)


if __name__ == "__main__":
    main()
