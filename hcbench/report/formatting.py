"""Numbers as report tables show them."""
from __future__ import annotations


def ci_text(stat: dict, digits: int = 2) -> str:
    """'mean [low, high]', or a dash when there was nothing to average."""
    if stat["mean"] != stat["mean"]:
        return "–"
    return f"{stat['mean']:.{digits}f} [{stat['low']:.{digits}f}, {stat['high']:.{digits}f}]"
