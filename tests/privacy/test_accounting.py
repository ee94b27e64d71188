"""Accounting: the paper's figures, an independent cross-check, calibration, delta rules."""

from __future__ import annotations

import math

import dp_accounting
import pytest
from dp_accounting.pld import pld_privacy_accountant

from dp_instructions.exceptions import (
    ImpossibleBudgetError,
    InvalidBudgetError,
    InvalidInputError,
)
from dp_instructions.privacy import (
    Budget,
    Gaussian,
    SubsampledGaussian,
    calibrate_sgd_noise,
    check_delta,
    compose_epsilon,
    default_delta,
    dpsgd_schedule,
)
from dp_instructions.privacy.parameters import PrivacyParameters

# The paper (Yu et al. 2024, Appendix F.4): 180k training instructions, expected batch
# 4096, 10 epochs of Poisson-sampled DP-SGD, delta 5e-7, one histogram with sigma 10.
N = 180_000
Q = 4096 / N
STEPS = 440  # = ceil(10 / Q): see test_paper_schedule
DELTA = 5e-7
HIST = 10.0


def pld_epsilon(sigma: float, q: float, steps: int, hist: float | None, delta: float) -> float:
    """Google's dp-accounting PLD accountant: an implementation independent of ours."""
    step = dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma))
    events = [dp_accounting.SelfComposedDpEvent(step, steps)]
    if hist is not None:
        events.append(dp_accounting.GaussianDpEvent(hist))
    accountant = pld_privacy_accountant.PLDAccountant(value_discretization_interval=1e-3)
    accountant.compose(dp_accounting.ComposedDpEvent(events))
    return accountant.get_epsilon(delta)


def test_paper_schedule():
    # 10 epochs at q = 4096/180000 is 439.45 expected steps; a loop runs whole steps and
    # rounding up never under-counts. Opacus' Poisson loader agrees: ceil(N/B) = 44 per epoch.
    schedule = dpsgd_schedule(N, 4096, 10)
    assert schedule.sampling_rate == Q
    assert schedule.steps == STEPS == 10 * math.ceil(N / 4096)
    assert dpsgd_schedule(1000, 100, 1).steps == 10  # exact: no rounding
    assert dpsgd_schedule(1000, 100, 0.55).steps == 6
    with pytest.raises(InvalidInputError, match="expected_batch_size"):
        dpsgd_schedule(100, 101, 1)


@pytest.mark.parametrize(("sigma", "expected"), [(0.81, 5.9), (1.11, 2.9)])
def test_paper_epsilons_and_composition(sigma, expected):
    sgd = compose_epsilon([SubsampledGaussian(sigma, Q, STEPS)], DELTA)
    both = compose_epsilon([SubsampledGaussian(sigma, Q, STEPS), Gaussian(HIST)], DELTA)
    hist = compose_epsilon([Gaussian(HIST)], DELTA)
    assert sgd == pytest.approx(expected, abs=0.06)
    # the histogram adds a few hundredths, far less than its own epsilon (~0.42):
    # composition, not addition
    assert 0.005 < both - sgd < 0.06
    assert hist > 0.3
    assert both < sgd + hist
    # independent cross-check: Google's PLD accountant, within 2 %
    assert both == pytest.approx(pld_epsilon(sigma, Q, STEPS, HIST, DELTA), rel=0.02)
    assert sgd == pytest.approx(pld_epsilon(sigma, Q, STEPS, None, DELTA), rel=0.02)


def test_composition_is_canonical_and_monotone():
    a, b = SubsampledGaussian(1.0, 0.01, 100), Gaussian(5.0)
    # order and splitting into identical pieces do not change the (bit-identical) result
    assert compose_epsilon([a, b], 1e-6) == compose_epsilon([b, a], 1e-6)
    assert compose_epsilon([SubsampledGaussian(1.0, 0.01, 60), SubsampledGaussian(1.0, 0.01, 40)], 1e-6) == (
        compose_epsilon([a], 1e-6)
    )
    assert compose_epsilon([Gaussian(5.0), Gaussian(5.0)], 1e-6) == compose_epsilon([Gaussian(5.0, count=2)], 1e-6)
    assert compose_epsilon([], 1e-6) == 0.0
    # more steps or less noise never costs less
    assert compose_epsilon([SubsampledGaussian(1.0, 0.01, 200)], 1e-6) > compose_epsilon([a], 1e-6)
    assert compose_epsilon([SubsampledGaussian(0.8, 0.01, 100)], 1e-6) > compose_epsilon([a], 1e-6)


@pytest.mark.parametrize("epsilon", [6.0, 3.0])
def test_calibration_meets_the_budget_tightly(epsilon):
    sigma = calibrate_sgd_noise(epsilon, DELTA, Q, STEPS, histogram_noise=HIST)
    spent = compose_epsilon([SubsampledGaussian(sigma, Q, STEPS), Gaussian(HIST)], DELTA)
    assert spent <= epsilon  # never over budget, by construction
    assert spent > epsilon - 0.01  # and tight
    less_noise = compose_epsilon([SubsampledGaussian(sigma * (1 - 2e-3), Q, STEPS), Gaussian(HIST)], DELTA)
    assert less_noise > epsilon  # the noise multiplier is (close to) the smallest that fits
    # the paper's sigmas are near these budgets
    assert sigma == pytest.approx({6.0: 0.81, 3.0: 1.11}[epsilon], abs=0.02)


def test_calibration_without_histogram_and_small_runs():
    sigma = calibrate_sgd_noise(2.0, 1e-5, 0.05, 60)
    spent = compose_epsilon([SubsampledGaussian(sigma, 0.05, 60)], 1e-5)
    assert 2.0 - 0.01 < spent <= 2.0


def test_impossible_budgets_are_clear_errors():
    hist_alone = compose_epsilon([Gaussian(HIST)], DELTA)
    with pytest.raises(ImpossibleBudgetError, match="histogram release .* spend epsilon"):
        calibrate_sgd_noise(hist_alone * 0.9, DELTA, Q, STEPS, histogram_noise=HIST)
    with pytest.raises(ImpossibleBudgetError, match="no DP-SGD noise multiplier"):
        calibrate_sgd_noise(hist_alone + 1e-3, DELTA, Q, STEPS, histogram_noise=HIST, max_noise_multiplier=20)
    with pytest.raises(ImpossibleBudgetError, match="no meaningful protection"):
        calibrate_sgd_noise(500.0, DELTA, Q, STEPS)
    for bad in (0.0, -1.0, math.inf, math.nan):
        with pytest.raises(InvalidInputError):
            calibrate_sgd_noise(bad, DELTA, Q, STEPS)
    with pytest.raises(InvalidBudgetError):
        calibrate_sgd_noise(1.0, 0.0, Q, STEPS)
    with pytest.raises(InvalidInputError, match="sampling_rate"):
        calibrate_sgd_noise(1.0, DELTA, 1.5, STEPS)
    with pytest.raises(InvalidInputError, match="steps"):
        calibrate_sgd_noise(1.0, DELTA, Q, 0)
    # input faults are ValueErrors for generic handlers
    assert issubclass(ImpossibleBudgetError, ValueError)


def test_default_delta():
    assert default_delta(180_000) == 5e-7  # the paper
    assert default_delta(200_000) == 5e-8  # 1/(10N) = 5e-7 exactly: must be strictly below
    assert default_delta(1) == 5e-2
    assert default_delta(20_000) == 5e-7
    for n in [1, 2, 7, 10, 19, 20, 21, 999, 1000, 1001, 123_456, 180_000, 10**7, 3 * 10**9]:
        d = default_delta(n)
        assert d < 1 / (10 * n) <= d * 10  # the largest 5e-k below 1/(10N)
        assert f"{d:e}".startswith("5.000000e")
    with pytest.raises(InvalidBudgetError):
        default_delta(0)


def test_delta_must_be_below_one_over_n():
    assert check_delta(5e-7, N) == 5e-7
    for bad in (1 / N, 2 / N, 1e-3, 0.0, -1e-9, math.nan, math.inf):
        with pytest.raises(InvalidBudgetError, match="delta"):
            check_delta(bad, N)
    assert Budget.from_params(PrivacyParameters(epsilon=6.0, delta=None), N) == Budget(6.0, 5e-7)
    assert Budget.from_params(PrivacyParameters(epsilon=3, delta=1e-6), N) == Budget(3.0, 1e-6)
    with pytest.raises(InvalidBudgetError, match="1/N"):
        Budget.from_params(PrivacyParameters(epsilon=6.0, delta=1e-5), N)
    assert issubclass(InvalidBudgetError, ValueError)
