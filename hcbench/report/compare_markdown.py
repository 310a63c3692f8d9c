"""compare.md: methods side by side in the shared evaluation, their cost, and how stable their ranking is."""
from __future__ import annotations

from hcbench.compare.evaluation import BASE
from hcbench.metrics.compare_metrics import CompareMetrics
from hcbench.report.formatting import change_text, ci_text, markdown_table, number_text
from hcbench.report.rankings import rankings_text, taus_text

HEADER = ["seed", "method", "stars", "stars (QC-weighted)", "true utility", "utility vs {ref} (paired)",
          "rating calls", "drift from v0", "diversity", "distance to corpus", "reward-model accuracy",
          "seconds per round"]


def compare_markdown(metrics: CompareMetrics, title: str) -> str:
    ref = metrics.reference
    against = ("no_feedback (v0 serving every round)" if ref != BASE
               else "v0, the base model every method starts from (no_feedback was not compared)")
    parts = [f"# {title}", "", "![true utility per method and seed](compare.png)", "",
             "## The shared evaluation", "",
             "Per seed, every method's final version answered the same fresh requests (same raters, inputs and "
             "DDIM noise), rated by the same panel; these ratings train nothing and are charged to no method. "
             "Stars are what raters reported (raw, then QC-weighted by the evaluation's own quality control); "
             f"true utility is the simulators' hidden truth. The paired change is against {against}: the mean "
             "over requests of the within-request difference, with a 95% bootstrap interval over requests. "
             "Rating calls: what the method's run spent on training rounds. Drift from v0: mean squared gap "
             "between the final version's and v0's noise predictions on the same inputs, timesteps and noise. "
             "Reward-model accuracy: for a method with a reward model (best_of_n, rwr), how often its final reward "
             "model orders two versions' songs of one evaluation request as their true utility does (truth ties "
             "skipped; – where a method has none). "
             + ("Methods marked * (oracle) learn from the truth: an upper bound, not a competitor." if
                any(r["upper_bound"] for r in metrics.rows) else ""), "", comparison_table(metrics), "",
             "## Ranking by true utility", "", rankings_text(metrics.rankings), "", taus_text(metrics.taus), ""]
    return "\n".join(parts)


def comparison_table(metrics: CompareMetrics) -> str:
    """One row per seed and method."""
    header = [h.format(ref=metrics.reference) for h in HEADER]
    rows = [[str(r["seed"]), r["method"] + (" *" if r["upper_bound"] else ""), ci_text(r["stars"]),
             ci_text(r["stars_qc"]), ci_text(r["utility"], 3), change_text(r["utility_vs_reference"], 3),
             "–" if r["rating_calls"] is None else str(r["rating_calls"]), number_text(r["drift"], 6),
             number_text(r["diversity"]), number_text(r["corpus_distance"]), accuracy_text(r["reward_accuracy"]),
             number_text(r["seconds_per_round"], 1)]
            for r in metrics.rows]
    return markdown_table(header, rows)


def accuracy_text(accuracy: dict | None) -> str:
    """'0.62 (45 pairs)', or a dash for a method without a reward model (or with no pair the truth orders).

    >>> accuracy_text({"accuracy": 0.625, "pairs": 8}), accuracy_text(None)
    ('0.62 (8 pairs)', '–')
    """
    if accuracy is None or accuracy["accuracy"] is None:
        return "–"
    return f"{accuracy['accuracy']:.2f} ({accuracy['pairs']} pairs)"
