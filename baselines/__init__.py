"""RLHF-style baselines (built by a later issue)."""
