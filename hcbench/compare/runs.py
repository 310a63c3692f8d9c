"""Every method of ``compare.methods`` for every seed of ``compare.seeds``, each an ordinary run.

Each combination's config is composed with Hydra's compose API from the user's own overrides
plus ``method``, ``seed`` and ``run_dir``: it is exactly the config of
``hcbench run experiment=NAME method=M seed=K run_dir=...``, so any one run can be redone or
inspected by hand. A Hydra multirun (``-m method=...,... seed=...``) would launch the same jobs,
but as separate processes whose results compare could not wait for in one place: the shared
evaluation needs every run finished, and a sweep's launcher (joblib, SLURM) is the wrong tool
for jobs this small. Runs go one after another, each on all the threads the run itself takes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf, open_dict

from hcbench.errors import ConfigError
from hcbench.paths import conf_dir

COMPARE_ONLY = ("compare", "compare_dir", "rebuild", "max_spending_gap")  # keys of the compare command, not of a run
SET_PER_RUN = ("method", "seed", "run_dir")  # compare sets these for each combination


@dataclass(frozen=True)
class Combination:
    method: str
    seed: int
    run_dir: Path


def combinations(cfg: DictConfig) -> list[Combination]:
    """(method, seed, run directory) of every run the experiment compares, methods in the order listed."""
    methods, seeds = compared_methods(cfg), [int(s) for s in cfg.compare.seeds]
    if not seeds:
        raise ConfigError("compare.seeds is empty; list at least one seed, e.g. compare.seeds=[0]")
    root = Path(cfg.compare_dir)
    return [Combination(m, s, root / m / f"seed{s}") for s in seeds for m in methods]


def compared_methods(cfg: DictConfig) -> list[str]:
    """``compare.methods``, checked against conf/method/."""
    if "compare" not in cfg or OmegaConf.is_missing(cfg.compare, "methods"):
        raise ConfigError(f"experiment {cfg.experiment_name} names no methods to compare; use "
                          "experiment=compare_smoke or experiment=compare, or give the experiment a "
                          "compare: {methods: [...], seeds: [...], requests: N} node")
    methods = [str(m) for m in cfg.compare.methods]
    known = sorted(p.stem for p in (conf_dir() / "method").glob("*.yaml"))
    unknown = [m for m in methods if m not in known]
    if unknown:
        raise ConfigError(f"compare.methods names unknown method(s) {', '.join(unknown)}; the methods are "
                          f"{', '.join(known)} (conf/method/)")
    if len(set(methods)) != len(methods) or not methods:
        raise ConfigError(f"compare.methods must list distinct methods, at least one; got {methods}")
    return methods


def run_config(overrides: list[str], combination: Combination) -> DictConfig:
    """The run config of one combination: the user's overrides, then its method, seed and run directory."""
    own = run_overrides(overrides)
    own += [f"method={combination.method}", f"seed={combination.seed}", f"run_dir={combination.run_dir}"]
    cfg = _compose_run(own)
    with open_dict(cfg):
        cfg.pop("compare", None)  # what is compared is no part of a run: adding a method leaves runs as they are
    return cfg


def run_overrides(overrides: list[str]) -> list[str]:
    """The user's overrides that concern a run; compare's own keys are dropped."""
    kept = []
    for override in overrides:
        key = override.split("=", 1)[0].lstrip("+~")
        if key in SET_PER_RUN:
            raise ConfigError(f"compare sets {key} for each run; list methods in compare.methods=[...] and seeds "
                              f"in compare.seeds=[...] instead of {override}")
        if key.split(".", 1)[0] not in COMPARE_ONLY:
            kept.append(override)
    return kept


def _compose_run(overrides: list[str]) -> DictConfig:
    if GlobalHydra.instance().is_initialized():  # inside ``hcbench compare`` (a Hydra app) on conf/
        return compose("run", overrides=overrides)
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose("run", overrides=overrides)
