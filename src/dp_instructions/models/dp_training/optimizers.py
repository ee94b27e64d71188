"""Gaussian noise from a :class:`~dp_instructions.privacy.noise.NoiseSource`, and the
Opacus DP optimizers that add it.

Opacus draws its noise from torch's generator, which is predictable; here every step's
noise is one draw from the project's noise source (``os.urandom`` when private). With
several processes each rank clips its own examples, rank 0 alone adds the noise, and the
noisy sum is all-reduced, so the update carries the noise of a single Gaussian mechanism
on the union batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import torch
from opacus.optimizers import (
    DistributedDPOptimizer,
    DistributedDPOptimizerFastGradientClipping,
    DPOptimizer,
    DPOptimizerFastGradientClipping,
)
from opacus.optimizers.optimizer import _check_processed_flag, _mark_as_processed

from dp_instructions.exceptions import DPInstructionsError
from dp_instructions.models.dp_training.process_group import all_reduce_flat
from dp_instructions.privacy.noise import NoiseSource


class NoiseDraws:
    """Successive steps' Gaussian noise for a fixed set of parameter shapes, one flat
    draw per step (one CSPRNG read instead of one per LoRA tensor).

    With `prefetch`, the next step's draw runs in a background thread as soon as the
    current one is taken, so it overlaps the next step's forward and backward passes:
    on a GPU the host is mostly idle then, and the secure source costs ~80 ns of CPU per
    number (35 ms per step for a 100M GPT-2's LoRA, most of a small GPU step). Privacy
    is unchanged: each draw is used exactly once, for one step, and the one drawn ahead
    for a step that never comes is discarded unreleased. Draws stay in order, one at a
    time, so a fixed source gives the same sequence either way.
    """

    def __init__(self, source: NoiseSource, shapes: Sequence[torch.Size], *, prefetch: bool = False):
        self.source = source
        self.shapes = [torch.Size(s) for s in shapes]
        self.numel = sum(s.numel() for s in self.shapes)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="dp-noise") if prefetch else None
        self._next: Future | None = None
        self._next_std: float | None = None

    def _draw(self, std: float) -> np.ndarray:
        return self.source.normal(self.numel, std, dtype=np.float32)

    def take(self, std: float) -> list[torch.Tensor]:
        """This step's noise of standard deviation `std`, one CPU tensor per shape."""
        if self._next is not None and self._next_std == std:
            flat = self._next.result()
        else:  # first step, no prefetching, or the noise level changed: draw now
            if self._next is not None:
                self._next.result()  # keep draws sequential; this one is discarded unreleased
            flat = self._draw(std)
        if self._pool is not None:
            self._next, self._next_std = self._pool.submit(self._draw, std), std
        parts = torch.from_numpy(flat).split([s.numel() for s in self.shapes])
        return [part.view(shape) for part, shape in zip(parts, self.shapes)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._next = None, None


def _add_secure_noise(optimizer: DPOptimizer, draws: NoiseDraws) -> None:
    std = optimizer.noise_multiplier * optimizer.max_grad_norm
    params = optimizer.params
    if [p.summed_grad.shape for p in params] != draws.shapes:
        raise DPInstructionsError("the DP optimizer's parameters changed shape after its noise was planned")
    noise = draws.take(std)
    if params and params[0].summed_grad.device.type != "cpu":
        # One host-to-device copy for all tensors instead of one per LoRA tensor.
        flat = torch.cat([z.reshape(-1) for z in noise]).to(params[0].summed_grad.device)
        noise = [part.view(z.shape) for part, z in zip(flat.split([z.numel() for z in noise]), noise)]
    for p, z in zip(params, noise):
        _check_processed_flag(p.summed_grad)
        p.grad = (p.summed_grad + z.view_as(p.summed_grad).to(p.summed_grad)).view_as(p)
        _mark_as_processed(p.summed_grad)


class _SecureNoise:
    """Draws the step's Gaussian noise from a :class:`NoiseSource` in place of Opacus'
    generator (``prefetch_noise``: see :class:`NoiseDraws`; call :meth:`close` when done).
    Mixed into an Opacus DP optimizer, before it in the bases."""

    params: list[torch.nn.Parameter]

    def __init__(self, *args: Any, noise_source: NoiseSource, prefetch_noise: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.noise_source = noise_source
        self.noise_draws = NoiseDraws(noise_source, [p.shape for p in self.params], prefetch=prefetch_noise)

    def add_noise(self) -> None:
        _add_secure_noise(self, self.noise_draws)  # type: ignore[arg-type]

    def close(self) -> None:
        self.noise_draws.close()


class _DistributedSecureNoise:
    """Rank 0's noise drawn from a NoiseSource, and one flat all-reduce.

    Each rank holds the clipped sum of its own examples; rank 0 adds one draw of noise
    and the all-reduce sums everything, so the update carries the noise of a single
    Gaussian mechanism on the union batch, not ``world_size`` of them. Pass the *local*
    expected batch size (``expected_batch_size / world_size``): Opacus scales by it and
    the mean all-reduce divides by ``world_size`` again, which together divide the noisy
    global sum by the global expected batch size, as in one process.
    """

    params: list[torch.nn.Parameter]
    rank: int
    world_size: int
    loss_reduction: str

    def __init__(self, *args: Any, noise_source: NoiseSource, prefetch_noise: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.noise_source = noise_source
        # Only rank 0 draws; the other ranks never touch the source.
        self.noise_draws = NoiseDraws(
            noise_source, [p.shape for p in self.params], prefetch=prefetch_noise and self.rank == 0
        )

    def add_noise(self) -> None:
        if self.rank == 0:
            _add_secure_noise(self, self.noise_draws)  # type: ignore[arg-type]
            return
        for p in self.params:
            _check_processed_flag(p.summed_grad)
            p.grad = p.summed_grad.view_as(p)
            _mark_as_processed(p.summed_grad)

    def reduce_gradients(self) -> None:
        # One flat all-reduce instead of one per LoRA tensor (hundreds on a large model).
        all_reduce_flat(
            [p.grad for p in self.params if p.requires_grad], self.world_size if self.loss_reduction == "mean" else 1
        )

    def close(self) -> None:
        self.noise_draws.close()


class SecureNoiseDPOptimizer(_SecureNoise, DPOptimizer):
    """Opacus' DP optimizer (per-example gradients from hooks, clipped here) with the noise
    drawn from a NoiseSource."""


class SecureNoiseGhostDPOptimizer(_SecureNoise, DPOptimizerFastGradientClipping):
    """Opacus' ghost-clipping optimizer (the gradient arrives already clipped and summed by
    the second backward pass) with the noise drawn from a NoiseSource."""


class DistributedSecureNoiseDPOptimizer(_DistributedSecureNoise, DistributedDPOptimizer):
    """Opacus' distributed DP optimizer with rank 0's noise drawn from a NoiseSource."""


class DistributedSecureNoiseGhostDPOptimizer(_DistributedSecureNoise, DistributedDPOptimizerFastGradientClipping):
    """Opacus' distributed ghost-clipping optimizer with rank 0's noise drawn from a NoiseSource."""


SECURE_NOISE_OPTIMIZERS = (_SecureNoise, _DistributedSecureNoise)
"""Every optimizer here: the loop closes them (their noise thread) at the end."""


def dp_optimizer(optimizer: torch.optim.Optimizer, *, ghost: bool, distributed: bool, **kwargs: Any) -> DPOptimizer:
    """The DP optimizer for a clipping mode (``ghost``: Opacus' fast gradient clipping;
    else per-example gradients from hooks) and one process or several; `kwargs` as for
    Opacus' optimizers, plus ``noise_source`` and ``prefetch_noise``."""
    classes = {
        (False, False): SecureNoiseDPOptimizer,
        (True, False): SecureNoiseGhostDPOptimizer,
        (False, True): DistributedSecureNoiseDPOptimizer,
        (True, True): DistributedSecureNoiseGhostDPOptimizer,
    }
    return classes[ghost, distributed](optimizer, **kwargs)
