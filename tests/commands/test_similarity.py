"""hcbench similarity: positional files, eq. 3 pooling per song and per set, --json, one-line errors."""
import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from hydra import compose, initialize_config_dir

from hcbench.audio import AudioError
from hcbench.commands.similarity import run_similarity
from hcbench.errors import ConfigError
from hcbench.paths import conf_dir
from hcbench.similarity.codebook import CodebookSimilarity
from hcbench.similarity.songs import song_images
from tests.conftest import tone_sequence


def _songs(folder, seconds=(7.0, 4.0, 10.0)):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed, length in enumerate(seconds):
        paths.append(folder / f"song{seed}.wav")
        sf.write(paths[-1], tone_sequence(length, 22050, seed=seed), 22050)
    return paths


def _cfg(inputs, *overrides):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(config_name="similarity", overrides=[f"inputs=[{','.join(map(str, inputs))}]", *overrides])


def test_first_song_against_each_and_against_the_set(tmp_path):
    paths = _songs(tmp_path)
    summary = run_similarity(_cfg(paths))
    assert summary["clips"] == {str(paths[0]): 2, str(paths[1]): 1, str(paths[2]): 3}  # ~3 s clips, all pooled
    assert list(summary["to_each"]) == [str(p) for p in paths[1:]]
    # recomputed by hand: pooled counts of all clips of a song (eq. 3), then cosine (eq. 4)
    sim = CodebookSimilarity("vqvae")
    from hcbench.audio import load_audio

    clips = [song_images(load_audio(p, 11025), sim.mel) for p in paths]
    usage = [sim.loaded.model.usage_counts(c).sum(0) for c in clips]
    expected = [u @ usage[0] / np.linalg.norm(u) / np.linalg.norm(usage[0]) for u in usage[1:]]
    np.testing.assert_allclose(list(summary["to_each"].values()), expected, atol=1e-4)
    together = usage[1] + usage[2]
    assert summary["to_set"] == pytest.approx(together @ usage[0] / np.linalg.norm(together) / np.linalg.norm(usage[0]),
                                              abs=1e-4)
    assert all(0.0 <= v <= 1.0 for v in summary["to_each"].values())


def test_descriptor_similarity_is_selectable(tmp_path):
    paths = _songs(tmp_path, seconds=(4.0, 4.0))
    summary = run_similarity(_cfg(paths, "similarity=descriptor", "similarity.corpus=null"))
    assert summary["similarity"] == "DescriptorSimilarity" and -1.0 <= summary["to_set"] <= 1.0


def test_fewer_than_two_songs_or_bad_audio_are_user_errors(tmp_path):
    paths = _songs(tmp_path, seconds=(4.0,))
    with pytest.raises(ConfigError, match="needs two or more songs"):
        run_similarity(_cfg(paths))
    (tmp_path / "short.wav").write_bytes(b"")
    with pytest.raises(AudioError, match="short.wav: is an empty file"):
        run_similarity(_cfg([paths[0], tmp_path / "short.wav"]))


def _hcbench(*args, cwd):
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_prints_a_table_json_and_one_line_errors(tmp_path):
    paths = _songs(tmp_path)
    table = _hcbench("similarity", *map(str, paths), cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "song1.wav" in table.stdout and "the 2 others as one set" in table.stdout
    as_json = _hcbench("similarity", *map(str, paths), "--json", cwd=tmp_path)
    assert json.loads(as_json.stdout)["first"] == str(paths[0])
    (tmp_path / "broken.wav").write_bytes(b"RIFF....not audio")
    broken = _hcbench("similarity", str(paths[0]), str(tmp_path / "broken.wav"), cwd=tmp_path)
    missing = _hcbench("similarity", str(paths[0]), str(tmp_path / "missing.wav"), cwd=tmp_path)
    for result, problem in ((broken, "cannot be decoded"), (missing, "does not exist")):
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: ") and problem in lines[0]
