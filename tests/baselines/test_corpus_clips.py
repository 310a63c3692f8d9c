"""method=corpus_clips: the paper's asks and selection, then eq. 2 on base-model clips in place of D."""
import numpy as np
import pytest

from baselines import corpus_clips
from baselines.corpus_clips import CorpusClips, corpus_in_place_of_d
from hcbench.errors import ConfigError
from hcbench.loop.config import FinetuneConfig, LoopConfig
from hcbench.loop.method import Round
from hcbench.store import queries
from tests.baselines.conftest import finished_run, training_set_songs, v1_differs_from_v0


class _Store:
    def __init__(self, songs_in_d: int):
        self.songs_in_d = songs_in_d

    def scalar(self, sql, params=()):  # queries.training_set_size
        return self.songs_in_d


BASE = np.random.default_rng(0).integers(0, 256, (20, 4, 4), dtype=np.uint8)  # 20 distinct clips


@pytest.mark.parametrize("songs, mix, clips", [(5, 0.0, 5), (4, 1.0, 8), (0, 0.0, 0)])
def test_as_many_base_clips_as_the_paper_would_learn_images_all_at_full_weight(songs, mix, clips):
    cfg = FinetuneConfig(objective="weighted", pretraining_mix=mix, generation_timesteps=False)
    images, weights, what = corpus_in_place_of_d(_Store(songs), cfg, BASE)
    assert len(images) == clips and weights == [1.0] * clips
    assert len({i.tobytes() for i in images}) == clips and all(any((i == b).all() for b in BASE) for i in images)
    assert f"{clips} base clips in place of D's {songs} songs" == what
    again, _, _ = corpus_in_place_of_d(_Store(songs), cfg, BASE)
    assert np.array_equal(again, images)  # the same clips for the same seed


def test_dpo_is_refused_with_the_reason():
    round_ = Round(None, 0, None, None, FinetuneConfig(objective="dpo"), None, None, BASE)
    with pytest.raises(ConfigError, match="finetune=weighted"):
        CorpusClips().next_version(round_)


def test_next_version_learns_base_clips_in_place_of_d(monkeypatch):
    seen = {}
    monkeypatch.setattr(corpus_clips, "finetune_next_version", lambda *args, **kwargs: seen.update(kwargs) or {})
    round_ = Round(None, 0, None, LoopConfig(), FinetuneConfig(objective="weighted"), None, None, BASE)
    CorpusClips().next_version(round_)
    assert seen["data"] is corpus_in_place_of_d and seen["base_images"] is BASE


@pytest.mark.slow
def test_corpus_clips_selects_d_as_the_paper_does_and_changes_the_model(tmp_path):
    store = finished_run(tmp_path, "corpus_clips", "loop.selection.top_k=4")
    assert v1_differs_from_v0(store)
    assert training_set_songs(store) == sorted(s["song_id"] for s in queries.best_scored_songs(store, 0, 4, False))
