"""Table 1 across runs, beside the paper's, in Markdown (``hcbench table1``)."""
from __future__ import annotations

from hcbench.metrics.table1_runs import PAPER_COUNTS, PAPER_OVERALL, PAPER_SONGS, RunTable1, regresses
from hcbench.report.formatting import ci_text, markdown_table


def table1_runs_markdown(tables: list[RunTable1], summary: dict) -> str:
    versions = len(summary["stars"])
    per_run = markdown_table(
        ["run"] + [f"v{v} stars" for v in range(versions)] + [f"v{v} ratings" for v in range(versions)]
        + [f"v{v} true utility" for v in range(versions)] + ["rises at every step", "songs regressing"],
        [[t.run] + [ci_text(t.stars[v]) for v in range(versions)] + [str(t.stars[v]["n"]) for v in range(versions)]
         + [f"{t.utility[v]:.3f}" for v in range(versions)]
         + ["yes" if t.ordered else "no", f"{len(t.regressing)} of {len(t.songs)}"] for t in tables])
    paper = [f"{PAPER_OVERALL[v]:.2f}" if v < len(PAPER_OVERALL) else "–" for v in range(versions)]
    paper_regressing = sum(regresses(song) for song in PAPER_SONGS)
    overall = markdown_table(
        ["", *[f"v{v}" for v in range(versions)], "rises at every step", "songs regressing"],
        [["the paper (Table 1)", *paper, "yes", f"{paper_regressing} of {len(PAPER_SONGS)}"],
         ["the paper's rating counts", *[str(c) for c in PAPER_COUNTS[:versions]], "", ""],
         [f"hcbench, mean of {summary['runs']} runs (Student-t 95% interval over runs)",
          *[ci_text(s) for s in summary["stars"]], f"{summary['ordered']} of {summary['runs']} runs",
          ", ".join(f"{r} of {n}" for r, n in zip(summary["regressing"], summary["songs"]))],
         ["hcbench, mean rating counts", *[f"{c:.0f}" for c in summary["counts"]], "", ""],
         ["hcbench, true utility (simulators' truth)", *[ci_text(u, 3) for u in summary["utility"]], "", ""]])
    return "\n\n".join(["Mean stars of every rating of each version's songs, as Table 1 counts them.", overall,
                        "Per run:", per_run])
