"""Synthetic raters (built by a later issue)."""
