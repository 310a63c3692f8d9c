"""Which runs a comparison makes, and what each run's config is."""
from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from hcbench.compare.runs import Combination, combinations, compared_methods, run_config, run_overrides
from hcbench.errors import ConfigError
from hcbench.paths import conf_dir

COMPARE_EXPERIMENTS = sorted(p.stem for p in (conf_dir() / "experiment").glob("*.yaml")
                             if "compare" in OmegaConf.load(p))


def _compare(*overrides: str):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose("compare", overrides=list(overrides))


@pytest.mark.parametrize("experiment", COMPARE_EXPERIMENTS)
def test_compare_experiments_name_known_methods_and_seeds(experiment):
    cfg = _compare(f"experiment={experiment}")
    assert compared_methods(cfg) and list(cfg.compare.seeds) and cfg.compare.requests > 0


def test_the_compare_experiments_compare_every_method_there_is():
    """compare_smoke runs every method; on `small`, compare has the baselines and compare_eq2 eq. 2's controls."""
    methods = sorted(p.stem for p in (conf_dir() / "method").glob("*.yaml"))
    assert sorted(compared_methods(_compare("experiment=compare_smoke"))) == methods
    on_small = [set(compared_methods(_compare(f"experiment={e}"))) for e in ("compare", "compare_eq2")]
    assert sorted(set.union(*on_small)) == methods


def test_compare_eq2_sets_eq2_against_its_controls_at_compares_size():
    eq2, compare = _compare("experiment=compare_eq2"), _compare("experiment=compare")
    assert compared_methods(eq2) == ["paper", "random_selection_eq2", "corpus_clips", "paper_dpo"]
    assert eq2.budget == compare.budget and eq2.model == compare.model and eq2.loop.requests == compare.loop.requests
    assert eq2.loop.selection.top_k == 32 < eq2.loop.requests.per_iteration[0]  # selection has songs to leave out
    runs = {m: run_config([], Combination(m, 0, "runs/x")) for m in ("paper", "random_selection_eq2", "corpus_clips")}
    assert {m: run.finetune.objective for m, run in runs.items()} == dict.fromkeys(runs, "weighted")
    assert runs["random_selection_eq2"].method._target_.endswith("RandomSelection")


@pytest.mark.parametrize("experiment", ["compare_smoke", "compare"])
def test_the_budget_is_what_the_papers_loop_asks_of_its_cold_start(experiment):
    """No method is cut and each can spend it all: D is empty in round 0, so every request asks for a new
    song, rated by its requester and agreement raters, plus the requester's rating of the reference."""
    cfg = _compare(f"experiment={experiment}")
    first_round = OmegaConf.to_container(cfg.loop.requests.per_iteration)[0]
    assert cfg.budget.ratings_per_round == first_round * (cfg.loop.qc.agreement_k + 1)


def test_every_method_runs_for_every_seed_in_its_own_folder(tmp_path):
    cfg = _compare("experiment=compare_smoke", "compare.methods=[paper,paper_dpo]", "compare.seeds=[0,3]",
                   f"compare_dir={tmp_path}")
    planned = combinations(cfg)
    assert [(c.method, c.seed) for c in planned] == [(m, s) for s in (0, 3) for m in ("paper", "paper_dpo")]
    assert planned[-1].run_dir == tmp_path / "paper_dpo" / "seed3"


def test_a_runs_config_is_what_hcbench_run_would_compose(tmp_path):
    combination = Combination("paper", 2, tmp_path / "paper" / "seed2")
    cfg = run_config(["experiment=compare_smoke", "n_raters=30", "compare.requests=4", f"compare_dir={tmp_path}"],
                     combination)
    assert "compare" not in cfg  # adding a method to compare leaves every run's config as it was
    assert cfg.seed == 2 and cfg.n_raters == 30 and cfg.run_dir == str(combination.run_dir)
    assert cfg.finetune.objective == "weighted" and cfg.finetune.steps == 20  # method=paper under the experiment
    dpo = run_config(["experiment=compare_smoke"], Combination("paper_dpo", 2, tmp_path))
    assert dpo.finetune.objective == "dpo"


def test_bad_method_lists_name_the_problem_and_the_fix():
    with pytest.raises(ConfigError, match="unknown method.*no_such_method.*conf/method"):
        compared_methods(_compare("experiment=compare_smoke", "compare.methods=[paper,no_such_method]"))
    with pytest.raises(ConfigError, match="distinct"):
        compared_methods(_compare("experiment=compare_smoke", "compare.methods=[paper,paper]"))
    with pytest.raises(ConfigError, match="experiment default names no methods.*compare_smoke"):
        compared_methods(_compare())


def test_compare_sets_method_and_seed_itself():
    assert run_overrides(["n_raters=3", "compare.seeds=[1]", "+compare_dir=x", "rebuild=true"]) == ["n_raters=3"]
    with pytest.raises(ConfigError, match="compare.seeds=\\[...\\] instead of seed=1"):
        run_overrides(["seed=1"])
