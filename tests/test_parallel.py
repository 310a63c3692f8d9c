"""Process pools: inline where a spawned child could not start."""
from __future__ import annotations

import multiprocessing as mp

from hcbench.parallel import can_spawn, ordered_map, process_pool


def _square(x: int) -> int:
    return x * x


def test_a_process_whose_start_method_children_cannot_know_works_inline(monkeypatch):
    monkeypatch.setattr(mp, "get_start_method", lambda allow_none=False: "loky")  # as in a joblib worker
    assert not can_spawn()
    with process_pool(2) as pool:
        assert pool is None
        assert list(ordered_map(_square, range(4), pool)) == [0, 1, 4, 9]


def test_a_plain_process_can_spawn():
    assert can_spawn()
