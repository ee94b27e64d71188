"""The physical (micro-)batch: how many rows of a Poisson batch go through the model at
once. Execution only: the logical batch, the clipping and the noise do not depend on it.

``auto`` picks, on a GPU, the largest micro-batch whose forward and backward pass (per-
example gradients or ghost norms included) fits in a share of the free memory, found by
running the real pass on dummy tokens at the full sequence length: the probe never reads
private data, never steps the optimizer and never draws noise. On a CPU (or MPS, whose
free memory torch cannot report) it is a fixed :data:`CPU_PHYSICAL_BATCH`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Literal

import torch

__all__ = ["CPU_PHYSICAL_BATCH", "MEMORY_SHARE", "PhysicalBatch", "candidate_sizes", "largest_fitting", "probe_cuda"]

log = logging.getLogger(__name__)

PhysicalBatch = int | Literal["auto"]

CPU_PHYSICAL_BATCH = 64
"""``auto`` on a CPU: the embedded demo's measured setting (2 cores; larger micro-batches
gain nothing there, README Performance)."""

MEMORY_SHARE = 0.85
"""Share of the free GPU memory the chosen micro-batch may peak at: the rest is left for
the optimizer state, the noise and the allocator's fragmentation."""


def poisson_ceiling(expected_batch_size: float) -> int:
    """A micro-batch never needs more rows than a Poisson batch of that mean practically
    draws: the mean plus 4 standard deviations (exceeded with probability ~3e-5)."""
    return max(1, math.ceil(expected_batch_size + 4 * math.sqrt(expected_batch_size)))


def candidate_sizes(ceiling: int, start: int = 8) -> list[int]:
    """Powers of two from ``start`` below ``ceiling``, then ``ceiling`` itself."""
    sizes, b = [], start
    while b < ceiling:
        sizes.append(b)
        b *= 2
    return [*sizes, ceiling]


def largest_fitting(fits: Callable[[int], bool], sizes: list[int]) -> int:
    """The largest of ``sizes`` (ascending) that ``fits``, trying them in order and stopping
    at the first that does not; at least the first (it is tried for real in training, where
    running out of memory gives the allocator's own error)."""
    best = sizes[0]
    for size in sizes:
        if not fits(size):
            break
        best = size
    return best


def probe_cuda(run_pass: Callable[[int], None], device: torch.device, budget_bytes: int) -> Callable[[int], bool]:
    """A ``fits`` test for :func:`largest_fitting`: ``run_pass(rows)`` (one forward and
    backward of that many rows) peaks within ``budget_bytes`` above what is already
    allocated, and does not run out of memory."""

    def fits(rows: int) -> bool:
        torch.cuda.synchronize(device)
        baseline = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        try:
            run_pass(rows)
            torch.cuda.synchronize(device)
        except torch.cuda.OutOfMemoryError:
            torch.cuda.empty_cache()
            return False
        peak = torch.cuda.max_memory_allocated(device) - baseline
        log.debug("physical batch probe: %d rows peak at %.2f GiB", rows, peak / 2**30)
        return peak <= budget_bytes

    return fits


def resolve_physical_batch(
    setting: PhysicalBatch,
    *,
    device: torch.device,
    expected_batch_size: float,
    run_pass: Callable[[int], None],
) -> int:
    """``setting`` itself when a number; for ``auto``, :data:`CPU_PHYSICAL_BATCH` off CUDA
    and the largest probed micro-batch that fits in :data:`MEMORY_SHARE` of the free GPU
    memory on CUDA, never above :func:`poisson_ceiling` of the (per-process) expected batch."""
    if setting != "auto":
        return int(setting)
    ceiling = poisson_ceiling(expected_batch_size)
    if device.type != "cuda":
        return min(CPU_PHYSICAL_BATCH, ceiling)
    free, _ = torch.cuda.mem_get_info(device)
    budget = int(free * MEMORY_SHARE)
    chosen = largest_fitting(probe_cuda(run_pass, device, budget), candidate_sizes(ceiling))
    torch.cuda.empty_cache()
    log.info(
        "physical batch auto: %d rows (%.1f GiB free, expected Poisson batch %.0f)",
        chosen,
        free / 2**30,
        expected_batch_size,
    )
    return chosen
