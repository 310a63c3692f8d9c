"""v0 trained against a fixed reward model (RWR or DDPO), judged on the same requests and noise along its steps."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hcbench.compare.trained_overopt import TrainSchedule, trained_stages
from hcbench.errors import ConfigError

SMALL = dict(epochs=3, eval_every=2, samples_per_request=2, steps_per_epoch=2, batch_size=2, learning_rate=1e-3)


def test_the_weights_are_judged_before_training_every_eval_every_epochs_and_at_the_end():
    assert TrainSchedule(**SMALL).eval_epochs() == [0, 2, 3]
    assert TrainSchedule(epochs=40, eval_every=5).eval_epochs() == [0, 5, 10, 15, 20, 25, 30, 35, 40]
    with pytest.raises(ConfigError, match="samples_per_request must be >= 2"):
        TrainSchedule(samples_per_request=1)
    with pytest.raises(ConfigError, match="train.learning_rate must be positive"):
        TrainSchedule(learning_rate=0.0)
    with pytest.raises(ConfigError, match="train.optimiser=ppo: overopt trains by one of ddpo, rwr"):
        TrainSchedule(optimiser="ppo")


def _requests(seed: int, count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (2, 32, 32), dtype=np.uint8) for _ in range(count)]


def _run(generator, out_dir, optimiser="ddpo"):
    judged = []

    def judge(answers, step):  # a stand-in truth: the answer's mean brightness; the proxy: its darkness
        judged.append((step, answers.copy()))
        return -answers.mean(axis=(1, 2)), answers.mean(axis=(1, 2)) / 255

    score = lambda images: -images.reshape(len(images), -1).mean(axis=1)  # noqa: E731
    schedule = TrainSchedule(optimiser=optimiser, **SMALL)
    steps, proxy, truth, epochs = trained_stages(generator, score, _requests(0, 3), _requests(1, 4), judge, schedule,
                                                 0.5, 0, out_dir)
    assert [e["epoch"] for e in epochs] == [1, 2, 3] and all(np.isfinite(e["mean_reward"]) for e in epochs)
    return steps, proxy, truth, judged


@pytest.mark.parametrize("optimiser", ["ddpo", "rwr"])
def test_training_changes_the_weights_and_the_same_requests_are_judged_at_each_stage(tiny_generator, tmp_path,
                                                                                      optimiser):
    before = {k: v.clone() for k, v in tiny_generator.unet.state_dict().items()}
    steps, proxy, truth, judged = _run(tiny_generator, tmp_path / "a", optimiser)
    assert steps == [0, 4, 6] and [s for s, _ in judged] == steps
    assert proxy.shape == truth.shape == (4, 3)  # (evaluation requests, stages)
    assert any(not torch.equal(before[k], v) for k, v in tiny_generator.unet.state_dict().items())
    assert all(a.shape == (4, 32, 32) for _, a in judged) and not np.array_equal(judged[0][1], judged[-1][1])
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["epoch000", "epoch001", "epoch002"]


def test_same_seed_same_stages_and_a_rerun_resumes_from_the_checkpoints(tiny_model_cfg, tmp_path):
    from hcbench.models.factory import untrained_generator

    def fresh():
        generator = untrained_generator(tiny_model_cfg, seed=0)
        generator.steps = 10
        return generator.eval_mode()

    first = _run(fresh(), tmp_path / "a")
    again = _run(fresh(), tmp_path / "b")
    checkpoints = sorted((tmp_path / "a").glob("epoch*/checkpoints/last.pt"))
    written = [p.stat().st_mtime_ns for p in checkpoints]
    resumed = _run(fresh(), tmp_path / "a")  # every epoch's checkpoint is there: no step is trained again
    assert len(checkpoints) == 3 and [p.stat().st_mtime_ns for p in checkpoints] == written
    for other in (again, resumed):
        np.testing.assert_array_equal(first[1], other[1])
        np.testing.assert_array_equal(first[2], other[2])
