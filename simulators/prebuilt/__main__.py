"""Regenerate the shipped reference embeddings of the default run (corpus default, model small, descriptor).

    python -m simulators.prebuilt            # builds or reuses the corpus in $HCBENCH_CACHE, then writes here

Run it after anything that changes the default run's reference (corpus, mel, embedder, libraries).
"""
from __future__ import annotations

import logging

from hydra.utils import instantiate
from omegaconf import OmegaConf

from hcbench.corpus import build_corpus
from hcbench.paths import conf_dir
from simulators.prebuilt import FOLDER, ship_reference
from simulators.space import _load_or_embed, _shipped_or_embedded, reference_clips


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    conf = conf_dir()
    corpus = build_corpus(instantiate(OmegaConf.load(conf / "corpus" / "default.yaml")))
    mel = instantiate(OmegaConf.load(conf / "model" / "small.yaml").mel)
    embedder = instantiate(OmegaConf.load(conf / "embedder" / "descriptor.yaml"))
    space = instantiate(OmegaConf.load(conf / "run.yaml").space)
    cache, images, _ = reference_clips(embedder, corpus, mel, space)
    raw = _load_or_embed(cache, lambda: _shipped_or_embedded(cache.name, embedder, images, mel, True, corpus.workers))
    for old in FOLDER.glob("reference-*.npz"):
        old.unlink()  # one shipped file: the default run's
    path = ship_reference(cache.name, images, raw)
    print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
