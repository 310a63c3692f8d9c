"""compare.png is the same file every time it is drawn from the same figures."""
from __future__ import annotations

from hcbench.metrics.compare_metrics import CompareMetrics
from hcbench.report.compare_plot import plot_compare


def _stat(mean):
    return {"mean": mean, "low": mean - 0.05, "high": mean + 0.05}


def test_the_plot_is_byte_identical_when_redrawn(tmp_path):
    rows = [{"seed": s, "method": m, "utility": _stat(u + s / 10), "utility_vs_reference": _stat(u - 0.2)}
            for s in (0, 1) for m, u in (("paper", 0.3), ("oracle", 0.5), ("v0", 0.2))]
    metrics = CompareMetrics(rows=rows, reference="v0")
    first, second = plot_compare(metrics, tmp_path / "a.png"), plot_compare(metrics, tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()
