"""Poisson sampling: the rate, secret coins, and one independent stream per rank."""

from __future__ import annotations

import torch

from dp_instructions.models.dp_training.poisson import poisson_batch, rank_seed, secure_poisson_batch


def test_poisson_batches_have_the_right_rate():
    g = torch.Generator().manual_seed(0)
    sizes = [len(poisson_batch(1000, 0.05, g)) for _ in range(200)]
    assert abs(sum(sizes) / len(sizes) - 50) < 3


def test_secure_poisson_batches_have_the_right_rate():
    sizes = [len(secure_poisson_batch(1000, 0.05)) for _ in range(200)]
    assert abs(sum(sizes) / len(sizes) - 50) < 3


def test_each_rank_gets_its_own_sampler_stream():
    # Shared coins across ranks would draw records of different shards together.
    seeds = {rank_seed(0, rank, 4) for rank in range(4)}
    assert len(seeds) == 4
    assert rank_seed(5, 0, 1) == 5  # one process keeps the configured seed
