"""Where a loop run spends its time: stage seconds from the run store, then the functions that
dominate (cProfile over the real ``hcbench run``), then torch's operator table for DPO steps.

    python benchmarks/profile_loop.py                          # experiment=default, seed 0
    python benchmarks/profile_loop.py experiment=ci --top 30   # any run overrides
    python benchmarks/profile_loop.py --ops-only               # just the DPO operator table

The operator table profiles ``train_on_pairs`` (the loop's DPO fine-tune) on the shipped model for
``--dpo-steps`` steps with torch.profiler, so the share of convolutions, norms and optimiser
work inside a step shows.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from hcbench.commands.run import run_experiment
from hcbench.loop.finetune import round_trainer
from hcbench.models.model_dir import load_generator
from hcbench.models.pair_training import train_on_pairs
from hcbench.paths import conf_dir
from hcbench.store import RunStore

# Functions worth naming in the cumulative table: the loop's own, and the library calls they lean on.
WATCHED = ("hcbench/", "simulators/", "backward", "optim", "ema", "griffinlim", "clip_grad", "save")


def main() -> None:
    args = _parse()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = _compose(args.overrides + [f"run_dir={tmp}/run"])
        if not args.ops_only:
            _profile_run(cfg, args.top)
        _profile_dpo_ops(cfg, args.dpo_steps, Path(tmp) / "dpo")


def _compose(overrides: list[str]):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose("run", overrides=overrides)


def _profile_run(cfg, top: int) -> None:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(run_experiment, cfg)
    total = time.perf_counter() - started
    _print_stages(RunStore(cfg.run_dir, create=False), total)
    print(f"\ncProfile, {top} functions by cumulative time (loop code and the library calls it leans on):")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    shown = [(key, row) for key, row in stats.stats.items() if any(w in f"{key[0]}:{key[2]}" for w in WATCHED)]
    shown.sort(key=lambda item: -item[1][3])
    print(f"{'cumulative s':>13}{'share':>8}{'calls':>9}  function")
    for key, (_, calls, _, cumulative, _) in shown[:top]:
        print(f"{cumulative:>13.1f}{cumulative / total:>8.1%}{calls:>9}  {_name(key)}")


def _print_stages(store: RunStore, total: float) -> None:
    rows = store.rows("SELECT stage, SUM(seconds) AS s, GROUP_CONCAT(ROUND(seconds, 1), ' / ') AS each "
                      "FROM stages WHERE stage != 'done' GROUP BY stage ORDER BY s DESC")
    staged = sum(r["s"] for r in rows)
    print(f"run: {total:.1f} s in all (under cProfile), {staged:.1f} s in stages, "
          f"{total - staged:.1f} s set-up (corpus, raters' space, population, reports)")
    print(f"{'stage':<10}{'seconds':>9}{'share':>8}  per iteration")
    for r in rows:
        print(f"{r['stage']:<10}{r['s']:>9.1f}{r['s'] / total:>8.1%}  {r['each']}")


def _profile_dpo_ops(cfg, steps: int, out: Path) -> None:
    """torch.profiler over the loop's DPO trainer on random pairs of the shipped model's shape."""
    generator = load_generator(cfg.model.path, cfg.model.steps, cfg.model.batch_size)
    trainer = instantiate(cfg.finetune)
    trainer = round_trainer(trainer, generator, cfg.loop.requests.strength, 1)
    trainer.steps, trainer.warmup_steps, trainer.checkpoint_every = steps, 1, steps
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (32, generator.mel.y_res, generator.mel.x_res), dtype=np.uint8)
    winners, losers = np.arange(16), np.arange(16, 32)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        train_on_pairs(generator, images, winners, losers, trainer, cfg.finetune.dpo_beta, out)
    print(f"\ntorch.profiler: {steps} DPO steps of {trainer.batch_size // 2} pairs on {cfg.model.path}, "
          f"{torch.get_num_threads()} threads; operators by self CPU time")
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15, max_name_column_width=40))


def _name(key) -> str:
    filename, line, function = key
    return f"{function} ({Path(filename).name}:{line})" if filename != "~" else function


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="hcbench run overrides (key=value)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dpo-steps", type=int, default=10)
    parser.add_argument("--ops-only", action="store_true")
    return parser.parse_args()


if __name__ == "__main__":
    main()
