import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from hcbench.models.model_dir import save_generator
from tests.conftest import tone_sequence


def _hcbench(*args, cwd):
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_usage_lists_subcommands(tmp_path):
    result = _hcbench("--help", cwd=tmp_path)
    assert result.returncode == 0 and "pretrain" in result.stdout and "generate" in result.stdout
    unknown = _hcbench("fly", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown subcommand 'fly'" in unknown.stderr


@pytest.mark.slow
def test_generate_merges_input_songs_into_audio_and_a_png(tmp_path, tiny_generator):
    save_generator(tiny_generator, tmp_path / "model")
    songs = []
    for seed in (0, 1):
        songs.append(tmp_path / f"song{seed}.wav")
        sf.write(songs[-1], tone_sequence(8.0, 22050, seed=seed), 22050)
    out = tmp_path / "out"
    result = _hcbench(
        "generate", "model=tiny", f"model.path={tmp_path / 'model'}", "model.steps=5",
        f"inputs=[{songs[0]},{songs[1]}]", "strength=0.5", "n=3", f"out={out}", cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("sample_*.wav"))
    assert len(files) == 3
    audio, rate = sf.read(files[0])
    assert rate == 11025 and len(audio) == tiny_generator.mel.slice_length and np.abs(audio).max() > 0
    assert Image.open(out / "spectrograms.png").size[0] > 100
    assert (out / ".hydra" / "config.yaml").is_file()  # the resolved config is kept with the outputs


def test_generate_with_a_corrupt_input_prints_one_clear_line(tmp_path, tiny_generator):
    save_generator(tiny_generator, tmp_path / "model")
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF garbage that is not a wave file" * 10)
    result = _hcbench("generate", "model=tiny", f"model.path={tmp_path / 'model'}", f"inputs=[{bad}]", f"out={tmp_path}/o", cwd=tmp_path)
    assert result.returncode == 1
    assert f"error: {bad}: cannot be decoded" in result.stderr and "Traceback" not in result.stderr


def test_missing_model_names_the_fix(tmp_path):
    result = _hcbench("generate", "model=tiny", f"model.path={tmp_path / 'none'}", f"out={tmp_path}/o", cwd=tmp_path)
    assert result.returncode == 1 and "does not exist" in result.stderr and "hcbench pretrain" in result.stderr


def test_bad_config_value_prints_the_field(tmp_path):
    result = _hcbench("pretrain", "model=tiny", "model.mel.hop_length=0", f"out_dir={tmp_path}/o", cwd=tmp_path)
    assert result.returncode == 1 and "error: MelConfig.hop_length must be a positive integer" in result.stderr


@pytest.mark.slow
def test_pretrain_trains_exports_and_writes_a_model_card(tmp_path):
    from hcbench.models.model_dir import load_generator

    args = ("pretrain", "model=tiny", "corpus=tiny", f"corpus.cache_dir={tmp_path / 'cache'}", "trainer=smoke",
            "eval.n_samples=12", "eval.steps=4", f"out_dir={tmp_path / 'run'}")
    result = _hcbench(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    model_dir = tmp_path / "run" / "model"
    card = (model_dir / "MODEL_CARD.md").read_text()
    assert "| **this model** |" in card and "untrained" in card and "corpus training clips" in card
    for name in ("samples_grid.png", "loss_curve.png"):
        assert (model_dir / name).stat().st_size > 1000
    assert load_generator(model_dir, steps=3).sample(1, seed=0).shape == (1, 32, 32)
    again = _hcbench(*args, cwd=tmp_path)  # same config, same folder: resumes at the end, trains nothing more
    assert again.returncode == 0 and "resumed from step 20" in again.stdout + again.stderr


def test_python_dash_m_runs_the_same_command_line():
    shown = subprocess.run([sys.executable, "-m", "hcbench", "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "usage: hcbench SUBCOMMAND" in shown.stdout and "compare" in shown.stdout
