"""The DP fine-tuning plan: sampling rate, step count and the calibrated noise multiplier.

The plan is made *before* training from what the loop will really run (Poisson rate
``q = B / N``, ``steps = ceil(epochs * N / B)``) and from what the ledger already holds on
the same private data, so that fine-tuning, the planned histogram release and every
earlier release compose within the budget. The ledger is then charged for exactly this
plan, and the training loop checks that it ran exactly ``steps`` noisy steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy.accounting import (
    Gaussian,
    Mechanism,
    SubsampledGaussian,
    calibrate_sgd_noise,
    compose_epsilon,
    dpsgd_schedule,
)
from dp_instructions.privacy.budget import Budget


@dataclass(frozen=True)
class DPTrainingPlan:
    training_examples: int
    """Rows the loop samples from (private rows plus any inserted canaries)."""
    expected_batch_size: int
    epochs: float
    sampling_rate: float
    steps: int
    noise_multiplier: float
    epsilon: float
    """DP fine-tuning alone, at the budget's delta."""
    epsilon_planned_total: float
    """Earlier releases + fine-tuning + the planned histogram release, composed."""
    histogram_noise_multiplier: float | None
    delta: float

    @property
    def mechanism(self) -> SubsampledGaussian:
        return SubsampledGaussian(self.noise_multiplier, self.sampling_rate, self.steps)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def plan_dp_training(
    *,
    training_examples: int,
    expected_batch_size: int,
    epochs: float,
    budget: Budget,
    histogram_noise_multiplier: float | None,
    already_spent: Sequence[Mechanism] = (),
    noise_multiplier: float | None = None,
) -> DPTrainingPlan:
    """Calibrate the noise multiplier to the budget left after ``already_spent`` and the
    planned histogram. ``noise_multiplier`` set by hand is checked against the budget
    instead of calibrated (the ledger would refuse an overspend anyway; failing here is
    earlier and clearer)."""
    if expected_batch_size > training_examples:
        raise InvalidInputError(
            f"parameter `dp_generation.training.expected_batch_size` ({expected_batch_size}) exceeds the "
            f"{training_examples} training examples of `instructions_train`; lower it"
        )
    schedule = dpsgd_schedule(training_examples, expected_batch_size, epochs)
    planned_histogram = [] if histogram_noise_multiplier is None else [Gaussian(histogram_noise_multiplier)]
    if noise_multiplier is None:
        sigma = calibrate_sgd_noise(
            budget.epsilon,
            budget.delta,
            schedule.sampling_rate,
            schedule.steps,
            histogram_noise=histogram_noise_multiplier,
            already_spent=already_spent,
        )
    else:
        sigma = float(noise_multiplier)
        if not sigma > 0:
            raise InvalidInputError(f"parameter `dp_generation.training.noise_multiplier` must be > 0, got {sigma}")
    sgd = SubsampledGaussian(sigma, schedule.sampling_rate, schedule.steps)
    total = compose_epsilon([*already_spent, sgd, *planned_histogram], budget.delta)
    if total > budget.epsilon:
        raise InvalidInputError(
            f"parameter `dp_generation.training.noise_multiplier` = {sigma} with q={schedule.sampling_rate:.4g} "
            f"and {schedule.steps} steps composes to epsilon {total:.4f} with the earlier and planned releases, "
            f"above the budget {budget.epsilon:g} at delta {budget.delta:g}; set it to null to calibrate"
        )
    return DPTrainingPlan(
        training_examples=training_examples,
        expected_batch_size=expected_batch_size,
        epochs=float(epochs),
        sampling_rate=schedule.sampling_rate,
        steps=schedule.steps,
        noise_multiplier=sigma,
        epsilon=compose_epsilon([sgd], budget.delta),
        epsilon_planned_total=total,
        histogram_noise_multiplier=histogram_noise_multiplier,
        delta=budget.delta,
    )
