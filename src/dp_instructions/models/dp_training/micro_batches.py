"""Micro-batches of one logical (Poisson) batch.

The logical batch is what the accountant sees: one Poisson draw per step, whose per-example
gradients are clipped, summed, noised once and applied once. How its examples are grouped
into micro-batches that fit in memory changes nothing of that, only the work: grouping
examples of similar length and trimming each micro-batch to its longest row spares the
forward and backward passes over padding (right padding, causal attention: a real token
never attends to the pad columns that are cut, so its output is the same).
"""

from __future__ import annotations

import torch

__all__ = ["MicroBatch", "micro_batches"]

MicroBatch = tuple[torch.Tensor, int]
"""Row indices of the micro-batch and the width (tokens) its rows are trimmed to."""


def micro_batches(
    batch: torch.Tensor, lengths: torch.Tensor, size: int, width: int, bucketing: bool
) -> list[MicroBatch]:
    """``batch`` (row indices) cut into micro-batches of at most ``size`` rows, every row
    exactly once. ``bucketing``: rows sorted by ``lengths`` (real tokens per row, at most
    ``width``) and each micro-batch trimmed to its longest row; otherwise the draw's order
    and the full ``width``. An empty batch is one empty micro-batch (the step still adds
    noise)."""
    if len(batch) == 0:
        return [(batch, width)]
    if bucketing:
        batch = batch[torch.argsort(lengths[batch], stable=True)]
    return [(chunk, int(lengths[chunk].max().item()) if bucketing else width) for chunk in batch.split(size)]
