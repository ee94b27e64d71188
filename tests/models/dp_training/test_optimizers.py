"""Noise draws: prefetching ahead gives the same sequence as drawing inline."""

from __future__ import annotations

import numpy as np
import torch

from dp_instructions.models.dp_training.optimizers import NoiseDraws
from dp_instructions.privacy.noise import NoiseSource


def test_prefetched_noise_is_the_same_sequence_drawn_ahead():
    shapes = [torch.Size([2, 3]), torch.Size([4])]
    inline = NoiseDraws(NoiseSource.fixed(5), shapes)
    ahead = NoiseDraws(NoiseSource.fixed(5), shapes, prefetch=True)

    def same(x, y):
        return all(torch.equal(a, b) for a, b in zip(x, y))

    try:
        inline_draws = [inline.take(std) for std in (1.0, 1.0, 2.0, 2.0)]
        ahead_draws = [ahead.take(std) for std in (1.0, 1.0, 2.0)]
    finally:
        ahead.close()
    assert [t.shape for t in ahead_draws[0]] == shapes
    assert same(inline_draws[0], ahead_draws[0]) and same(inline_draws[1], ahead_draws[1])
    # At a new std the draw made ahead (std 1) is discarded unreleased; the stream goes on.
    assert same(ahead_draws[2], inline_draws[3])
    flat = torch.cat([t.reshape(-1) for t in inline_draws[0]])
    assert torch.equal(flat, torch.from_numpy(NoiseSource.fixed(5).normal(10, 1.0, dtype=np.float32)))
    assert ahead._pool is None
