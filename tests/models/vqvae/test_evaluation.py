"""Retrieval precision@k, its chance level, and codebook statistics, on cases worked by hand."""
import numpy as np

from hcbench.models.vqvae.evaluation import chance_precision, codebook_stats, precision_at_k, retrieval


def test_precision_at_k_counts_label_hits_among_the_top_k():
    similarity = np.array([[0.9, 0.8, 0.1, 0.0]])
    same = np.array([[True, False, True, False]])
    eligible = np.ones_like(same)
    assert precision_at_k(similarity, same, eligible, k=2) == 0.5
    assert precision_at_k(similarity, same, eligible, k=3) == 2 / 3
    assert chance_precision(same, eligible) == 0.5


def test_ineligible_items_never_count():
    similarity = np.array([[0.9, 0.8, 0.1, 0.0]])
    same = np.array([[True, False, True, False]])
    eligible = np.array([[False, True, True, True]])  # the query's own piece is excluded
    assert precision_at_k(similarity, same, eligible, k=1) == 0.0
    assert chance_precision(same, eligible) == 1 / 3


def test_retrieval_excludes_the_query_piece_only_when_asked():
    labels = [{"collection": c, "piece_index": p} for c, p in (("a", 0), ("a", 0), ("a", 1), ("b", 2))]
    rows = np.array([[1.0, 0.0], [0.99, 0.14], [0.8, 0.6], [0.0, 1.0]])
    within = retrieval(rows, rows, labels, labels, ("collection",), exclude_same_piece=True, k=1)
    assert within["collection"]["precision"] == 0.75  # the "b" clip's nearest other piece is an "a"
    assert np.isclose(within["collection"]["chance"], (1 / 2 + 1 / 2 + 2 / 3 + 0) / 4)
    itself = retrieval(rows, rows, labels, labels, ("collection",), exclude_same_piece=False, k=1)
    assert itself["collection"]["precision"] == 1.0  # each query finds itself


def test_codebook_stats_show_usage_and_collapse():
    alive = codebook_stats(np.ones((10, 8)))
    assert np.isclose(alive["perplexity"], 8.0) and np.isclose(alive["clip_perplexity"], 8.0)
    assert alive["codes_used"] == 1.0 and alive["codebook_size"] == 8
    collapsed = codebook_stats(np.tile(np.eye(8)[0] * 64, (10, 1)))
    assert collapsed["perplexity"] == 1.0 and collapsed["codes_used"] == 1 / 8
