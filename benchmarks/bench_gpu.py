"""GPU timings: the default experiment per stage, and one loop iteration's work at audio-diffusion-256 size.

    python benchmarks/bench_gpu.py                      # on a CUDA machine: both parts
    python benchmarks/bench_gpu.py --skip-run           # part 2 only
    python benchmarks/bench_gpu.py --device cpu --quick # a reduced version on CPU: exercises the code path

Part 1 runs ``hcbench run device=cuda`` (the default experiment, in a fresh run directory)
and reads each stage's seconds from the run store (the ``stages`` table that
``hcbench.loop.runner`` fills); setup is the wall time outside the stages (model and
corpus loading, the raters' corpus embedding, the report).

Part 2 times one iteration's generation and fine-tuning with a random-weight UNet of
teticio/audio-diffusion-256's architecture (113.7 M parameters, 256x256 mel images; the
config ships no UNet, so the architecture is written out below; ``--unet-config`` takes a
real ``unet/config.json``): DDIM inversion of every request's two input songs at
strength 0.5, SLERP merge, denoise, then Diffusion-DPO steps and rating-weighted (eq. 2)
steps with the trainer of the loop (batch size from conf/finetune).

``--quick`` shrinks both: the smoke experiment at test size, and the same block layout at
1/8 of the width on 64x64 images.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from diffusers import DDIMScheduler, UNet2DModel
from omegaconf import OmegaConf
from rich.console import Console
from rich.table import Table

from hcbench.audio.mel import MelConfig
from hcbench.models.generator import Generator
from hcbench.models.pair_training import train_on_pairs
from hcbench.models.pretrain import TrainerConfig, adamw, pretrain
from hcbench.models.slerp import slerp_mean
from hcbench.paths import conf_dir

# teticio/audio-diffusion-256 unet/config.json (diffusers UNet2DModel), 1 channel, 256x256
AUDIO_DIFFUSION_256_UNET = dict(
    sample_size=256, in_channels=1, out_channels=1, layers_per_block=2, norm_num_groups=32,
    block_out_channels=[128, 128, 256, 256, 512, 512],
    down_block_types=["DownBlock2D", "DownBlock2D", "DownBlock2D", "DownBlock2D", "AttnDownBlock2D", "DownBlock2D"],
    up_block_types=["UpBlock2D", "AttnUpBlock2D", "UpBlock2D", "UpBlock2D", "UpBlock2D", "UpBlock2D"],
)
QUICK_UNET = {**AUDIO_DIFFUSION_256_UNET, "sample_size": 64, "layers_per_block": 1, "norm_num_groups": 8,
              "block_out_channels": [16, 16, 32, 32, 64, 64]}
QUICK_RUN = ["experiment=smoke", "n_raters=24", "space.reference_clips=60", "model.steps=6", "loop.versions=2",
             "loop.requests.per_iteration=8", "loop.requests.batch_size=4", "loop.requests.pool_size=4",
             "finetune.steps=2", "finetune.batch_size=4", "finetune.checkpoint_every=2", "metrics.bootstrap=50"]


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(f"bench_gpu.py: CUDA is not available (torch {torch.__version__}, built for CUDA "
              f"{torch.version.cuda or 'none'}); run it on a GPU machine, or pass --device cpu --quick "
              "to exercise its code path on the CPU", file=sys.stderr)
        return 2
    console = Console()
    console.print(f"device {_describe(args.device)}; torch {torch.__version__}{'; quick' if args.quick else ''}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_gpu_") as tmp:
        if not args.skip_run:
            results["run"] = bench_run(args, Path(tmp) / "run")
            console.print(_run_table(results["run"]))
        results["iteration"] = bench_iteration(args, Path(tmp) / "train")
        console.print(_iteration_table(results["iteration"]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


def bench_run(args, run_dir: Path) -> dict:
    """``hcbench run device=...`` in ``run_dir``; seconds per (iteration, stage) from the run store."""
    from hydra import compose, initialize_config_dir

    from hcbench.commands.run import run_experiment
    from hcbench.store import RunStore

    overrides = [*(QUICK_RUN if args.quick else []), *args.run_overrides, f"device={args.device}", f"run_dir={run_dir}"]
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("run", overrides=overrides)
    started = time.perf_counter()
    run_experiment(cfg)
    wall = time.perf_counter() - started
    store = RunStore(run_dir, create=False)
    rows = store.rows("SELECT iteration, stage, seconds FROM stages WHERE stage != 'done' ORDER BY iteration")
    stages: dict[str, dict[int, float]] = {}
    for row in rows:
        stages.setdefault(row["stage"], {})[int(row["iteration"])] = float(row["seconds"])
    return {"overrides": overrides, "wall_seconds": wall, "stages": stages,
            "peak_gib": _peak_gib(args.device)}


def bench_iteration(args, out_dir: Path) -> dict:
    """One iteration's generation (invert + SLERP + denoise) and fine-tuning steps, timed phase by phase."""
    generator = build_generator(args)
    parameters = sum(p.numel() for p in generator.unet.parameters())
    rng = np.random.default_rng(0)
    shape = (generator.mel.y_res, generator.mel.x_res)
    inputs = rng.integers(0, 256, (args.requests, 2, *shape), dtype=np.uint8)  # two input songs per request
    _reset_peak(args.device)
    phases = {}
    latents, phases["DDIM inversion"] = _timed(args.device, lambda: generator.encode(inputs.reshape(-1, *shape), 0.5))
    starts, phases["SLERP merge"] = _timed(args.device, lambda: torch.stack(
        [slerp_mean(pair) for pair in latents.reshape(args.requests, 2, *latents.shape[1:])]))
    songs, phases["denoise"] = _timed(args.device, lambda: generator.denoise(starts, 0.5, eta=1.0))
    generation_peak = _peak_gib(args.device)
    images = rng.integers(0, 256, (max(2 * args.pairs, 2), *shape), dtype=np.uint8)
    winners, losers = np.arange(args.pairs), np.arange(args.pairs, 2 * args.pairs)
    batch = args.train_batch or _finetune_batch()
    trainer = TrainerConfig(steps=args.train_steps, batch_size=batch, warmup_steps=1, ema_decay=0.0,
                            checkpoint_every=10**9, max_timestep=generator.highest_timestep(0.5) + 1,
                            optimizer=adamw(lr=1e-5))
    _reset_peak(args.device)
    dpo = train_on_pairs(generator, images, winners, losers, trainer, 5000.0, out_dir / "dpo")
    weighted = pretrain(generator, images, trainer, out_dir / "weighted", weights=rng.uniform(0, 1, len(images)))
    per_step = {"DPO step": dpo["train_seconds"] / dpo["steps"], "weighted step": weighted["train_seconds"] / weighted["steps"]}
    generation = sum(phases.values())
    return {"unet": "quick (1/8 width, 64x64)" if args.quick else "audio-diffusion-256", "parameters": parameters,
            "requests": args.requests, "ddim_steps": generator.steps, "visited_steps": len(generator.timesteps(0.5)),
            "phases": phases, "generation_seconds": generation, "per_request_seconds": generation / args.requests,
            "songs": int(songs.shape[0]), "train_batch": batch, "train_steps": args.train_steps,
            "per_step_seconds": per_step, "generation_peak_gib": generation_peak, "train_peak_gib": _peak_gib(args.device)}


def build_generator(args) -> Generator:
    """A random-weight UNet of audio-diffusion-256's architecture (or ``--unet-config``'s; QUICK_UNET with --quick)."""
    model = OmegaConf.load(conf_dir() / "model" / "audio_diffusion_256.yaml")
    if args.unet_config:
        architecture = {k: v for k, v in json.loads(Path(args.unet_config).read_text()).items() if not k.startswith("_")}
    else:
        architecture = QUICK_UNET if args.quick else AUDIO_DIFFUSION_256_UNET
    size = architecture["sample_size"]
    size = size if isinstance(size, int) else size[0]
    mel = MelConfig(**{k: v for k, v in OmegaConf.to_container(model.mel).items() if k != "_target_"})
    if size != mel.y_res:
        mel = MelConfig(**{**mel.__dict__, "x_res": size, "y_res": size})
    torch.manual_seed(0)
    unet = UNet2DModel(**architecture).to(args.device).eval()
    scheduler = DDIMScheduler(num_train_timesteps=1000, beta_schedule="linear", clip_sample=True)
    steps = args.ddim_steps or (10 if args.quick else int(model.steps))
    return Generator(unet, scheduler, mel, steps=steps, batch_size=args.gen_batch or int(model.batch_size))


def _finetune_batch() -> int:
    return int(OmegaConf.load(conf_dir() / "finetune" / "weighted.yaml").batch_size)


def _timed(device: str, fn):
    _sync(device)
    started = time.perf_counter()
    out = fn()
    _sync(device)
    return out, time.perf_counter() - started


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _reset_peak(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()


def _peak_gib(device: str) -> float | None:
    return torch.cuda.max_memory_allocated() / 2**30 if device.startswith("cuda") else None


def _describe(device: str) -> str:
    if device.startswith("cuda"):
        return f"{device} ({torch.cuda.get_device_name(torch.device(device))})"
    return f"{device} ({torch.get_num_threads()} threads)"


def _run_table(run: dict) -> Table:
    iterations = sorted({i for per in run["stages"].values() for i in per})
    table = Table(title=f"hcbench run {' '.join(o for o in run['overrides'] if not o.startswith('run_dir'))}: "
                        "seconds per stage (run store)")
    table.add_column("stage")
    for i in iterations:
        table.add_column(f"iter {i}", justify="right")
    table.add_column("total", justify="right")
    order = ["plan", "generate", "rate", "score", "select", "finetune"]
    for stage in sorted(run["stages"], key=lambda s: order.index(s) if s in order else len(order)):
        per = run["stages"][stage]
        table.add_row(stage, *(f"{per[i]:.1f}" if i in per else "-" for i in iterations), f"{sum(per.values()):.1f}")
    staged = sum(sum(per.values()) for per in run["stages"].values())
    table.add_section()
    table.add_row("setup + report (outside stages)", *[""] * len(iterations), f"{run['wall_seconds'] - staged:.1f}")
    table.add_row("wall", *[""] * len(iterations), f"{run['wall_seconds']:.1f}", style="bold")
    if run["peak_gib"] is not None:
        table.caption = f"peak GPU memory {run['peak_gib']:.2f} GiB"
    return table


def _iteration_table(it: dict) -> Table:
    table = Table(title=f"one iteration, {it['unet']} UNet ({it['parameters'] / 1e6:.1f} M parameters, random weights): "
                        f"{it['requests']} requests x 2 inputs, strength 0.5 ({it['visited_steps']} of "
                        f"{it['ddim_steps']} DDIM steps each way)")
    table.add_column("phase")
    table.add_column("seconds", justify="right")
    table.add_column("per request / step", justify="right")
    for name, seconds in it["phases"].items():
        table.add_row(name, f"{seconds:.2f}", f"{seconds / it['requests']:.3f}")
    table.add_row("generation", f"{it['generation_seconds']:.2f}", f"{it['per_request_seconds']:.3f}", style="bold")
    table.add_section()
    for name, seconds in it["per_step_seconds"].items():
        table.add_row(f"{name} (batch {it['train_batch']})", f"{seconds * it['train_steps']:.2f}", f"{seconds:.3f}")
    peaks = [f"{label} {it[key]:.2f} GiB" for label, key in (("generation", "generation_peak_gib"),
                                                              ("training", "train_peak_gib")) if it[key] is not None]
    table.caption = ("peak GPU memory: " + ", ".join(peaks)) if peaks else None
    return table


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--quick", action="store_true", help="reduced sizes (for --device cpu)")
    parser.add_argument("--skip-run", action="store_true", help="part 2 only")
    parser.add_argument("--run-overrides", nargs="*", default=[], help="extra Hydra overrides for part 1")
    parser.add_argument("--requests", type=int, default=None, help="requests generated in part 2 (default 32; quick 2)")
    parser.add_argument("--pairs", type=int, default=None, help="DPO pairs (default 16; quick 2)")
    parser.add_argument("--train-steps", type=int, default=None, help="steps of each objective (default 10; quick 2)")
    parser.add_argument("--train-batch", type=int, default=None, help="default: conf/finetune's batch size; quick 4")
    parser.add_argument("--gen-batch", type=int, default=None, help="samples per UNet call (default: the model config's)")
    parser.add_argument("--ddim-steps", type=int, default=None, help="default: the model config's (quick 10)")
    parser.add_argument("--unet-config", default=None, help="a unet/config.json to build instead")
    parser.add_argument("--json", default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
    defaults = dict(requests=(2, 32), pairs=(2, 16), train_steps=(2, 10), train_batch=(4, None))
    for name, (quick, full) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    return args


if __name__ == "__main__":
    sys.exit(main())
