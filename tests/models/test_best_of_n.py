"""A best-of-n version: n candidates per request, the reward model's pick served; n = 1 serves the plain songs."""
import numpy as np
import pytest

from hcbench.errors import ConfigError
from hcbench.models.best_of_n import BestOfNGenerator, candidate_seed, load_version, write_best_of_n
from hcbench.models.reward_model import RewardModel, constant_reward


class Brightness:
    """A stand-in similarity: a song's one feature is its mean pixel."""

    def represent(self, images):
        return np.asarray(images, np.float64).mean(axis=(1, 2))[:, None]


BRIGHTER = RewardModel((0.0,), (1.0,), (1.0,), 0.0, 1.0)  # reward = mean pixel


def _best_of(generator, n, reward=BRIGHTER):
    return BestOfNGenerator(generator.unet, generator.scheduler, generator.mel, generator.steps, generator.batch_size,
                   reward=reward, candidates=n, similarity=Brightness())


@pytest.fixture
def fast_generator(tiny_generator):
    tiny_generator.steps = 4  # strength 0.5: two steps each way
    return tiny_generator


def _requests():
    songs = np.random.default_rng(2).integers(0, 256, (3, 32, 32), dtype=np.uint8)
    return [songs[:1], songs[1:3], songs[2:3]]


def test_one_candidate_or_a_tied_reward_serves_the_plain_songs(fast_generator):
    requests = _requests()
    plain = fast_generator.generate_from(requests, strength=0.5, n=2, seed=7)
    np.testing.assert_array_equal(_best_of(fast_generator, 1).generate_from(requests, 0.5, n=2, seed=7), plain)
    tied = _best_of(fast_generator, 4, constant_reward(0.3, 1)).generate_from(requests, 0.5, n=2, seed=7)
    np.testing.assert_array_equal(tied, plain)


def test_each_served_song_is_the_best_of_its_candidates(fast_generator):
    requests = _requests()
    served = _best_of(fast_generator, 4).generate_from(requests, 0.5, n=1, seed=7)[:, 0]
    candidates = np.stack([fast_generator.generate_from(requests, 0.5, n=1, seed=candidate_seed(7, k))[:, 0]
                           for k in range(4)], axis=1)
    brightness = candidates.mean(axis=(2, 3))
    np.testing.assert_array_equal(served, candidates[np.arange(3), brightness.argmax(axis=1)])
    assert (brightness.argmax(axis=1) > 0).any()  # some request is served a candidate the plain model would not


def test_a_version_folder_serves_its_rule_over_its_weights(tmp_path, fast_generator):
    from hcbench.models.model_dir import save_generator

    weights = save_generator(fast_generator, tmp_path / "v0")
    folder = write_best_of_n(tmp_path / "v1", str(weights), 4, BRIGHTER)
    served = load_version(folder, 4, 8, similarity=Brightness())
    assert isinstance(served, BestOfNGenerator) and served.candidates == 4 and served.reward == BRIGHTER
    for name, tensor in fast_generator.unet.state_dict().items():
        assert np.array_equal(served.unet.state_dict()[name].numpy(), tensor.numpy())
    assert not isinstance(load_version(weights, 4, 8), BestOfNGenerator)
    with pytest.raises(ConfigError, match="similarity"):
        load_version(folder, 4, 8)
    with pytest.raises(ConfigError, match="n >= 1"):
        write_best_of_n(tmp_path / "v2", str(weights), 0, BRIGHTER)
