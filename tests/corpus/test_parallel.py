"""Corpus work across processes: the workers setting, the render schedule, and identity with one process."""
from collections import deque

import numpy as np
import pytest
from omegaconf import OmegaConf

from hcbench import parallel
from hcbench.corpus import CorpusConfig, build_corpus, scores
from hcbench.errors import ConfigError
from hcbench.paths import conf_dir


def test_workers_default_to_auto_and_bad_values_are_config_errors():
    assert CorpusConfig().workers == "auto" and 1 <= CorpusConfig().resolved_workers() <= parallel.MAX_AUTO_WORKERS
    assert CorpusConfig(workers=3).resolved_workers() == 3
    for bad in (0, -2, "many", 2.5, True):
        with pytest.raises(ConfigError, match=r"corpus\.workers must be a positive number of processes or 'auto'"):
            CorpusConfig(workers=bad)


def test_processes_start_only_where_they_pay_off():
    assert parallel.worth_starting(2, 277, "render") == 2
    assert parallel.worth_starting(8, 20, "render") == 2 and parallel.worth_starting(2, 7, "render") == 1
    assert parallel.worth_starting(1, 10_000, "embedding") == 1


def _plan(*caps):
    return [scores._Collection(f"c{i}", cap, deque(range(10 * i, 10 * i + 5))) for i, cap in enumerate(caps)]


def test_render_ahead_never_asks_for_more_than_a_collection_still_needs():
    plan, sent = _plan(3, 2, 2), []
    submit = lambda ref: sent.append(ref) or (lambda: ref)  # noqa: E731
    scores._submit_ahead(plan, 0, submit, lookahead=4)
    assert sent == [0, 1, 2, 10]  # the current collection's three, then one ahead, up to four in flight
    plan[0].pending.popleft(), plan[0].pending.popleft()  # two rendered: one kept, one failed
    plan[0].taken = 1
    scores._submit_ahead(plan, 0, submit, lookahead=4)
    assert sent[4:] == [3, 11]  # a replacement for the failure, then more ahead
    assert [len(s.pending) + s.taken for s in plan] == [3, 2, 0]


def test_inline_render_is_lazy_so_one_process_renders_exactly_what_it_keeps(monkeypatch, tmp_path):
    rendered = []

    def fake_render(ref, soundfont, **job):
        rendered.append(ref.ident)
        return np.full(4 * 22050, 0.1, np.float32), {"collection": ref.collection, "score": ref.ident}

    monkeypatch.setattr(scores, "render_piece", fake_render)
    bank = tmp_path / "fake.sf2"
    bank.write_bytes(b"RIFF")
    got = scores.score_pieces({"bach": 2, "essenFolksong": 1}, bank, sample_rate=22050, seed=0, programs={"p": [0]},
                              tempo_range=(80, 120), max_seconds=5, min_seconds=3, tunes_per_bundle=2)
    first = next(got)
    assert rendered == [first[1]["score"]]  # nothing rendered before it is needed
    assert len(list(got)) == 2 and len(rendered) == 3


def _tiny(cache, workers):
    cfg = OmegaConf.load(conf_dir() / "corpus" / "tiny.yaml")
    cfg.cache_dir, cfg.workers = str(cache), workers
    return build_corpus(cfg, progress=False)


@pytest.mark.slow
def test_two_processes_build_the_tiny_corpus_bit_for_bit_as_one(tmp_path, monkeypatch):
    from hcbench.audio import MelConfig

    monkeypatch.setattr(parallel, "MIN_TASKS_PER_WORKER", {"render": 1, "spectrograms": 1, "embedding": 1})
    one, two = _tiny(tmp_path / "one", 1), _tiny(tmp_path / "two", 2)
    assert one.workers == 1 and two.workers == 2
    assert one.pieces == two.pieces and len(one) >= 5
    for piece in one.pieces:
        assert (one.root / piece["file"]).read_bytes() == (two.root / piece["file"]).read_bytes()
    mel = MelConfig()  # the small model's 64x64 at 11025 Hz: a resample, then the mel product
    (a, labels_a), (b, labels_b) = one.spectrograms(mel, "all"), two.spectrograms(mel, "all")
    assert labels_a == labels_b and a.dtype == np.uint8 and np.array_equal(a, b)
    with np.load(next(one.root.glob("spectrograms-*.npz"))) as x, np.load(next(two.root.glob("spectrograms-*.npz"))) as y:
        assert x.files == y.files and all(np.array_equal(x[k], y[k]) for k in x.files)
