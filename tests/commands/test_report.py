"""hcbench report's command line: RUN_DIR and --songs-per-version become Hydra overrides."""
from __future__ import annotations

from hcbench.commands.report import translate_argv


def test_songs_per_version_is_an_option_like_checks_margin():
    assert translate_argv(["runs/x", "--songs-per-version", "20"]) == ["songs_per_version=20", "run_dir='runs/x'"]
    assert translate_argv(["--songs-per-version=3", "runs/x"]) == ["songs_per_version=3", "run_dir='runs/x'"]
