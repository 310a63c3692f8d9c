import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf

from hcbench.errors import ConfigError
from hcbench.loop.config import FinetuneConfig, LoopConfig, per_iteration
from hcbench.loop.method import Method
from hcbench.loop.paper import PaperLoop
from hcbench.paths import conf_dir

EXPERIMENTS = sorted(p.stem for p in (conf_dir() / "experiment").glob("*.yaml"))
METHODS = sorted(p.stem for p in (conf_dir() / "method").glob("*.yaml"))


def _run_config(*overrides):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose("run", overrides=list(overrides))


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_experiment_composes_into_a_loop_and_a_fine_tuner(experiment):
    cfg = _run_config(f"experiment={experiment}")
    loop = instantiate(cfg.loop)
    # one trained round: compare (CI's 5 minutes), stress_qc and pilot_sensitivity (12- and 18-cell sweeps on 2 cores)
    one_round = "compare" in cfg or cfg.experiment_name in ("stress_qc", "pilot_sensitivity")
    trained = 1 if one_round else 2
    assert isinstance(loop, LoopConfig) and loop.versions >= trained + 1
    assert isinstance(instantiate(cfg.finetune), FinetuneConfig)
    assert cfg.run_dir == f"runs/{cfg.experiment_name}/seed0"


@pytest.mark.parametrize("method", METHODS)
def test_every_method_composes_into_a_method_with_every_experiment(method):
    for experiment in EXPERIMENTS:
        cfg = _run_config(f"experiment={experiment}", f"method={method}")
        assert isinstance(instantiate(cfg.method), Method)
        assert isinstance(instantiate(cfg.finetune), FinetuneConfig)


@pytest.mark.parametrize("method, objective, steps", [("paper", "weighted", 150), ("paper_dpo", "dpo", 150)])
def test_a_method_picks_its_fine_tuning_objective(method, objective, steps):
    cfg = _run_config(f"method={method}")
    assert isinstance(instantiate(cfg.method), PaperLoop)
    finetune = instantiate(cfg.finetune)
    assert finetune.objective == objective and finetune.steps == steps
    smoke = instantiate(_run_config("experiment=smoke", f"method={method}").finetune)
    assert smoke.objective == objective and smoke.steps == 40  # an experiment's finetune settings still apply


@pytest.mark.parametrize("legacy, method", [((), ("method=paper_dpo",)), (("finetune=dpo",), ("method=paper_dpo",)),
                                            (("finetune=weighted",), ("method=paper",)),
                                            (("experiment=smoke", "finetune=weighted"),
                                             ("experiment=smoke", "method=paper"))])
def test_the_finetune_group_alone_still_composes_the_same_run_as_its_method(legacy, method):
    # the same config is the same run: runs made before conf/method/ existed are reproduced, and continue
    assert OmegaConf.to_container(_run_config(*legacy)) == OmegaConf.to_container(_run_config(*method))


@pytest.mark.parametrize("method", ["no_feedback", "random_selection", "oracle"])
def test_a_control_trains_with_the_runs_fine_tuner(method):
    assert instantiate(_run_config(f"method={method}").finetune).objective == "dpo"
    assert instantiate(_run_config(f"method={method}", "finetune=weighted").finetune).objective == "weighted"


def test_random_selection_draws_from_the_run_seed():
    assert instantiate(_run_config("method=random_selection", "seed=7").method).seed == 7


def test_the_default_method_is_the_paper_loop_with_dpo_and_a_finetune_override_wins():
    assert instantiate(_run_config().finetune).objective == "dpo"
    assert instantiate(_run_config("method=paper", "finetune=dpo").finetune).objective == "dpo"


def test_the_paper_pilot_follows_section_6():
    cfg = _run_config("experiment=paper_pilot")
    loop = instantiate(cfg.loop)
    assert [per_iteration(loop.requests.active_raters, t) for t in range(3)] == [5, 50, 50]
    assert loop.selection.top_k == 100 and loop.dispatch.p_old == 0.25 and loop.dispatch.live_versions == "all"
    assert loop.selection.beat_reference
    assert OmegaConf.to_container(cfg) == OmegaConf.to_container(_run_config("experiment=paper_pilot", "method=paper"))
    assert instantiate(cfg.finetune).objective == "weighted"  # the paper's own eq. 2
    assert loop.requests.inputs_per_request == 1  # Table 1 is single-song; merges left the last stage
    assert cfg.n_raters == 50 and cfg.model.name == "small" and cfg.raters.name == "paper_pilot"
    assert loop.dispatch.evaluation == "random" and not loop.qc.leniency  # versions at random; eq. 1's plain mean
    assert per_iteration(loop.requests.per_iteration, 0) == 50  # "around 50 songs using the base model"


def test_the_paper_pilot_collects_ratings_of_the_order_of_table_1():
    """Expected ratings of each version's new songs: agreement_k per new request (all of the cold start's, a share
    1 - p_old later, once D holds songs), split evenly over the versions live in that iteration (drawn at random)."""
    loop = instantiate(_run_config("experiment=paper_pilot").loop)

    def per_version(t: int) -> float:
        new = 1.0 if t == 0 else 1 - loop.dispatch.p_old
        return per_iteration(loop.requests.per_iteration, t) * loop.qc.agreement_k * new / (t + 1)

    counts = [sum(per_version(t) for t in range(v, loop.versions)) for v in range(loop.versions)]
    for count, table_1 in zip(counts, (501, 493, 174)):
        assert 0.75 * table_1 <= count <= 1.25 * table_1, counts


@pytest.mark.parametrize("override, field", [
    ("loop.dispatch.p_old=1.5", "p_old"), ("loop.requests.strength=0", "strength"),
    ("loop.qc.agreement_k=0", "agreement_k"), ("loop.selection.top_k=0", "top_k"),
    ("loop.dispatch.live_versions=some", "live_versions"), ("loop.versions=0", "versions"),
    ("loop.dispatch.evaluation=both", "evaluation"), ("loop.qc.leniency_prior_ratings=-1", "leniency_prior_ratings"),
    ("loop.dispatch.evaluation_raters=0", "evaluation_raters"),
])
def test_bad_loop_values_name_the_field(override, field):
    with pytest.raises(Exception, match=field) as info:
        instantiate(_run_config(override).loop)
    assert isinstance(info.value, ConfigError) or isinstance(info.value.__cause__, ConfigError)


def test_the_default_and_ci_experiments_take_leniency_out_of_scores():
    assert instantiate(_run_config().loop).qc.leniency
    assert instantiate(_run_config("experiment=ci").loop).qc.leniency
    assert not instantiate(_run_config("experiment=paper_pilot").loop).qc.leniency  # the paper's plain mean


def test_the_ci_gate_runs_a_paired_evaluation_on_the_tiny_model():
    cfg = _run_config("experiment=ci")
    loop = instantiate(cfg.loop)
    assert cfg.model.name == "tiny" and loop.dispatch.evaluation == "paired" and loop.versions == 3
    assert loop.requests.pool_size >= 7  # the pool's one inversion call is then batch-invariant on CPU


def test_the_workflow_experiments_set_what_they_test():
    """Each changes the default experiment in one respect, which its comment names."""
    crowds = {name: instantiate(_run_config(f"experiment={name}").raters).mix
              for name in ("lazy_crowd", "colluders", "drifting")}
    assert crowds["lazy_crowd"]["lazy"] == 0.4 and crowds["colluders"]["colluder"] == 0.3
    assert crowds["drifting"]["drifting"] == 0.6
    drifting = _run_config("experiment=drifting")
    assert drifting.raters.profiles.drifting.drift > 0 and instantiate(drifting.loop).versions == 5
    merges = instantiate(_run_config("experiment=merges").loop)
    assert merges.requests.input_counts == [1, 2, 3] and merges.requests.pool_size >= 3
    long_run = instantiate(_run_config("experiment=long_run").loop)
    assert long_run.versions == 10 and long_run.dispatch.evaluation == "paired"
    for name in ("lazy_crowd", "colluders", "drifting", "merges", "long_run"):
        cfg = _run_config(f"experiment={name}")
        assert cfg.experiment_name == name and cfg.model.name == "small"  # the default experiment's scale
        assert (conf_dir() / "experiment" / f"{name}.yaml").read_text().splitlines()[1].startswith("# Tests: ")


def test_input_counts_are_one_number_or_a_list_within_the_pool():
    assert instantiate(_run_config().loop).requests.input_counts == [2]
    with pytest.raises(Exception, match="inputs_per_request"):
        instantiate(_run_config("loop.requests.inputs_per_request=[1,11]").loop)


def test_settings_can_change_per_iteration():
    assert [per_iteration([5, 50], t) for t in range(3)] == [5, 50, 50]
    assert per_iteration(7, 4) == 7


def test_the_finetune_group_picks_the_objective_and_its_learning_rate():
    dpo, weighted = (instantiate(_run_config(f"finetune={name}").finetune) for name in ("dpo", "weighted"))
    assert dpo.objective == "dpo" and weighted.objective == "weighted"
    assert dpo.optimizer.keywords["lr"] < weighted.optimizer.keywords["lr"]  # DPO's steps move further
    assert instantiate(_run_config().finetune).objective == "dpo"  # the default
    assert dpo.pairs_from == "all" and dpo.generation_timesteps and not weighted.generation_timesteps
    assert instantiate(_run_config("experiment=smoke", "finetune=weighted").finetune).steps == 40


@pytest.mark.parametrize("override, field", [
    ("finetune.objective=ppo", "finetune.objective"), ("finetune.dpo_beta=0", "finetune.dpo_beta"),
    ("finetune.pair_min_gap=-1", "finetune.pair_min_gap"), ("finetune.steps=0", "trainer.steps"),
    ("finetune.pairs_from=best", "finetune.pairs_from"),
])
def test_bad_finetune_values_name_the_field(override, field):
    with pytest.raises(Exception, match=field):
        instantiate(_run_config(override).finetune)
