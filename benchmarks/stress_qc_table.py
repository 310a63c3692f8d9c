"""Table and plot of an ``experiment=stress_qc`` sweep: the last version's true-utility gain over v0,
per saboteur share, with quality control on and off.

    hcbench run -m experiment=stress_qc hydra.sweep.dir=runs/stress_qc/sweep
    python benchmarks/stress_qc_table.py runs/stress_qc/sweep     # writes stress_qc.md and stress_qc.png there

The gain is the paired evaluation's change from v0 to the last version with its 95% interval
(``hcbench.metrics.version_steps``, summed over steps when there are several).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from hcbench.metrics.loop_metrics import compute_metrics, evaluation  # noqa: E402
from hcbench.report.formatting import markdown_table  # noqa: E402
from hcbench.store import RunStore  # noqa: E402


def cells(sweep_dir: Path) -> list[dict]:
    """One entry per finished job: saboteur share (%), QC on, gain of the last version over v0, QC figures."""
    out = []
    for db in sorted(Path(sweep_dir).glob("*/run.db")):
        store = RunStore(db.parent, create=False)
        config = store.get_meta("config")
        metrics = compute_metrics(store)
        versions = evaluation(metrics)
        store.close()
        if len(versions) < 2 or not metrics.steps:
            continue
        first, last = versions[0]["utility"], versions[-1]["utility"]
        step = metrics.steps[-1]["utility"] if len(metrics.steps) == 1 else None
        qc = metrics.iterations[-2]["qc"] if len(metrics.iterations) > 1 else metrics.iterations[-1]["qc"]
        out.append({"share": int(config["raters"]["name"].rsplit("_", 1)[1]), "qc": config["loop"]["qc"]["enabled"],
                    "v0": first["mean"], "last": last["mean"], "gain": last["mean"] - first["mean"], "step": step,
                    "precision": qc["precision"], "recall": qc["recall"]})
    return sorted(out, key=lambda c: (c["share"], not c["qc"]))


def table(rows: list[dict]) -> str:
    def interval(c):
        s = c["step"]
        return f"{c['gain']:+.3f}" + (f" [{s['low']:+.3f}, {s['high']:+.3f}]" if s else "")

    header = ["saboteurs", "QC", "utility v0", "utility last", "gain (paired 95% CI)", "QC precision", "QC recall"]
    return markdown_table(header, [[f"{c['share']}%", "on" if c["qc"] else "off", f"{c['v0']:.3f}",
                                    f"{c['last']:.3f}", interval(c),
                                    _share(c["precision"], c["qc"]), _share(c["recall"], c["qc"])] for c in rows])


def _share(value: float, qc_on: bool) -> str:
    """A QC figure, or a dash where QC was off or there was nothing to catch."""
    return f"{value:.2f}" if qc_on and value == value else "–"


def plot(rows: list[dict], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for on, color in ((True, "C0"), (False, "C3")):
        mine = [c for c in rows if c["qc"] == on]
        err = [[c["gain"] - c["step"]["low"], c["step"]["high"] - c["gain"]] if c["step"] else [0, 0] for c in mine]
        ax.errorbar([c["share"] + (0.6 if on else -0.6) for c in mine], [c["gain"] for c in mine],
                    yerr=list(zip(*err)) if err else None, fmt="-o", capsize=3, color=color,
                    label=f"QC {'on' if on else 'off'}")
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.set(xlabel="saboteurs (% of raters)", ylabel="true utility: last version - v0",
           title="experiment=stress_qc: does QC save the loop?")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep_dir", type=Path)
    sweep_dir = parser.parse_args().sweep_dir
    rows = cells(sweep_dir)
    text = table(rows)
    (sweep_dir / "stress_qc.md").write_text(text + "\n")
    plot(rows, sweep_dir / "stress_qc.png")
    print(text)


if __name__ == "__main__":
    main()
