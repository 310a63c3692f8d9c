"""bench_gpu.py: its part 2 (one loop iteration's work) on the CPU at --quick size, and its refusal without CUDA.

    pytest benchmarks/test_bench_gpu.py

Part 1 (a whole ``hcbench run``) is left to the script: ``python benchmarks/bench_gpu.py --device cpu --quick``.
"""
from __future__ import annotations

import json

import pytest
import torch

from bench_gpu import main


def test_quick_iteration_on_cpu_times_every_phase(tmp_path):
    out = tmp_path / "numbers.json"
    assert main(["--device", "cpu", "--quick", "--skip-run", "--json", str(out)]) == 0
    it = json.loads(out.read_text())["iteration"]
    assert set(it["phases"]) == {"DDIM inversion", "SLERP merge", "denoise"} and it["songs"] == it["requests"]
    assert all(s > 0 for s in it["per_step_seconds"].values())


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present")
def test_without_cuda_it_says_so_and_fails(capsys):
    assert main(["--skip-run"]) == 2
    assert "CUDA is not available" in capsys.readouterr().err
