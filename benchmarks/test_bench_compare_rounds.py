"""bench_compare_rounds.py on a made-up compare directory: seconds per round per method, as ratios against paper.

    pytest benchmarks/test_bench_compare_rounds.py
"""
from __future__ import annotations

from bench_compare_rounds import method_figures, table
from hcbench.store import RunStore


def _run(path, rounds: list[dict[str, float]]) -> None:
    """A run.db whose rounds took these stage seconds; the last round only evaluates."""
    store = RunStore(path)
    for iteration, stages in enumerate(rounds):
        for stage, seconds in stages.items():
            store.finish_stage(iteration, stage, seconds)
        store.finish_stage(iteration, "done", 0.0)
    store.close()


def test_each_method_is_timed_per_training_round_against_paper(tmp_path):
    training = {"plan": 1.0, "generate": 4.0, "rate": 1.0, "score": 1.0, "select": 1.0, "finetune": 2.0}
    _run(tmp_path / "paper" / "seed0", [training, training, {"plan": 1.0, "generate": 2.0}])
    _run(tmp_path / "paper" / "seed1", [{**training, "finetune": 12.0}, training, {"generate": 3.0}])
    _run(tmp_path / "pairwise_dpo" / "seed0", [{**training, "rate": 6.0}, {"generate": 3.0}])
    (tmp_path / "evaluation" / "seed0").mkdir(parents=True)  # the shared evaluation is no method
    figures = method_figures(tmp_path)
    assert list(figures) == ["paper", "pairwise_dpo"]  # the peer first
    assert figures["paper"]["training"] == 12.5 and figures["paper"]["finetune"] == 4.5  # 3 rounds of 10, 1 of 20
    assert figures["paper"]["evaluation"] == 3.0 and figures["paper"]["rounds"] == 2
    assert figures["pairwise_dpo"]["training"] == 15.0
    lines = table(figures).splitlines()
    assert lines[1].split()[:5] == ["paper", "2", "2", "12.5", "1.00x"]
    assert lines[2].split()[:5] == ["pairwise_dpo", "1", "1", "15.0", "1.20x"]
