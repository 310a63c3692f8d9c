"""Questions asked of a run database that the loop's end-to-end tests do not pin."""
from __future__ import annotations

from hcbench.store import RunStore, queries, records


def test_charged_rating_calls_sum_the_charged_rounds_and_leave_out_the_evaluation(tmp_path):
    store = RunStore(tmp_path)
    assert queries.charged_rating_calls(store) == 0
    with store.transaction() as db:
        records.rating_calls(db, 0, 3, 8, charged=True)
        records.rating_calls(db, 1, 2, 8, charged=True)
        records.rating_calls(db, 1, 4, 8, charged=True)   # a round's calls add up across transactions
        records.rating_calls(db, 2, 50, None, charged=False)  # the evaluation round: charged to no method
    assert queries.charged_rating_calls(store) == 9
