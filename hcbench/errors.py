"""Errors a user can fix, and the guard that shows them as one line instead of a traceback."""
from __future__ import annotations

import functools
import sys


class HCBenchError(Exception):
    """Bad input, config or files: the message names the problem and the fix."""


def report_user_errors(job):
    """Wrap a command's job: an HCBenchError prints 'error: ...' and exits 1."""

    @functools.wraps(job)
    def guarded(*args, **kwargs):
        try:
            return job(*args, **kwargs)
        except Exception as error:
            cause = _user_error_in(error)
            if cause is None:
                raise
            print(f"error: {cause}", file=sys.stderr)
            raise SystemExit(1) from None

    return guarded


def _user_error_in(error: BaseException) -> HCBenchError | None:
    """The HCBenchError itself, or one that Hydra's instantiate wrapped."""
    while error is not None:
        if isinstance(error, HCBenchError):
            return error
        error = error.__cause__
    return None


class ConfigError(HCBenchError, ValueError):
    """A config value out of its allowed range; the message names the key."""


class MissingFileError(HCBenchError, FileNotFoundError):
    """A file or folder hcbench needs is not there; the message says how to get it."""
