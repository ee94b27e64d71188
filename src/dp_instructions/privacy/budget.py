"""The privacy budget (epsilon, delta) of one private dataset, and the rules for delta.

Why a separate module: every DP node, the ledger and the CLI must agree on the budget
and on its delta. delta is the probability that the epsilon guarantee fails outright, so
it must be well below 1/N (a mechanism that publishes one random record in full is
(0, 1/N)-DP). The paper uses delta = 5e-7 for N = 180,000; the project default follows
the same rule for any N: the largest 5 x 10^k strictly below 1/(10 N).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from dp_instructions.exceptions import InvalidBudgetError
from dp_instructions.privacy.parameters import PrivacyParameters

__all__ = ["Budget", "check_delta", "default_delta"]


def _check_size(dataset_size: int) -> int:
    if isinstance(dataset_size, bool) or not isinstance(dataset_size, numbers.Integral) or dataset_size < 1:
        raise InvalidBudgetError(
            f"`dataset_size` (N, records in the private dataset) must be a positive int, got {dataset_size!r}"
        )
    return int(dataset_size)


def default_delta(dataset_size: int) -> float:
    """The largest ``5 * 10**k`` strictly below ``1 / (10 * N)``: 5e-7 for N = 180,000.

    Computed with integers (``5e-m < 1/(10 N)  <=>  50 N < 10**m``), so the boundary
    cases (N = 200,000 gives exactly 5e-7, which is not *strictly* below) are exact.
    """
    n = _check_size(dataset_size)
    m = 1
    while 10**m <= 50 * n:
        m += 1
    return float(f"5e-{m}")


def check_delta(delta: float, dataset_size: int) -> float:
    """Return ``delta`` as a float if ``0 < delta < 1/N``; raise otherwise."""
    n = _check_size(dataset_size)
    if isinstance(delta, bool) or not isinstance(delta, numbers.Real) or not math.isfinite(delta):
        raise InvalidBudgetError(f"`delta` must be a finite number, got {delta!r}")
    delta = float(delta)
    if not 0.0 < delta < 1.0 / n:
        raise InvalidBudgetError(
            f"`delta` = {delta:g} must be in (0, 1/N) = (0, {1.0 / n:.3g}) for the private "
            f"dataset of N = {n:,} records; the default would be {default_delta(n):g}"
        )
    return delta


@dataclass(frozen=True)
class Budget:
    """Total privacy budget of one private dataset: every release that reads it, composed,
    must stay within ``epsilon`` at ``delta``."""

    epsilon: float
    delta: float

    def __post_init__(self) -> None:
        eps = self.epsilon
        if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not math.isfinite(eps) or eps <= 0:
            raise InvalidBudgetError(f"budget `epsilon` must be a finite number > 0, got {eps!r}")
        d = self.delta
        if isinstance(d, bool) or not isinstance(d, numbers.Real) or not 0.0 < d < 1.0:
            raise InvalidBudgetError(f"budget `delta` must be a number in (0, 1), got {d!r}")
        object.__setattr__(self, "epsilon", float(eps))
        object.__setattr__(self, "delta", float(d))

    @classmethod
    def for_dataset(cls, epsilon: float, dataset_size: int, delta: float | None = None) -> Budget:
        """The budget for a private dataset of ``dataset_size`` records: ``delta=None``
        takes :func:`default_delta`; an explicit delta must be below 1/N."""
        d = default_delta(dataset_size) if delta is None else check_delta(delta, dataset_size)
        return cls(epsilon=epsilon, delta=d)

    @classmethod
    def from_params(cls, params: PrivacyParameters, dataset_size: int) -> Budget:
        """The budget of a private dataset of ``dataset_size`` records under the
        ``privacy:`` parameters (``delta: null`` = the default for N)."""
        return cls.for_dataset(params.epsilon, dataset_size, params.delta)
