"""Poisson sampling of the logical batches, and each rank's shard of it.

Amplification by subsampling assumes every record is drawn independently with
probability ``q`` and that nobody can tell whether a given record was drawn: a private
run's inclusion coins come from ``os.urandom`` (:func:`secure_poisson_batch`); a fixed
(test, not private) noise source or the non-private control uses a seeded torch
generator (:func:`poisson_batch`), so such runs replay exactly.

With several processes, rank ``r`` of ``W`` owns the fixed shard ``r, r+W, r+2W, ...`` and
Poisson-samples it at the same ``q`` with its own coins: every record lives in exactly one
shard and is drawn independently, so the union of the local batches *is* a Poisson sample
of the whole dataset at rate ``q``.
"""

from __future__ import annotations

import numpy as np
import torch

from dp_instructions.privacy.noise import secure_uniform


def poisson_batch(n: int, q: float, generator: torch.Generator) -> torch.Tensor:
    """Indices of a Poisson sample: each of `n` examples independently with probability q."""
    return torch.nonzero(torch.rand(n, generator=generator) < q, as_tuple=False).flatten()


def secure_poisson_batch(n: int, q: float) -> torch.Tensor:
    """:func:`poisson_batch` with the inclusion coins from ``os.urandom`` (unpredictable)."""
    return torch.from_numpy(np.flatnonzero(secure_uniform(n) < q))


def rank_seed(seed: int, rank: int, world_size: int, start_step: int = 0) -> int:
    """Seed of a rank's (non-private, replayable) sampler. One process keeps ``seed``
    itself; with several, each rank needs its own stream: shared coins would draw the
    i-th record of every shard together, and the union would no longer be a Poisson
    sample (records would not be drawn independently)."""
    if world_size == 1 and start_step == 0:
        return seed
    return int(np.random.SeedSequence([seed, world_size, rank, start_step]).generate_state(1, dtype=np.uint64)[0])


class ShardSampler:
    """Poisson batches of one rank's shard, as indices into that shard; secret coins
    when `seed` is None."""

    def __init__(self, n: int, q: float, seed: int | None):
        self.n, self.q = n, q
        self.generator = None if seed is None else torch.Generator().manual_seed(seed)

    @property
    def secure(self) -> bool:
        return self.generator is None

    def draw(self) -> torch.Tensor:
        # Module-level look-ups (not bound at import) so that tests can substitute a sampler.
        if self.generator is None:
            return secure_poisson_batch(self.n, self.q)
        return poisson_batch(self.n, self.q, self.generator)
