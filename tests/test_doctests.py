"""The examples in the package's docstrings run: every module of hcbench/, simulators/ and baselines/ with one."""
from __future__ import annotations

import doctest
import importlib

import pytest

from hcbench.paths import REPO_ROOT

PACKAGES = ("hcbench", "simulators", "baselines")
WITH_EXAMPLES = sorted(  # only these are imported, which keeps the test fast
    ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__")
    for package in PACKAGES for path in (REPO_ROOT / package).rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8") and "__pycache__" not in path.parts
)


def test_the_package_has_examples():
    assert len(WITH_EXAMPLES) >= 20


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name, capsys):
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = doctest.DocTestFinder().find(module)
    for test in tests:
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.attempted > 0, f"{name} has '>>> ' in it but no example doctest finds"
    assert results.failed == 0, capsys.readouterr().out
