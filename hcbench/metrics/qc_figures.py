"""How well quality control flagged raters, against the simulators' truth (evaluation side only).

Precision and recall count the profiles QC should catch (``bad``); per profile, how many of its
raters were flagged; per home taste cluster, the share of its honest raters (every profile not
in ``bad``) that were flagged, so that a check silencing a minority taste shows up.
"""
from __future__ import annotations

import numpy as np


def flag_figures(flagged: np.ndarray, profiles: np.ndarray, clusters: np.ndarray | None, bad) -> dict:
    """Figures of one QC pass; arrays hold one entry per judged rater (``clusters`` None: not recorded).

    >>> flag_figures(np.array([1, 0, 1, 0]), np.array(["lazy", "lazy", "honest", "honest"]), np.array([0, 0, 0, 1]),
    ...              ["lazy"])["honest_flagged_by_cluster"]
    {'0': '1/1', '1': '0/1'}
    """
    flagged = np.asarray(flagged, bool)
    profiles = np.array(["?" if p is None else str(p) for p in profiles], dtype=object)
    is_bad = np.isin(profiles, list(bad))
    hits = int((flagged & is_bad).sum())
    figures = {"raters": len(flagged), "flagged": int(flagged.sum()), "bad": int(is_bad.sum()),
               "precision": hits / flagged.sum() if flagged.sum() else float("nan"),
               "recall": hits / is_bad.sum() if is_bad.sum() else float("nan"),
               "flagged_by_profile": _counts(flagged, profiles),
               "honest_flagged_by_cluster": {}, "worst_cluster_loss": float("nan")}
    if clusters is not None and len(clusters) and not any(c is None for c in clusters):
        honest = ~is_bad
        clusters = np.asarray(clusters)
        figures["honest_flagged_by_cluster"] = _counts(flagged[honest], clusters[honest].astype(str))
        losses = [flagged[honest & (clusters == c)].mean() for c in np.unique(clusters[honest])]
        figures["worst_cluster_loss"] = float(max(losses)) if losses else float("nan")
    return figures


def _counts(flagged: np.ndarray, groups: np.ndarray) -> dict[str, str]:
    """'flagged/all' per group, groups in sorted order."""
    return {str(g): f"{int(flagged[groups == g].sum())}/{int((groups == g).sum())}" for g in sorted(set(groups))}
