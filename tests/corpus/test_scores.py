import logging

import numpy as np
import pytest

from hcbench.corpus import find_soundfont, scores
from hcbench.corpus.config import CorpusConfig

SR = 22050
PALETTE = CorpusConfig().programs


@pytest.fixture(scope="module")
def soundfont_bytes():
    found = find_soundfont(None)
    if found is None:
        pytest.skip("no SoundFont on this machine")
    return found.read_bytes()


def _ref(collection, name, number=None):
    path = next(p for p in scores.corpus_files()[collection] if p.name == name)
    return scores.ScoreRef(collection, path, number)


def _render(ref, soundfont, **job):
    job = {"sample_rate": SR, "seed": 0, "programs": PALETTE, "tempo_range": (90, 120), "max_seconds": 8.0, **job}
    return scores.render_piece(ref, soundfont, **job)


@pytest.fixture(scope="module")
def rendered(soundfont_bytes):
    refs = [_ref("bach", "bwv66.6.mxl"), _ref("palestrina", "Agnus_01.krn"),
            _ref("oneills1850", "0401-0486.abc", 408), _ref("ryansMammoth", "TullochgorumReel.abc")]
    return [_render(ref, soundfont_bytes) for ref in refs]


def test_renderings_are_audible_mono_and_cut_to_length(rendered):
    for audio, labels in rendered:
        assert audio.dtype == np.float32 and audio.ndim == 1
        assert 3.0 < len(audio) / SR <= 8.0 + 1e-6, labels["score"]
        assert np.sqrt(np.mean(audio**2)) > 0.02 and np.abs(audio).max() <= 0.9


def test_labels_are_complete_and_instruments_vary(rendered):
    labels = [l for _, l in rendered]
    for l in labels:
        assert l["source"] == "scores" and l["family"] in PALETTE and l["program"] in PALETTE[l["family"]]
        assert l["program_name"] and l["title"] and l["composer"]
        assert 90 <= l["tempo_bpm"] <= 120 and l["mode"] in ("major", "minor") and l["key"][0] in "ABCDEFG"
    assert [l["collection"] for l in labels] == ["bach", "palestrina", "oneills1850", "ryansMammoth"]
    assert len({l["program"] for l in labels}) >= 3  # not all piano
    assert (labels[0]["key"], labels[0]["mode"]) == ("F#", "minor")  # bwv66.6 is in F# minor
    assert labels[2]["score"] == "oneills1850/0401-0486.abc#408" and labels[2]["title"] == "The Fairy Rath"


def test_rendering_is_deterministic(soundfont_bytes, rendered):
    audio, labels = _render(_ref("bach", "bwv66.6.mxl"), soundfont_bytes)
    assert labels == rendered[0][1] and np.array_equal(audio, rendered[0][0])


def test_tempo_sets_the_playing_speed(soundfont_bytes):
    ref = _ref("bach", "bwv66.6.mxl")
    slow, _ = _render(ref, soundfont_bytes, tempo_range=(60, 60), max_seconds=120)
    fast, _ = _render(ref, soundfont_bytes, tempo_range=(120, 120), max_seconds=120)
    assert 1.8 < len(slow) / len(fast) < 2.2


def test_candidates_are_seeded_and_take_few_tunes_per_bundle():
    files = scores.corpus_files()["essenFolksong"]
    first = scores.candidates("essenFolksong", files, seed=0, tunes_per_bundle=2)
    assert first == scores.candidates("essenFolksong", files, seed=0, tunes_per_bundle=2)
    assert first != scores.candidates("essenFolksong", files, seed=1, tunes_per_bundle=2)
    per_file = {}
    for ref in first:
        per_file[ref.path] = per_file.get(ref.path, 0) + 1
        assert ref.number is not None  # every essen file is a multi-tune bundle
    assert max(per_file.values()) == 2 and len(per_file) == len(files)


def test_a_bundle_tune_parses_as_one_score():
    from music21 import stream

    score = scores.parse(_ref("essenFolksong", "han1.abc", 3))
    assert isinstance(score, stream.Score)


def test_analyses_are_not_compositions():
    assert not any(p.suffix == ".rntxt" for paths in scores.corpus_files().values() for p in paths)


def test_program_choice_covers_families():
    rng = np.random.default_rng(0)
    families = {scores.choose_program(PALETTE, rng)[0] for _ in range(200)}
    assert families == set(PALETTE)


def test_failing_pieces_are_skipped_with_a_warning_and_caps_hold(monkeypatch, caplog, tmp_path):
    bank = tmp_path / "fake.sf2"
    bank.write_bytes(b"RIFF")

    order = scores.candidates("bach", scores.corpus_files()["bach"], seed=0, tunes_per_bundle=2)
    broken = {order[1].ident, order[4].ident}

    def fake_render(ref, soundfont, **job):
        if ref.ident in broken:
            raise ValueError("cannot render this one")
        return np.full(4 * SR, 0.1, np.float32), {"collection": ref.collection, "score": ref.ident}

    monkeypatch.setattr(scores, "render_piece", fake_render)
    with caplog.at_level(logging.WARNING, logger="hcbench.corpus"):
        got = list(scores.score_pieces({"bach": 6}, bank, sample_rate=SR, seed=0, programs=PALETTE,
                                       tempo_range=(80, 120), max_seconds=5, min_seconds=3, tunes_per_bundle=2))
    assert [l["score"] for _, l in got] == [r.ident for r in order[:8] if r.ident not in broken]
    assert all(f"skipping {ident}: ValueError: cannot render this one" in caplog.text for ident in broken)


def test_unknown_collection_is_an_error_listing_the_known_ones(tmp_path):
    bank = tmp_path / "fake.sf2"
    bank.write_bytes(b"RIFF")
    with pytest.raises(ValueError, match=r"unknown music21 collection\(s\) \['bachh'\].*'bach'"):
        list(scores.score_pieces({"bachh": 1}, bank, sample_rate=SR, seed=0, programs=PALETTE, tempo_range=(80, 120),
                                 max_seconds=5, min_seconds=3, tunes_per_bundle=2))


@pytest.mark.slow
def test_two_workers_give_the_same_pieces_as_one(soundfont_bytes, tmp_path):
    bank = find_soundfont(None)
    job = dict(sample_rate=SR, seed=0, programs=PALETTE, tempo_range=(80, 120), max_seconds=5, min_seconds=3,
               tunes_per_bundle=2)
    one = list(scores.score_pieces({"bach": 2, "ryansMammoth": 1}, bank, workers=1, **job))
    two = list(scores.score_pieces({"bach": 2, "ryansMammoth": 1}, bank, workers=2, **job))
    assert [l for _, l in one] == [l for _, l in two]
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(one, two))
