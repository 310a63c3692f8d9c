"""The report says whom each version serves: true utility per taste cluster, and which cluster fell."""
from hcbench.metrics.loop_metrics import RunMetrics, clusters_served_worse
from hcbench.report.markdown import clusters_markdown


def _stat(mean: float, n: int = 10) -> dict:
    return {"mean": mean, "low": mean - 0.01, "high": mean + 0.01, "n": n}


def _metrics(last_cluster_1: float) -> RunMetrics:
    cells = [{"iteration": 2, "version": v, "utility_by_cluster": {"0": _stat(0.4 + 0.05 * v), "1": _stat(u)}}
             for v, u in ((0, 0.30), (1, 0.31), (2, last_cluster_1))]
    return RunMetrics(cells=cells, versions=[0, 1, 2])


def test_a_cluster_whose_utility_fell_from_v0_to_the_last_version_is_named():
    metrics = _metrics(0.25)
    assert clusters_served_worse(metrics) == [("1", 0.30, 0.25)]
    text = clusters_markdown(metrics)
    assert "| 1 | 0.300 [0.290, 0.310] | 0.310 [0.300, 0.320] | 0.250 [0.240, 0.260] | 10 |" in text
    assert "FELL" in text and "1 (0.300 -> 0.250)" in text


def test_no_cluster_is_named_when_every_cluster_rose():
    metrics = _metrics(0.35)
    assert clusters_served_worse(metrics) == []
    assert "rose or held" in clusters_markdown(metrics)


def test_a_run_without_recorded_clusters_says_so():
    metrics = RunMetrics(cells=[{"iteration": 0, "version": 0, "utility_by_cluster": {}}], versions=[0])
    assert "No taste clusters recorded" in clusters_markdown(metrics)
