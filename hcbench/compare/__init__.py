"""``hcbench compare``: methods side by side on one shared, paired evaluation (issue 13, section 4).

    runs.py        every (method, seed) as an ordinary run in COMPARE_DIR/<method>/seed<k>/
    evaluation.py  per seed, the final versions judged on the same fresh requests and noise
    panel.py       the same raters, with draws keyed apart from every run's
"""
