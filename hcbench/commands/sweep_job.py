"""One job of a sweep (``hcbench run -m``): its own run directory, and the threads its launcher gave it.

Jobs run one after another (Hydra's basic launcher), side by side on this machine
(``hydra/launcher=joblib``) or on a cluster (``hydra/launcher=slurm``); in every case each job
writes its own run.db, so that jobs never collide and each run stays self-contained.
"""
from __future__ import annotations

import os
from pathlib import Path

import torch
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig


def as_sweep_job(cfg: DictConfig) -> DictConfig:
    """``cfg`` as a job of a sweep runs it; a single run's ``cfg`` is returned as it is.

    Job N runs in ``hydra.sweep.dir``/N (``runs/EXPERIMENT/multirun/DATE_TIME/N``; the sweep's
    overrides are in multirun.yaml beside, each job's config in its run.db), or in ``RUN_DIR/N``
    when the command names run_dir. Rerunning a sweep with ``hydra.sweep.dir`` set to its folder
    (or the same run_dir) continues its jobs.
    """
    if not HydraConfig.initialized() or HydraConfig.get().mode != RunMode.MULTIRUN:
        return cfg
    hydra = HydraConfig.get()
    named = any(override.lstrip("+~").split("=")[0] == "run_dir" for override in hydra.overrides.task)
    cfg.run_dir = str(Path(cfg.run_dir if named else hydra.sweep.dir) / str(hydra.job.num))
    _threads_from_environment()
    print(f"sweep job {hydra.job.num}: {cfg.run_dir} on {torch.get_num_threads()} thread(s)", flush=True)
    return cfg


def _threads_from_environment() -> None:
    """torch read OMP_NUM_THREADS when it was imported; a launcher sets it per job after that
    (``hydra.job.env_set``), and joblib's workers get one thread per core they share."""
    threads = os.environ.get("OMP_NUM_THREADS", "")
    if threads.isdigit() and int(threads) > 0:
        torch.set_num_threads(int(threads))
