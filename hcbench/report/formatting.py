"""Numbers as report tables show them."""
from __future__ import annotations


def ci_text(stat: dict, digits: int = 2) -> str:
    """'mean [low, high]', the mean alone when it has no interval (one value), or a dash for nothing."""
    if stat["mean"] != stat["mean"]:
        return "–"
    if stat["low"] != stat["low"]:
        return f"{stat['mean']:.{digits}f}"
    return f"{stat['mean']:.{digits}f} [{stat['low']:.{digits}f}, {stat['high']:.{digits}f}]"


def change_text(stat: dict, digits: int = 2) -> str:
    """'+mean [+low, +high]': a change between versions and its interval, signs always shown."""
    if stat["mean"] != stat["mean"]:
        return "–"
    if stat["low"] != stat["low"]:
        return f"{stat['mean']:+.{digits}f}"
    return f"{stat['mean']:+.{digits}f} [{stat['low']:+.{digits}f}, {stat['high']:+.{digits}f}]"


def number_text(value, digits: int = 2) -> str:
    """A number, or a dash for a missing one (None or NaN)."""
    return "–" if value is None or value != value else f"{value:.{digits}f}"


def table_row(cells: list[str]) -> str:
    """One row of a Markdown table."""
    return "| " + " | ".join(cells) + " |"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table: header, rule, one row per list of cells."""
    return "\n".join([table_row(header), table_row(["---"] * len(header))] + [table_row(cells) for cells in rows])
