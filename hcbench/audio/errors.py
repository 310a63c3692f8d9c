"""One error type for every way an audio input can be unusable."""
from __future__ import annotations

from pathlib import Path

from hcbench.errors import HCBenchError


class AudioError(HCBenchError, ValueError):
    """An audio input that cannot be used, with the file, the problem and the fix.

    >>> str(AudioError("a.wav", "it is silent", "give a file with sound in it"))
    'a.wav: it is silent (fix: give a file with sound in it)'
    """

    def __init__(self, source: str | Path, problem: str, fix: str = ""):
        self.source, self.problem, self.fix = str(source), problem, fix
        message = f"{self.source}: {problem}"
        super().__init__(f"{message} (fix: {fix})" if fix else message)

    def __reduce__(self):  # rebuilt from its parts, so an error in a pool worker reaches the parent intact
        return type(self), (self.source, self.problem, self.fix)
