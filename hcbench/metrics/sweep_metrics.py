"""A sweep (``hcbench run -m``) as one view, read from its jobs' run databases alone.

Each job's config is in its run.db; the swept settings are the config keys whose values differ
between jobs (keys that always change together count as one axis, the seed and the keys that
follow it aside). Per job: the evaluation's gain of the last version over v0 in true utility
and in stars, with its 95% interval (paired over requests where the evaluation was paired).
Then settings ranked by their mean utility gain over seeds, each seed's ranking, and Kendall's
tau between the seeds' rankings.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hcbench.metrics.compare_metrics import kendall_taus, ranking
from hcbench.metrics.version_steps import version_change
from hcbench.store import RunStore, StoreError, queries

NOT_SETTINGS = ("run_dir",)  # differ between jobs by construction


@dataclass
class SweepMetrics:
    axes: list[str] = field(default_factory=list)  # swept config keys, one per axis
    also: dict[str, list[str]] = field(default_factory=dict)  # per axis, the keys that changed with it
    rows: list[dict] = field(default_factory=list)  # one per finished job
    unfinished: list[str] = field(default_factory=list)  # jobs whose evaluation is not done
    settings: list[dict] = field(default_factory=list)  # one per setting: mean gains over seeds, best first
    rankings: list[dict] = field(default_factory=list)  # one per seed: settings by utility gain, best first
    taus: list[dict] = field(default_factory=list)  # Kendall's tau per pair of seeds


def sweep_jobs(multirun_dir: Path) -> list[Path]:
    """The job folders (N/run.db) of a multirun directory, by job number."""
    found = [p.parent for p in Path(multirun_dir).glob("*/run.db") if p.parent.name.isdigit()]
    if not found:
        raise StoreError(f"{multirun_dir} holds no sweep job (N/run.db); give the folder `hcbench run -m` wrote "
                         "(hydra.sweep.dir, runs/EXPERIMENT/multirun/DATE_TIME)")
    return sorted(found, key=lambda p: int(p.name))


def sweep_metrics(multirun_dir: Path) -> SweepMetrics:
    jobs = []
    for folder in sweep_jobs(multirun_dir):
        store = RunStore(folder, create=False)
        jobs.append({"job": int(folder.name), "config": store.get_meta("config"), **_gains(store)})
        store.close()
    axes = swept_axes([j["config"] for j in jobs if j["config"] is not None])  # None: a job just starting
    result = SweepMetrics(axes=list(axes), also=axes)
    for j in jobs:
        if j["utility_gain"] is None:
            result.unfinished.append(str(j["job"]))
            continue
        setting = {axis: _flat(j["config"])[axis] for axis in axes}
        gains = {k: v for k, v in j.items() if k not in ("job", "config")}
        result.rows.append({"job": j["job"], "seed": int(j["config"]["seed"]), "setting": setting,
                            "label": setting_label(setting), **gains})
    result.rows.sort(key=lambda r: (_order(r["setting"].values()), r["seed"], r["job"]))
    result.settings = _settings(result.rows)
    result.rankings = _rankings(result.rows)
    if len(result.settings) > 1:  # one setting has no order to agree on
        result.taus = kendall_taus(result.rows, "label", "utility_gain")
    return result


def swept_axes(configs: list[dict]) -> dict[str, list[str]]:
    """Swept keys, one per axis (the shortest name of keys that always change together) -> the others.

    Keys that follow the seed (a fine-tuner's ``seed: ${seed}``) are not axes: they stay equal
    among jobs of one seed.

    >>> jobs = [{"seed": s, "finetune": {"steps": n, "seed": s}, "run_dir": f"x/{i}"}
    ...         for i, (n, s) in enumerate([(20, 0), (20, 1), (40, 0), (40, 1)])]
    >>> swept_axes(jobs)
    {'finetune.steps': []}
    """
    flat = [_flat(c) for c in configs]
    seeds = [f.get("seed") for f in flat]
    groups: dict[tuple, list[str]] = {}
    for key in sorted(set().union(*flat)):
        values = [json.dumps(f.get(key), sort_keys=True) for f in flat]
        if key in NOT_SETTINGS or len(set(values)) < 2 or _follows(values, seeds):
            continue
        pattern = tuple(values.index(v) for v in values)  # the partition of jobs this key makes
        groups.setdefault(pattern, []).append(key)
    axes = {}
    for keys in groups.values():
        name = min(keys, key=lambda k: (len(k), k))
        axes[name] = [k for k in keys if k != name]
    return dict(sorted(axes.items()))


def setting_label(setting: dict) -> str:
    """``key=value, ...``; 'all jobs' when nothing but the seed was swept.

    >>> setting_label({"finetune.steps": 20, "loop.qc.agreement_k": 3})
    'finetune.steps=20, loop.qc.agreement_k=3'
    """
    return ", ".join(f"{k}={json.dumps(v) if isinstance(v, (list, dict)) else v}" for k, v in setting.items()) \
        or "all jobs"


def _gains(store: RunStore) -> dict:
    """The last version's gain over v0 in the run's evaluation (its last iteration); None until it is done."""
    config = store.get_meta("config") or {}
    last = int(config.get("loop", {}).get("versions", 0)) - 1
    if last < 0 or not store.stage_done(last, "done"):
        return {"utility_gain": None, "stars_gain": None, "paired": None, "requests": None, "versions": None}
    resamples, seed = int(store.get_meta("bootstrap", 1000)), int(store.get_meta("seed", 0))
    versions = sorted({r["version"] for r in queries.rated_outputs_with_requests(store, last)})
    change = version_change(store, last, versions[0], versions[-1], resamples, seed)
    return {"utility_gain": change["utility"], "stars_gain": change["stars"], "paired": change["paired"],
            "requests": change["requests"], "versions": [versions[0], versions[-1]]}


def _rankings(rows: list[dict]) -> list[dict]:
    """Per seed, its settings by utility gain, best first."""
    rankings = []
    for seed in sorted({r["seed"] for r in rows}):
        mine = [r for r in rows if r["seed"] == seed]
        order = ranking(mine, "label", "utility_gain")
        gain = {r["label"]: r["utility_gain"]["mean"] for r in mine}
        rankings.append({"seed": seed, "order": order, "utility_gain": [gain[s] for s in order]})
    return rankings


def _settings(rows: list[dict]) -> list[dict]:
    """Per setting, mean gains over its seeds and how many seeds' utility intervals lie above 0; best first."""
    out = []
    for label in dict.fromkeys(r["label"] for r in rows):
        mine = [r for r in rows if r["label"] == label]
        out.append({"label": label, "setting": mine[0]["setting"], "seeds": len(mine),
                    "utility_gain": {"mean": float(np.mean([r["utility_gain"]["mean"] for r in mine]))},
                    "stars_gain": {"mean": float(np.mean([r["stars_gain"]["mean"] for r in mine]))},
                    "seeds_above_zero": sum(r["utility_gain"]["low"] > 0 for r in mine)})
    order = ranking(out, "label", "utility_gain")
    return sorted(out, key=lambda s: order.index(s["label"]))


def _follows(values: list[str], seeds: list) -> bool:
    """Whether a key is equal among jobs of one seed (so, with the seed swept, it follows the seed)."""
    if len(set(map(str, seeds))) < 2:
        return False
    by_seed: dict[str, set] = {}
    for value, seed in zip(values, seeds):
        by_seed.setdefault(str(seed), set()).add(value)
    return all(len(v) == 1 for v in by_seed.values())  # the seed itself among them


def _flat(value, prefix: str = "") -> dict:
    """A nested config as dotted keys -> values (lists kept whole)."""
    if not isinstance(value, dict):
        return {prefix: value}
    out = {}
    for key, item in value.items():
        out.update(_flat(item, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _order(values) -> tuple:
    """Settings sort numbers by value, anything else by its text."""
    return tuple((0, v, "") if isinstance(v, (int, float)) and not isinstance(v, bool) else (1, 0, json.dumps(v))
                 for v in values)
