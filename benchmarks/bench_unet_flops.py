"""UNet forward pass as achieved GFLOP/s, next to a float32 matmul peak measured in the same run.

    python benchmarks/bench_unet_flops.py [--models tiny small] [--batch 8] [--repeats 9]
"""
from __future__ import annotations

import argparse
from collections.abc import Callable

import torch
from rich.console import Console
from rich.table import Table
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

from bench_generation import build_generator, interleaved_medians


def _cpu_sdpa_flops(query_shape, key_shape, value_shape, *args, out_shape=None, **kwargs) -> int:
    """torch's attention formula (QK^T and AV matmuls) for the CPU SDPA kernel; args are shapes."""
    return sdpa_flop_count(query_shape, key_shape, value_shape)


# torch's counter knows the CUDA attention kernels but not the CPU one that SDPA
# dispatches to here; without this the attention matmuls would count as zero.
CPU_ATTENTION = {torch.ops.aten._scaled_dot_product_flash_attention_for_cpu: _cpu_sdpa_flops}


def matmul(n: int) -> Callable[[], object]:
    """An n x n float32 matmul: 2 n^3 FLOPs of the best-tuned kernel, the ceiling for the UNet's convs."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    return lambda: torch.mm(a, b)


def unet_forward(model: str, batch: int) -> tuple[Callable[[], object], int, int]:
    """A no-grad forward of ``model``'s UNet on batch ``batch``, its FLOPs and parameter count."""
    unet = build_generator(model, batch, steps=1).unet
    x = torch.randn(batch, unet.config.in_channels, *_hw(unet.config.sample_size))
    t = torch.tensor(500)

    @torch.no_grad()
    def forward() -> object:
        return unet(x, t).sample

    with FlopCounterMode(display=False, custom_mapping=CPU_ATTENTION) as counter:
        forward()
    return forward, counter.get_total_flops(), sum(p.numel() for p in unet.parameters())


def _hw(size: int | tuple[int, int]) -> tuple[int, int]:
    return (size, size) if isinstance(size, int) else tuple(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=("tiny", "small"), default=["tiny", "small"])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--matmul-n", type=int, default=2048)
    # 1 by default: on a CPU shared with other jobs, 2 threads fight them and times swing by 10x.
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    console = Console(width=150)  # wide even when piped, so the table is not wrapped
    n = args.matmul_n
    console.print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, batch {args.batch}, "
                  f"repeats {args.repeats} (median, interleaved), peak = torch.mm {n}x{n} float32")
    table = Table(title="UNet forward pass vs matmul peak (FLOPs: FlopCounterMode, 1 multiply-add = 2 FLOPs)")
    for column in ("model", "params", "GFLOP per forward", "s per forward", "achieved GFLOP/s",
                   "matmul peak GFLOP/s", "achieved / peak"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for model in args.models:
        forward, flops, params = unet_forward(model, args.batch)
        # interleaved with the matmul, so both see the same load from other jobs
        medians = interleaved_medians({"unet": forward, "mm": matmul(n)}, args.repeats)
        seconds, peak = medians["unet"], 2 * n**3 / medians["mm"] / 1e9
        achieved = flops / seconds / 1e9
        table.add_row(model, f"{params / 1e6:.2f} M", f"{flops / 1e9:.3f}", f"{seconds:.4f}",
                      f"{achieved:.1f}", f"{peak:.1f}", f"{achieved / peak:.1%}")
    console.print(table)
    console.print("FLOPs count convolutions, linear layers and attention matmuls; norms, activations and other "
                  "elementwise ops (memory-bound, few FLOPs) are left out but their time is in the forward pass.")


if __name__ == "__main__":
    main()
