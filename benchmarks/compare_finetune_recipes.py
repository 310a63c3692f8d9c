"""Side by side: fine-tuning recipes for v1, judged by the simulators' truth on the same requests.

    python benchmarks/compare_finetune_recipes.py runs/default/seed0 [--requests 64] [--threads 1]

From a finished run, it takes iteration 0's training set D and its first requests. Then it
fine-tunes v0 in several ways and answers those requests with each result, using the same
noise. Recipes:

- eq2-D: the paper's loss (eq. 2) on D, as in the run's own fine-tune.
- eq2-rejected: the same loss on the songs that selection left out, to separate the effect
  of selection from the effect of training on the model's own outputs.
- eq2-corpus: the same steps on corpus clips, as a control.
- dpo-pairs: the loop's `finetune=dpo`: Diffusion-DPO on pairs of songs made from the same
  inputs, the winner by the run's score; frozen v0 is the reference.

Each recipe takes its settings from conf/finetune/ (weighted or dpo) and the run's seed and
`finetune.steps`, whichever objective the run itself used.

It prints the requesters' mean true utility, the population's, and the music-manifold
quality term. Higher is better for all three.
"""
from __future__ import annotations

import argparse
import copy
import tempfile
from pathlib import Path

import numpy as np
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf

from hcbench.corpus import build_corpus
from hcbench.loop.finetune import round_trainer, train_dpo
from hcbench.models.model_dir import load_generator
from hcbench.models.pretrain import pretrain
from hcbench.paths import conf_dir
from hcbench.store import RunStore, write_song_files
from simulators import build_population, fit_space
from simulators.panel import SimulatedPanel


def main() -> None:
    args = _parse()
    torch.set_num_threads(args.threads)
    store = RunStore(args.run_dir, create=False)
    cfg = OmegaConf.create(store.get_meta("config"))
    v0 = load_generator(cfg.model.path, cfg.model.steps).eval_mode()
    corpus = build_corpus(instantiate(cfg.corpus))
    space = fit_space(instantiate(cfg.embedder), corpus, v0.mel, instantiate(cfg.space), progress=False)
    panel = SimulatedPanel(build_population(instantiate(cfg.raters), space, cfg.n_raters, cfg.seed), cfg.seed)
    requests = store.rows("SELECT id, rater_id FROM requests WHERE iteration = 0 AND dispatch = 'new' ORDER BY id "
                          "LIMIT ?", (args.requests,))
    inputs = [store.song_images(store.column("SELECT song_id FROM request_inputs WHERE request_id = ? "
                                             "ORDER BY position", (r["id"],)).tolist()) for r in requests]
    raters = np.array([r["rater_id"] for r in requests])
    recipes = {"none (v0)": lambda: v0, **_recipes(store, cfg, v0, corpus)}
    print(f"{'recipe':<16} {'requesters':>10} {'population':>10} {'quality':>8}")
    with tempfile.TemporaryDirectory() as root:
        for k, (name, make) in enumerate(recipes.items()):
            model = make().eval_mode()
            images = model.generate_from(inputs, cfg.loop.requests.strength, 1, seed=123,
                                         eta=cfg.loop.requests.eta)[:, 0]
            own, everyone, quality = _judge(panel, images, raters, model.mel, Path(root) / f"recipe{k}")
            print(f"{name:<16} {own:>10.3f} {everyone:>10.3f} {quality:>8.2f}", flush=True)


def _recipes(store: RunStore, cfg, v0, corpus) -> dict:
    chosen = store.rows("SELECT song_id, confidence FROM training_set WHERE added_iteration = 0 ORDER BY song_id")
    rejected = store.column("SELECT id FROM songs WHERE kind = 'generated' AND iteration = 0 AND id NOT IN "
                            "(SELECT song_id FROM training_set) ORDER BY id").tolist()
    corpus_images, _ = corpus.spectrograms(v0.mel, "train")
    pick = np.random.default_rng(0).choice(len(corpus_images), len(chosen), replace=False)
    d_images = store.song_images([r["song_id"] for r in chosen])
    return {
        "eq2-D": lambda: _eq2(cfg, v0, d_images, [r["confidence"] for r in chosen]),
        "eq2-rejected": lambda: _eq2(cfg, v0, store.song_images(rejected), np.ones(len(rejected))),
        "eq2-corpus": lambda: _eq2(cfg, v0, corpus_images[pick], np.ones(len(pick))),
        "dpo-pairs": lambda: _dpo(store, cfg, v0),
    }


def _eq2(cfg, v0, images, weights):
    model = copy.deepcopy(v0)
    trainer = round_trainer(_trainer(cfg, "weighted"), model, cfg.loop.requests.strength, 1)
    with tempfile.TemporaryDirectory() as out:
        pretrain(model, images, trainer, Path(out), weights=np.asarray(weights), description="eq. 2")
    return model


def _dpo(store: RunStore, cfg, v0):
    """The loop's DPO fine-tune (finetune=dpo) of v0 on iteration 0's same-input pairs."""
    model = copy.deepcopy(v0)
    with tempfile.TemporaryDirectory() as out:
        trainer = round_trainer(_trainer(cfg, "dpo"), model, cfg.loop.requests.strength, 1)
        if train_dpo(store, 0, model, trainer, Path(out)) is None:
            raise SystemExit(f"{store.run_dir}: no same-input pair in iteration 0 to train DPO on")
    return model


def _trainer(cfg, objective: str):
    """conf/finetune/<objective>.yaml with the run's seed and number of steps, whatever the run used."""
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        chosen = compose("run", overrides=[f"finetune={objective}", f"seed={cfg.seed}",
                                           f"finetune.steps={cfg.finetune.steps}"])
    return instantiate(chosen.finetune)


def _judge(panel: SimulatedPanel, images: np.ndarray, raters: np.ndarray, mel, folder: Path) -> tuple:
    """Write the songs where the panel hears them (one folder per recipe: it caches by path) and ask the truth."""
    paths = [folder.parent / write_song_files(folder, i, image, mel)[1] for i, image in enumerate(images)]
    utility = panel.truth.utility(panel.songs(paths))  # (raters, songs)
    quality = panel.quality(paths)
    return float(utility[raters, np.arange(len(raters))].mean()), float(utility.mean()), float(quality.mean())


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", help="a finished `hcbench run` directory (iteration 0 scored and selected)")
    parser.add_argument("--requests", type=int, default=64, help="iteration 0's first new requests to answer")
    parser.add_argument("--threads", type=int, default=1)
    return parser.parse_args()


if __name__ == "__main__":
    main()
