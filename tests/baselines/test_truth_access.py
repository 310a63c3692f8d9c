"""No method but the oracle can reach the simulators' truth: a scan of hcbench/ and baselines/ sources.

The truth is reachable four ways outside simulators/: ``ground_truth`` (and the panel's
``truth``, ``utility``, ``quality``, ``profiles`` and ``population``, which lead to it), the
truth recorders that write each rating's (and pairwise answer's) true utility, the store's
``truth_*`` tables, and the queries that read them. Each is allowed only where it does not feed training:

- ``ground_truth``: the oracle (the upper bound, the one method that trains on the truth) and
  ``hcbench rate`` (reports simulated ratings against the truth; trains nothing);
- the truth recorders (of ratings and of pairwise answers): the collectors that call them after storing
  answers, the runner that passes them on, and ``hcbench run`` and ``hcbench compare``'s shared
  evaluation, which wire the simulated panel's in (they write, never read);
- the panel's ``utility``: the oracle, and ``hcbench overopt`` (the true utility of best-of-n's candidates,
  which nobody rates; it evaluates a finished run and trains nothing);
- ``simulators`` imports: the commands above that build the simulated panel, and ``hcbench pretrain
  model=clap``, which trains the raters' own ear (the shipped clap_corpus) and reads no rating or utility;
- ``truth_*`` tables: hcbench/store/ (schema, writes, migrations, and the queries below);
- the queries that read them: hcbench/metrics/ and hcbench/report/, which evaluate.
"""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("hcbench", "baselines")
ORACLE = "baselines/oracle.py"
TRUTH = {"ground_truth", "GroundTruth"}
RECORDER = {"truth_recorder", "record_truth", "TruthRecorder", "record_rater_truth", "pair_truth_recorder",
            "record_pair_truth", "PairTruthRecorder"}
PANEL_TRUTH = {"truth", "utility", "quality", "profiles", "population"}  # SimulatedPanel's ways to the truth
TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|TABLE|UPDATE)\s+(?:IF NOT EXISTS\s+)?truth_(\w+)", re.IGNORECASE)
ALLOWED = {
    "truth": {ORACLE, "hcbench/commands/rate.py"},
    "recorder": {"hcbench/loop/collect.py", "hcbench/loop/collect_pairs.py", "hcbench/loop/runner.py",
                 "hcbench/commands/run.py", "hcbench/commands/compare.py"},
    "simulators": {ORACLE, "hcbench/commands/rate.py", "hcbench/commands/run.py", "hcbench/commands/compare.py",
                   "hcbench/commands/pretrain_clap.py"},
    "panel truth": {ORACLE, "hcbench/commands/overopt.py"},
    "truth table": {"hcbench/store/"},
    "truth query": {"hcbench/metrics/", "hcbench/report/"},
}


def truth_access(root: Path, allowed: dict[str, set[str]] = ALLOWED) -> list[str]:
    """'path:line: kind name' for every way to the truth in ``root``'s scanned sources that is not allowed."""
    reading_queries = _truth_reading_queries(root / "hcbench" / "store" / "queries.py")
    found = []
    for path in sorted(p for folder in SCANNED for p in (root / folder).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for line, kind, name in _accesses(ast.parse(path.read_text()), reading_queries):
            if not any(relative.startswith(place) for place in allowed[kind]):
                found.append(f"{relative}:{line}: {kind} {name}")
    return found


def _accesses(tree: ast.AST, reading_queries: set[str]):
    """(line, kind, name) of each way to the truth in a module."""
    for node in ast.walk(tree):
        names = _names(node)
        for name in names & TRUTH:
            yield node.lineno, "truth", name
        for name in names & RECORDER:
            yield node.lineno, "recorder", name
        for name in names & reading_queries:
            yield node.lineno, "truth query", name
        if isinstance(node, (ast.Import, ast.ImportFrom)) and _imports_simulators(node):
            yield node.lineno, "simulators", "import"
        if isinstance(node, ast.Attribute) and node.attr in PANEL_TRUTH and "panel" in ast.unparse(node.value):
            yield node.lineno, "panel truth", node.attr
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for table in TABLE.findall(node.value):
                yield node.lineno, "truth table", table


def _names(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.alias):
        return {node.name.split(".")[-1], node.asname or ""}
    return set()


def _imports_simulators(node: ast.Import | ast.ImportFrom) -> bool:
    modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    return any(m == "simulators" or m.startswith("simulators.") for m in modules)


def _truth_reading_queries(queries: Path) -> set[str]:
    """The functions of hcbench/store/queries.py whose SQL (or a module constant it uses) names a truth table."""
    tree = ast.parse(queries.read_text())
    constants = {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets
                 if isinstance(target, ast.Name) and TABLE.search(ast.unparse(node.value))}
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    return {f.name for f in functions if TABLE.search(ast.unparse(f))
            or constants & {n.id for n in ast.walk(f) if isinstance(n, ast.Name)}}


def test_only_the_oracle_trains_on_the_truth_and_only_evaluation_reads_it():
    assert truth_access(ROOT) == []


def test_the_scan_sees_the_oracle_and_the_metrics_it_allows():
    found = truth_access(ROOT, {**ALLOWED, "truth": set(), "truth query": set(), "panel truth": set()})
    assert any(f.startswith(f"{ORACLE}:") and f.endswith("truth ground_truth") for f in found)
    assert any(f.startswith("hcbench/metrics/") and "truth query rated_outputs" in f for f in found)
    assert any(f.startswith(f"{ORACLE}:") and f.endswith("panel truth population") for f in found)


def test_the_scan_catches_each_way_a_method_could_reach_the_truth(tmp_path):
    shutil.copytree(ROOT / "hcbench", tmp_path / "hcbench", ignore=shutil.ignore_patterns("__pycache__", "conf"))
    (tmp_path / "baselines").mkdir()
    (tmp_path / "baselines" / "sneaky.py").write_text(
        "from simulators import ground_truth as gt\n"
        "import simulators.panel\n"
        "from hcbench.store import queries\n"
        "def labels(round, store):\n"
        "    round.panel.utility([0], [])\n"
        "    store.rows('SELECT utility FROM truth_ratings')\n"
        "    return queries.rated_outputs(store)\n"
        "def hook(record_truth):\n"
        "    return record_truth\n")
    found = {f.split(": ", 1)[1] for f in truth_access(tmp_path)}
    assert found == {"truth ground_truth", "simulators import", "panel truth utility", "truth table ratings",
                     "truth query rated_outputs", "recorder record_truth"}
