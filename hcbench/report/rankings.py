"""Rankings per seed and Kendall's tau between seeds, as Markdown text (compare.md, sweep.md)."""
from __future__ import annotations

from hcbench.report.formatting import number_text


def rankings_text(rankings: list[dict], values: str = "utility") -> str:
    """One line per seed, best first; '=' joins entries of equal ``values`` (the same songs, say)."""
    lines = []
    for r in rankings:
        text = r["order"][0]
        for i in range(1, len(r["order"])):
            text += (" = " if r[values][i] == r[values][i - 1] else " > ") + r["order"][i]
        lines.append(f"- seed {r['seed']}: {text}")
    return "\n".join(lines)


def taus_text(taus: list[dict]) -> str:
    """Kendall's tau for each two seeds and their mean, or a dash for one seed."""
    if not taus:
        return "Kendall's tau between seeds: – (one seed)."
    pairs = ", ".join(f"seeds {t['seeds'][0]}–{t['seeds'][1]}: {number_text(t['tau'])}" for t in taus)
    mean = sum(t["tau"] for t in taus) / len(taus)
    return f"Kendall's tau between seeds' rankings: {pairs} (mean {number_text(mean)}; 1 is the same order)."
