"""Calibration of the DP fine-tuning plan to the budget left on the ledger."""

from __future__ import annotations

import pytest

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.dp_training.plan import plan_dp_training
from dp_instructions.privacy import Budget, Gaussian, SubsampledGaussian, compose_epsilon

N = 10_000
BUDGET = Budget.for_dataset(6.0, N)


def test_plan_uses_the_loops_schedule_and_fits_the_budget_with_the_histogram():
    plan = plan_dp_training(
        training_examples=N, expected_batch_size=512, epochs=3, budget=BUDGET, histogram_noise_multiplier=10.0
    )
    assert plan.sampling_rate == 512 / N
    assert plan.steps == 59  # ceil(3 * 10000 / 512)
    total = compose_epsilon(
        [SubsampledGaussian(plan.noise_multiplier, plan.sampling_rate, plan.steps), Gaussian(10.0)], BUDGET.delta
    )
    assert total == plan.epsilon_planned_total
    assert BUDGET.epsilon - 0.02 < total <= BUDGET.epsilon
    assert plan.epsilon < total


def test_earlier_releases_leave_less_budget_so_more_noise():
    fresh = plan_dp_training(
        training_examples=N, expected_batch_size=512, epochs=3, budget=BUDGET, histogram_noise_multiplier=10.0
    )
    after = plan_dp_training(
        training_examples=N,
        expected_batch_size=512,
        epochs=3,
        budget=BUDGET,
        histogram_noise_multiplier=10.0,
        already_spent=[Gaussian(2.0)],
    )
    assert after.noise_multiplier > fresh.noise_multiplier
    total = compose_epsilon([Gaussian(2.0), after.mechanism, Gaussian(10.0)], BUDGET.delta)
    assert total <= BUDGET.epsilon


def test_a_hand_set_noise_multiplier_is_checked_not_calibrated():
    plan = plan_dp_training(
        training_examples=N,
        expected_batch_size=512,
        epochs=3,
        budget=BUDGET,
        histogram_noise_multiplier=10.0,
        noise_multiplier=3.0,
    )
    assert plan.noise_multiplier == 3.0 and plan.epsilon_planned_total < BUDGET.epsilon
    with pytest.raises(InvalidInputError, match="noise_multiplier"):
        plan_dp_training(
            training_examples=N,
            expected_batch_size=512,
            epochs=3,
            budget=BUDGET,
            histogram_noise_multiplier=10.0,
            noise_multiplier=0.4,
        )


def test_batch_larger_than_the_data_names_the_parameter():
    with pytest.raises(InvalidInputError, match="expected_batch_size"):
        plan_dp_training(
            training_examples=100,
            expected_batch_size=512,
            epochs=1,
            budget=Budget.for_dataset(6.0, 100),
            histogram_noise_multiplier=10.0,
        )
