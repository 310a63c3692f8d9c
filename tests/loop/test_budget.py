"""One budget of rating calls per round: whole requests in plan order while they fit; every round's calls recorded."""
import json

import pytest

from hcbench.commands.run import run_experiment
from hcbench.errors import ConfigError
from hcbench.loop.budget import BudgetConfig, RoundBudget, affordable
from hcbench.store import RunStore, queries
from tests.loop.conftest import loop_config


@pytest.mark.parametrize("calls, limit, asked", [([3, 3, 1], None, 3), ([3, 3, 1], 6, 2), ([3, 3, 1], 7, 3),
                                                 ([3, 1, 1], 2, 0), ([], 5, 0), ([4, 1], 3, 0)])
def test_a_round_asks_the_requests_that_fit_from_the_first_and_stops_at_the_first_that_does_not(calls, limit, asked):
    assert affordable(calls, limit) == asked


def test_the_evaluation_round_is_charged_to_no_method():
    cfg = BudgetConfig(ratings_per_round=40)
    assert [cfg.round(i, iterations=3) for i in range(3)] == [RoundBudget(40, True), RoundBudget(40, True),
                                                              RoundBudget(None, False)]
    assert BudgetConfig().round(0, iterations=3) == RoundBudget(None, True)


def test_a_budget_is_a_positive_count_or_none():
    with pytest.raises(ConfigError, match="budget.ratings_per_round must be >= 1"):
        BudgetConfig(ratings_per_round=0)


def _asks(request: dict) -> int:
    return 1 if request["dispatch"] == "old" else 2 + len(json.loads(request["agreement_raters"]))


@pytest.mark.slow
def test_a_budget_caps_each_training_round_and_the_store_records_what_was_spent(tmp_path):
    run_experiment(loop_config(tmp_path, "loop.versions=2", "budget.ratings_per_round=20"))
    store = RunStore(tmp_path, create=False)
    spent = queries.rating_calls(store)
    assert [(r["iteration"], r["budget"], r["charged"]) for r in spent] == [(0, 20, 1), (1, None, 0)]
    assert [r["calls"] for r in spent] == [queries.rating_count(store, i) for i in (0, 1)]
    requests = store.rows("SELECT * FROM requests WHERE iteration = 0 ORDER BY id")
    rated = queries.rated_requests(store, 0)
    asked = [r for r in requests if r["id"] in rated]
    assert asked == requests[:len(asked)]  # in plan order
    assert spent[0]["calls"] == sum(map(_asks, asked)) <= 20 < spent[0]["calls"] + _asks(requests[len(asked)])
    last = store.rows("SELECT * FROM requests WHERE iteration = 1")
    assert spent[1]["calls"] == sum(map(_asks, last))  # the evaluation asks everything
    run_experiment(loop_config(tmp_path, "loop.versions=2", "budget.ratings_per_round=20"))  # again: a resume
    assert queries.rating_calls(RunStore(tmp_path, create=False)) == spent
