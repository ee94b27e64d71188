"""Privacy accounting: compose heterogeneous DP releases with the PRV accountant and
calibrate the DP-SGD noise multiplier for a total budget.

Why this module exists (paper, Appendix F.4): the method spends privacy twice on the same
private instructions, T Poisson-subsampled Gaussian steps of DP-SGD and one Gaussian
noisy histogram, and the guarantee is their *composition*, not the sum of two epsilons.
The PRV accountant (Gopi, Lee, Wutschitz 2021; package ``prv-accountant``) composes
privacy-loss distributions numerically and returns an *upper bound* on epsilon, which is
the only figure we ever compare with a budget.

Neighbouring datasets differ by adding or removing one instruction (the adjacency that
Poisson-sampled DP-SGD is analysed under). One instruction casts one vote, so the vote
histogram has L2 sensitivity 1 and a histogram with Gaussian noise of standard deviation
sigma is a Gaussian mechanism with noise multiplier sigma.
"""

from __future__ import annotations

import functools
import logging
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Union

import numpy as np
from prv_accountant import GaussianMechanism, PoissonSubsampledGaussianMechanism, PRVAccountant
from prv_accountant.other_accountants import RDP
from scipy.optimize import brentq

from dp_instructions.exceptions import (
    AccountingError,
    ImpossibleBudgetError,
    InvalidBudgetError,
    InvalidInputError,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_PRECISION",
    "AccountingPrecision",
    "DPSGDSchedule",
    "Gaussian",
    "Mechanism",
    "SubsampledGaussian",
    "calibrate_sgd_noise",
    "compose_epsilon",
    "dpsgd_schedule",
    "mechanism_from_dict",
]


def _positive_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise InvalidInputError(f"`{name}` must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise InvalidInputError(f"`{name}` must be finite and > 0, got {value!r}")
    return value


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise InvalidInputError(f"`{name}` must be a positive int, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class SubsampledGaussian:
    """DP-SGD: ``steps`` steps, each a Gaussian mechanism with ``noise_multiplier``
    (noise std / clipping norm) on a Poisson sample that holds each record independently
    with probability ``sampling_rate``."""

    noise_multiplier: float
    sampling_rate: float
    steps: int
    kind: ClassVar[str] = "poisson_subsampled_gaussian"

    def __post_init__(self) -> None:
        object.__setattr__(self, "noise_multiplier", _positive_float(self.noise_multiplier, "noise_multiplier"))
        q = _positive_float(self.sampling_rate, "sampling_rate")
        if q > 1:
            raise InvalidInputError(f"`sampling_rate` must be in (0, 1], got {q!r}")
        object.__setattr__(self, "sampling_rate", q)
        object.__setattr__(self, "steps", _positive_int(self.steps, "steps"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "noise_multiplier": self.noise_multiplier,
            "sampling_rate": self.sampling_rate,
            "steps": self.steps,
        }


@dataclass(frozen=True)
class Gaussian:
    """``count`` releases of a sensitivity-1 query with Gaussian noise of standard
    deviation ``noise_multiplier`` (e.g. one noisy vote histogram: ``count=1``)."""

    noise_multiplier: float
    count: int = 1
    kind: ClassVar[str] = "gaussian"

    def __post_init__(self) -> None:
        object.__setattr__(self, "noise_multiplier", _positive_float(self.noise_multiplier, "noise_multiplier"))
        object.__setattr__(self, "count", _positive_int(self.count, "count"))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "noise_multiplier": self.noise_multiplier, "count": self.count}


Mechanism = Union[SubsampledGaussian, Gaussian]  # noqa: UP007 (a runtime alias)


def mechanism_from_dict(data: Mapping[str, Any]) -> Mechanism:
    """Inverse of ``Mechanism.to_dict`` (used to read the ledger back)."""
    kind = data.get("kind")
    fields = {k: v for k, v in data.items() if k != "kind"}
    try:
        if kind == SubsampledGaussian.kind:
            return SubsampledGaussian(**fields)
        if kind == Gaussian.kind:
            return Gaussian(**fields)
    except TypeError as exc:
        raise InvalidInputError(f"mechanism {dict(data)!r} has unexpected fields: {exc}") from exc
    raise InvalidInputError(f"unknown mechanism kind {kind!r} in {dict(data)!r}")


@dataclass(frozen=True)
class AccountingPrecision:
    """Discretisation of the PRV accountant. Only the *upper* bound is ever used, so a
    coarser setting is never unsafe, only less tight: the upper bound sits about
    ``eps_error`` above the estimate. ``delta_error`` is ``delta * delta_error_ratio``."""

    eps_error: float = 0.01
    delta_error_ratio: float = 1e-3

    def __post_init__(self) -> None:
        if not 0 < self.eps_error <= 1:
            raise InvalidInputError(f"`eps_error` must be in (0, 1], got {self.eps_error!r}")
        if not 0 < self.delta_error_ratio < 1:
            raise InvalidInputError(f"`delta_error_ratio` must be in (0, 1), got {self.delta_error_ratio!r}")


DEFAULT_PRECISION = AccountingPrecision()

_Canonical = tuple[tuple[str, tuple[float, ...], int], ...]


def _canonical(mechanisms: Iterable[Mechanism]) -> _Canonical:
    """Merge identical mechanisms (their self-compositions add up) and sort them, so the
    same multiset of releases always yields the same accountant input and therefore the
    same bit-identical epsilon: the ledger's check then agrees exactly with calibration."""
    counts: dict[tuple[str, tuple[float, ...]], int] = {}
    for m in mechanisms:
        if isinstance(m, SubsampledGaussian):
            key, n = (m.kind, (m.noise_multiplier, m.sampling_rate)), m.steps
        elif isinstance(m, Gaussian):
            key, n = (m.kind, (m.noise_multiplier,)), m.count
        else:
            raise InvalidInputError(f"not a mechanism: {m!r} (use SubsampledGaussian or Gaussian)")
        counts[key] = counts.get(key, 0) + n
    return tuple(sorted((kind, params, n) for (kind, params), n in counts.items()))


def _prvs(canonical: _Canonical) -> tuple[list[Any], list[int]]:
    prvs: list[Any] = []
    counts: list[int] = []
    for kind, params, n in canonical:
        if kind == SubsampledGaussian.kind:
            sigma, q = params
            prvs.append(PoissonSubsampledGaussianMechanism(sampling_probability=q, noise_multiplier=sigma))
        else:
            prvs.append(GaussianMechanism(noise_multiplier=params[0]))
        counts.append(n)
    return prvs, counts


def _prv_epsilon(canonical: _Canonical, delta: float, eps_error: float, delta_error_ratio: float) -> float:
    prvs, counts = _prvs(canonical)
    accountant = PRVAccountant(
        prvs=prvs,
        eps_error=eps_error,
        delta_error=delta * delta_error_ratio,
        max_self_compositions=counts,
    )
    _, _, eps_upper = accountant.compute_epsilon(delta=delta, num_self_compositions=counts)
    if math.isnan(eps_upper):
        raise ValueError("the accountant returned NaN")
    return max(float(eps_upper), 0.0)


@functools.lru_cache(maxsize=512)
def _compose_canonical(canonical: _Canonical, delta: float, eps_error: float, delta_error_ratio: float) -> float:
    """PRV upper bound; where the PRV discretisation fails (it does for few, weakly noised
    steps: "Discrete mean differs from continuous mean"), a finer mesh, then the RDP
    bound, which is looser but still a valid upper bound. The chain is deterministic, so
    calibration and the ledger always agree on the same number."""
    if not canonical:
        return 0.0
    errors = []
    for attempt_error in (eps_error, eps_error / 10):
        try:
            return _prv_epsilon(canonical, delta, attempt_error, delta_error_ratio)
        except (ValueError, RuntimeError, FloatingPointError) as exc:
            errors.append(f"eps_error={attempt_error:g}: {exc}")
    try:
        prvs, counts = _prvs(canonical)
        eps_rdp = float(RDP(prvs=prvs).compute_epsilon(delta=delta, num_self_compositions=counts)[2])
    except (ValueError, RuntimeError, FloatingPointError) as exc:
        errors.append(f"RDP: {exc}")
        eps_rdp = math.nan
    if math.isnan(eps_rdp):
        raise AccountingError(f"no accountant could bound {list(canonical)} at delta={delta:g}: {'; '.join(errors)}")
    logger.warning(
        "PRV accountant failed for %s at delta=%g (%s); using the RDP upper bound %.4f",
        list(canonical),
        delta,
        "; ".join(errors),
        eps_rdp,
    )
    return max(eps_rdp, 0.0)


def _check_delta(delta: Any) -> float:
    if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not 0 < float(delta) < 1:
        raise InvalidBudgetError(f"`delta` must be in (0, 1), got {delta!r}")
    return float(delta)


def compose_epsilon(
    mechanisms: Sequence[Mechanism], delta: float, precision: AccountingPrecision = DEFAULT_PRECISION
) -> float:
    """Upper bound on epsilon, at ``delta``, of all ``mechanisms`` composed together.

    Identical mechanisms are merged (two runs of the same DP-SGD add their steps), the
    rest compose heterogeneously. An empty sequence costs 0. ``inf`` means no finite
    epsilon holds at this delta.
    """
    return _compose_canonical(
        _canonical(mechanisms), _check_delta(delta), precision.eps_error, precision.delta_error_ratio
    )


@dataclass(frozen=True)
class DPSGDSchedule:
    """What the DP training loop must run, and what the accountant charges for."""

    sampling_rate: float
    steps: int


def dpsgd_schedule(dataset_size: int, expected_batch_size: int, epochs: float) -> DPSGDSchedule:
    """Sampling rate ``q = B / N`` and ``steps = ceil(epochs / q)``.

    Why ceil: an epoch of Poisson sampling is ``1/q`` steps in expectation, which is rarely
    an integer, and the loop must run a whole number of steps; rounding up never
    under-counts. It also matches Opacus' Poisson loader, whose epoch is
    ``ceil(N / B)`` steps (paper: q = 4096/180000, 10 epochs -> 440 steps). The training
    loop must run exactly ``steps`` steps at rate ``q``: that is what the ledger charges.
    """
    n = _positive_int(dataset_size, "dataset_size")
    b = _positive_int(expected_batch_size, "expected_batch_size")
    if b > n:
        raise InvalidInputError(f"`expected_batch_size` ({b}) exceeds `dataset_size` ({n})")
    e = _positive_float(epochs, "epochs")
    steps = math.ceil(Fraction(e) * n / b)
    return DPSGDSchedule(sampling_rate=b / n, steps=int(steps))


def _rdp_epsilon(mechanisms: Sequence[Mechanism], delta: float) -> float:
    """RDP bound (looser than PRV, but instant): only used to bracket the root."""
    prvs, counts = _prvs(_canonical(mechanisms))
    return float(RDP(prvs=prvs).compute_epsilon(delta=delta, num_self_compositions=counts)[2])


def calibrate_sgd_noise(
    epsilon: float,
    delta: float,
    sampling_rate: float,
    steps: int,
    histogram_noise: float | None = None,
    *,
    already_spent: Sequence[Mechanism] = (),
    precision: AccountingPrecision = DEFAULT_PRECISION,
    rtol: float = 1e-4,
    min_noise_multiplier: float = 0.3,
    max_noise_multiplier: float = 1e4,
) -> float:
    """Smallest DP-SGD noise multiplier (to relative ``rtol``) whose composition with the
    histogram release, and with the releases ``already_spent`` on the same data (from the
    ledger), stays within ``(epsilon, delta)``.

    Why not a linear search (the paper's code): it can step over the answer. This brackets
    the root of ``compose_epsilon(...) - epsilon`` (starting from the instant RDP solution,
    which is looser, then verifying both ends with the PRV accountant), solves it with
    Brent's method, and finally checks the answer with the same accountant the ledger
    uses, nudging it up until the composed upper bound is ``<= epsilon``. The guarantee
    holds by construction, not by tolerance.

    Raises ``ImpossibleBudgetError`` when the histogram alone spends the budget, when no
    noise multiplier up to ``max_noise_multiplier`` fits, or when even
    ``min_noise_multiplier`` fits (epsilon in the hundreds: no protection worth the name,
    and the numerical accountant becomes slow and unreliable below it).
    """
    eps = _positive_float(epsilon, "epsilon")
    delta = _check_delta(delta)
    q = SubsampledGaussian(1.0, sampling_rate, steps)  # validates sampling_rate and steps
    fixed: list[Mechanism] = list(already_spent)
    if histogram_noise is not None:
        fixed.append(Gaussian(histogram_noise))
    if rtol <= 0:
        raise InvalidInputError(f"`rtol` must be > 0, got {rtol!r}")
    if not 0 < min_noise_multiplier < max_noise_multiplier:
        raise InvalidInputError(
            "need 0 < min_noise_multiplier < max_noise_multiplier, "
            f"got {min_noise_multiplier!r} and {max_noise_multiplier!r}"
        )

    fixed_eps = compose_epsilon(fixed, delta, precision)
    if fixed_eps >= eps:
        raise ImpossibleBudgetError(
            f"the histogram release (noise multiplier {histogram_noise}) and {len(already_spent)} "
            f"earlier release(s) spend epsilon={fixed_eps:.4f} at delta={delta:g}, which leaves nothing of the budget "
            f"epsilon={eps:g} for DP fine-tuning; raise epsilon or the histogram noise"
        )

    def excess(sigma: float) -> float:
        return compose_epsilon([SubsampledGaussian(sigma, q.sampling_rate, q.steps), *fixed], delta, precision) - eps

    def too_large(eps_at_min: float) -> ImpossibleBudgetError:
        return ImpossibleBudgetError(
            f"epsilon={eps:g} is met even with the smallest supported noise multiplier "
            f"{min_noise_multiplier:g} (epsilon {eps_at_min:.1f}); budgets that large give no "
            "meaningful protection (lower epsilon, or pass a smaller `min_noise_multiplier`)"
        )

    def rdp_excess(sigma: float) -> float:
        return _rdp_epsilon([SubsampledGaussian(sigma, q.sampling_rate, q.steps), *fixed], delta) - eps

    # Upper end: the RDP solution (RDP over-states epsilon, so PRV fits there), else grow.
    hi = 1.0
    if rdp_excess(min_noise_multiplier) <= 0:  # the slow PRV need not confirm an absurd budget
        raise too_large(rdp_excess(min_noise_multiplier) + eps)
    if rdp_excess(max_noise_multiplier) < 0:
        hi = brentq(rdp_excess, min_noise_multiplier, max_noise_multiplier, xtol=1e-6)
    while excess(hi) > 0:
        hi *= 2.0
        if hi > max_noise_multiplier:
            raise ImpossibleBudgetError(
                f"no DP-SGD noise multiplier <= {max_noise_multiplier:g} keeps the composition "
                f"within epsilon={eps:g} at delta={delta:g} (q={q.sampling_rate:g}, "
                f"steps={q.steps}, histogram noise {histogram_noise}); raise the budget"
            )
    # Lower end: shrink until the budget is exceeded.
    lo = hi
    while True:
        lo = max(lo * 0.9, min_noise_multiplier)
        if excess(lo) > 0:
            break
        if lo == min_noise_multiplier:
            raise too_large(excess(lo) + eps)
        hi = lo

    sigma = float(brentq(excess, lo, hi, xtol=rtol * lo, rtol=rtol, maxiter=100))
    # The root can sit on either side of the budget by up to the tolerance: move up.
    for _ in range(200):
        if excess(sigma) <= 0:
            return sigma
        sigma = min(sigma * (1 + rtol), hi)
    return hi  # verified above: excess(hi) <= 0
