"""Shell-style command lines become Hydra overrides: positional arguments, switches, options, Hydra's flags."""
import pytest

from hcbench.commands.argv import to_overrides

USAGE = "hcbench x RUN_DIR [--margin X] [--significant]"


def _check_style(args):
    return to_overrides(args, "run_dir", USAGE, many=False, switches={"--significant": "significant"},
                        options={"--margin": "margin"})


@pytest.mark.parametrize("args, expected", [
    (["runs/a", "--significant", "--margin", "0.05"], ["significant=true", "margin=0.05", "run_dir='runs/a'"]),
    (["--margin=-0.1", "runs/a"], ["margin=-0.1", "run_dir='runs/a'"]),
    (["run_dir=runs/a", "margin=0.05"], ["run_dir=runs/a", "margin=0.05"]),  # overrides pass as they are
    (["seed=1", "--cfg", "job", "runs/a"], ["--cfg", "job", "seed=1", "run_dir='runs/a'"]),  # Hydra's flags first
    (["-m", "run_dir=a,b"], ["-m", "run_dir=a,b"]),
    (["it's/run"], ["run_dir='it\\'s/run'"]),
])
def test_a_check_style_command_line(args, expected):
    assert _check_style(args) == expected


def test_a_folder_whose_name_has_an_equals_sign_is_positional(tmp_path):
    (tmp_path / "lr=3e-5").mkdir()
    assert _check_style([str(tmp_path / "lr=3e-5")]) == [f"run_dir='{tmp_path}/lr=3e-5'"]


@pytest.mark.parametrize("args, message", [
    (["a", "b"], "one run_dir at a time, got 2: a b"), (["a", "--margin"], "--margin needs a value")])
def test_usage_errors_exit_2_with_the_usage(args, message, capsys):
    with pytest.raises(SystemExit) as info:
        _check_style(args)
    assert info.value.code == 2 and capsys.readouterr().err == f"usage: {USAGE}\nerror: {message}\n"
