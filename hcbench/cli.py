"""The ``hcbench`` command: one subcommand per job, each a Hydra app over conf/.

    hcbench pretrain model=tiny trainer.steps=200
    hcbench generate model=small inputs=[a.wav,b.wav] strength=0.5 n=4 out=DIR
"""
from __future__ import annotations

import importlib
import sys

SUBCOMMANDS = {
    "pretrain": ("hcbench.commands.pretrain", "train a base UNet on the corpus and write a model card"),
    "generate": ("hcbench.commands.generate", "sample, or merge input songs by DDIM inversion + SLERP"),
    "rate": ("hcbench.commands.rate", "how a simulated rater population hears audio files (stars, listening, utility)"),
    "similarity": ("hcbench.commands.similarity", "eq. 3/4 similarity of a song to others and to their set (VQ-VAE)"),
    "run": ("hcbench.commands.run", "the paper's loop with simulated raters: rate, select, fine-tune, v0 -> v1 -> ..."),
    "report": ("hcbench.commands.report", "rebuild a run's report.md, report.html, plot and metrics.jsonl from its database"),
    "compare": ("hcbench.commands.compare", "methods side by side: every method and seed, one shared paired evaluation"),
    "overopt": ("hcbench.commands.overopt",
                "over-optimisation: reward-model score and true utility by best of n, or along RWR or DDPO"),
    "sweep-report": ("hcbench.commands.sweep_report", "a sweep (run -m) as one table, ranking and heatmap"),
    "table1": ("hcbench.commands.table1", "the paper's Table 1 across runs (seeds), beside the paper's"),
    "check": ("hcbench.commands.check", "CI gate: fail unless rating and utility rise from each version to the next"),
}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        raise SystemExit(0 if argv else 2)
    name, rest = argv[0], argv[1:]
    if name not in SUBCOMMANDS:
        print(f"hcbench: unknown subcommand {name!r}\n\n{_usage()}", file=sys.stderr)
        raise SystemExit(2)
    module = importlib.import_module(SUBCOMMANDS[name][0])
    rest = module.translate_argv(rest) if hasattr(module, "translate_argv") else rest  # e.g. rate's positional files
    sys.argv = [f"hcbench {name}", *rest]  # Hydra parses overrides, -m and --cfg from sys.argv
    module.main()


def _usage() -> str:
    lines = ["usage: hcbench SUBCOMMAND [hydra overrides...]", "", "subcommands:"]
    lines += [f"  {name:<12} {help_text}" for name, (_, help_text) in SUBCOMMANDS.items()]
    lines += ["", "Each subcommand takes Hydra overrides (key=value, group=option, -m for sweeps, --cfg job to print)."]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m hcbench.cli, as well as the hcbench script
    main()
