"""hcbench rate: positional files, --json, a table, and one-line errors."""
import json
import os
import subprocess
import sys

import pytest
import soundfile as sf
from hydra import compose, initialize_config_dir

from hcbench.audio import AudioError
from hcbench.commands.rate import input_files, run_rate, translate_argv
from hcbench.errors import ConfigError
from hcbench.paths import conf_dir
from tests.conftest import tone_sequence


def _songs(folder, n=2):
    folder.mkdir(parents=True, exist_ok=True)
    for seed in range(n):
        sf.write(folder / f"song{seed}.wav", tone_sequence(6.0, 22050, seed=seed), 22050)
    return folder


def _small_run(tiny_corpus, inputs, raters="all_profiles"):
    """The tiny corpus and model channel the session fixtures already embedded (so nothing is recomputed)."""
    return ["corpus=tiny", f"corpus.cache_dir={tiny_corpus.root.parent}", "model=tiny", "space.reference_clips=24",
            "n_raters=90", f"raters={raters}", f"inputs=[{','.join(map(str, inputs))}]"]


def test_positional_files_and_json_flag_become_overrides(tmp_path):
    (tmp_path / "odd=name.wav").write_bytes(b"")
    args = ["a.wav", "raters=honest", "--json", str(tmp_path / "odd=name.wav"), "--cfg", "job", "it's.wav"]
    assert translate_argv(args) == [  # Hydra's flags first: its parser takes the overrides as one run
        "--cfg", "job", "raters=honest", "json=true", f"inputs=['a.wav','{tmp_path}/odd=name.wav','it\\'s.wav']"]
    assert translate_argv(["-m", "seed=1,2"]) == ["-m", "seed=1,2"]


def test_folders_expand_and_bad_inputs_are_user_errors(tmp_path):
    songs = _songs(tmp_path / "songs")
    assert input_files([str(songs)]) == [songs / "song0.wav", songs / "song1.wav"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(AudioError, match="empty: holds no audio files"):
        input_files([str(tmp_path / "empty")])
    with pytest.raises(ConfigError, match="needs audio"):
        input_files([])


def test_a_clap_embedder_without_a_path_says_where_checkpoints_come_from(tmp_path):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose(config_name="rate", overrides=["embedder=clap", f"inputs=[{tmp_path}]"])
    with pytest.raises(ConfigError, match="embedder.path is required for embedder=clap; .*laion/larger_clap_music"):
        run_rate(cfg)


def test_every_profile_hears_the_files_as_it_promises(tmp_path, tiny_corpus, tiny_space):
    songs = _songs(tmp_path / "songs")
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose(config_name="rate", overrides=_small_run(tiny_corpus, [songs]))
    summary = run_rate(cfg)
    assert summary["raters"] == "all_profiles" and summary["n_raters"] == 90 and len(summary["files"]) == 2
    rows = summary["files"][0]["profiles"]
    assert set(rows) == {"honest", "noisy", "lazy", "adversarial_max", "adversarial_inverse", "colluder", "lenient",
                         "harsh", "drifting", "all raters"}
    assert rows["all raters"]["raters"] == 90 and summary["files"][0]["seconds"] == 6.0
    assert rows["adversarial_max"]["mean_stars"] == 5.0 and rows["adversarial_max"]["listen_fraction"] < 0.06
    assert rows["lazy"]["listen_fraction"] < 0.15 < rows["honest"]["listen_fraction"]
    assert rows["lenient"]["mean_stars"] > rows["harsh"]["mean_stars"]
    assert run_rate(cfg) == summary  # same seed, same numbers


@pytest.mark.slow
def test_the_command_prints_json_or_a_table_and_one_line_errors(tmp_path, tiny_corpus, tiny_space):
    songs = _songs(tmp_path / "songs")
    args = [a for a in _small_run(tiny_corpus, []) if not a.startswith("inputs=")]
    env = {**os.environ, "COLUMNS": "200"}  # a wide table: file paths are not folded
    run = lambda *extra: subprocess.run([sys.executable, "-c", "from hcbench.cli import main; main()", "rate", *extra],
                                        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    as_json = run(str(songs / "song0.wav"), "--json", *args)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["files"][0]["profiles"]["adversarial_max"]["mean_stars"] == 5.0
    table = run(str(songs), *args)
    assert table.returncode == 0 and "song1.wav" in table.stdout and "true utility" in table.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["songs"]  # a quick look writes nothing
    bad = tmp_path / "songs" / "broken.wav"
    bad.write_bytes(b"RIFF not really a wave file" * 10)
    broken = run(str(bad), *args)
    assert broken.returncode == 1 and f"error: {bad}: cannot be decoded" in broken.stderr
    assert "Traceback" not in broken.stderr
