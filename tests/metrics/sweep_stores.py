"""Hand-made sweep jobs: run databases whose evaluation gains are known, without running the loop."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hcbench.store import RunStore, records

REQUESTS = 12


def sweep_job(folder: Path, seed: int, utility_gain: float, stars_gain: float, finished: bool = True,
              **settings) -> Path:
    """A 2-version paired run of ``seed``: each of its evaluation requests answered by v0 and v1, v1's true
    utility ``utility_gain`` and stars ``stars_gain`` above v0's (plus a little noise); ``settings`` are
    config entries (dotted keys) beside the seed."""
    store = RunStore(folder)
    config = {"seed": seed, "run_dir": str(folder), "experiment_name": "sweep_test",
              "loop": {"versions": 2, "dispatch": {"evaluation": "paired"}}, "finetune": {"seed": seed}}
    for key, value in settings.items():
        *parents, leaf = key.split("__")
        node = config
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    store.set_meta("config", config)
    store.set_meta("seed", seed)
    store.set_meta("bootstrap", 200)
    rng = np.random.default_rng(seed)
    with store.transaction() as db:
        records.raters(db, [0, 1])
        for request in range(REQUESTS):  # one input song per request: what tells two requests apart
            records.corpus_song(db, request, (f"songs/{request}.png", f"songs/{request}.wav", 1.0), "input",
                                f"heldout:{request}")
        records.version(db, 0, None, "versions/v0", 0, 0)
        records.version(db, 1, 0, "versions/v1", 1, 0)
        song = REQUESTS
        for request in range(REQUESTS):
            base_utility, base_stars = rng.uniform(0.3, 0.7), rng.uniform(2.0, 4.0)
            for version, (utility, stars) in enumerate([(base_utility, base_stars),
                                                        (base_utility + utility_gain + rng.normal(0, 0.001),
                                                         base_stars + stars_gain + rng.normal(0, 0.01))]):
                asked = records.request(db, 1, request % 2, version, "new", None, None, [], [request])
                records.generated_song(db, song, (f"songs/{song}.png", f"songs/{song}.wav", 1.0), version, 1, asked)
                rating = records.rating(db, asked, request % 2, song, "served", 1, version, stars, 1.0, 1.0, 0.0)
                records.true_utilities(db, [rating], [utility])
                song += 1
    if finished:
        store.finish_stage(1, "done", 0.0)
    store.close()
    return folder
