"""Sweeps: each job its own run directory and threads; the launchers' presets; jobs in parallel
through joblib and through submitit's local mode (slow; skipped without the sweep extra)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import open_dict

from hcbench.commands.sweep_job import as_sweep_job
from hcbench.paths import conf_dir
from tests.loop.conftest import FAST

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_hydra_job_left():
    """HydraConfig is a process-wide singleton: leave none behind for other tests."""
    yield
    HydraConfig.instance().cfg = None


def _job_config(*overrides: str, num: int = 0):
    """The config of sweep job ``num`` as Hydra hands it over, with HydraConfig set as in a multirun."""
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("run", overrides=list(overrides), return_hydra_config=True)
    with open_dict(cfg):
        cfg.hydra.mode, cfg.hydra.job.num = RunMode.MULTIRUN, num
        HydraConfig.instance().set_config(cfg)
        del cfg["hydra"]
    return cfg


def test_each_job_of_a_sweep_runs_in_its_own_folder(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    swept = as_sweep_job(_job_config("experiment=smoke", "seed=1", "hydra.sweep.dir=sweeps/a", num=3))
    assert swept.run_dir == str(Path("sweeps/a/3"))
    named = as_sweep_job(_job_config("experiment=smoke", "run_dir=mine", num=1))
    assert named.run_dir == str(Path("mine/1"))  # a fixed run_dir cannot be shared by the jobs


def test_a_single_run_keeps_its_run_dir():
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("run", overrides=["experiment=smoke", "seed=2"])
    assert as_sweep_job(cfg).run_dir == "runs/smoke/seed2"


def test_the_slurm_preset_sets_partition_time_memory_and_one_thread():
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher", reason='needs pip install -e ".[sweep]"')
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("run", overrides=["hydra/launcher=slurm", "hydra.launcher.partition=cpu"],
                      return_hydra_config=True)
    launcher = cfg.hydra.launcher
    assert launcher._target_.endswith("SlurmLauncher") and launcher.partition == "cpu"
    assert (launcher.timeout_min, launcher.mem_gb, launcher.cpus_per_task) == (120, 8, 1)
    assert cfg.hydra.job.env_set.OMP_NUM_THREADS == "1"


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["joblib", "submitit_local"])
def test_a_sweep_over_one_seed_gives_each_job_its_own_run(tmp_path, launcher):
    pytest.importorskip(f"hydra_plugins.hydra_{launcher.split('_')[0]}_launcher",
                        reason='needs pip install -e ".[sweep]"')
    sweep = tmp_path / "sweep"
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", "run", "-m", f"hydra/launcher={launcher}",
               *FAST, "loop.versions=1", "loop.qc.agreement_k=2,3", f"hydra.sweep.dir={sweep}"]
    env = {key: value for key, value in os.environ.items() if key != "OMP_NUM_THREADS"}  # the launcher sets it
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    for job, agreement in ((0, 2), (1, 3)):  # the same seed, so today's default run_dir would be shared
        with sqlite3.connect(sweep / str(job) / "run.db") as db:
            config = json.loads(db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
        assert config["loop"]["qc"]["agreement_k"] == agreement and config["run_dir"] == str(sweep / str(job))
        assert (sweep / str(job) / "report.html").is_file()
    if launcher == "joblib":  # one job per core, each on one thread
        assert result.stdout.count("on 1 thread(s)") == 2, result.stdout[-3000:]
