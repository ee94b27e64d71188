"""Exceptions raised by dp_instructions, including those raised from the Rust core.

Errors caused by the caller's input subclass :class:`ValueError` (through
:class:`InvalidInputError`), so generic ``except ValueError`` handlers keep working.
"""

from __future__ import annotations

from dataclasses import dataclass


class DPInstructionsError(Exception):
    """Base class of every error raised by this project."""


class InvalidInputError(DPInstructionsError, ValueError):
    """An argument, dataset, column or parameter has a value that cannot be used."""


class NonFiniteValueError(InvalidInputError):
    """A float array holds NaN or an infinity."""


class LabelOutOfRangeError(InvalidInputError):
    """A cluster label is outside ``[0, K)``."""


@dataclass(frozen=True)
class ClusterShortfall:
    """A cluster asked for more draws than it has members."""

    cluster: int
    needed: int
    available: int


class InsufficientSamplesError(InvalidInputError):
    """Resampling without replacement asked some clusters for more samples than they hold.

    The paper's remedy is to generate more initial synthetic samples; ``shortfalls`` lists
    every short cluster so the caller can size that.
    """

    def __init__(self, message: str, shortfalls: list[tuple[int, int, int]] | None = None):
        super().__init__(message)
        self.shortfalls: list[ClusterShortfall] = [
            ClusterShortfall(int(c), int(n), int(a)) for c, n, a in (shortfalls or [])
        ]

    def __reduce__(self):  # keep the shortfalls when pickled (e.g. by a parallel runner)
        return (
            type(self),
            (self.args[0], [(s.cluster, s.needed, s.available) for s in self.shortfalls]),
        )


# --- privacy (issue 4): accounting, ledger, boundary -------------------------------------


class PrivacyError(DPInstructionsError):
    """Base class of the errors that protect the differential-privacy guarantee."""


class InvalidBudgetError(InvalidInputError):
    """A privacy budget (epsilon, delta) or a mechanism parameter is out of range,
    e.g. ``delta >= 1/N`` for a private dataset of N records."""


class ImpossibleBudgetError(InvalidInputError):
    """No noise multiplier meets the budget, e.g. the fixed releases (the DP histogram)
    already spend more than the whole epsilon on their own."""


class AccountingError(PrivacyError):
    """The numerical accountant could not produce a trustworthy bound (e.g. delta so small
    that floating-point error dominates); never silently replaced by a guess."""


class PrivacyBudgetExceededError(PrivacyError):
    """A DP release would take the composed spend on a private dataset over its budget.

    ``spent`` is epsilon already composed on the dataset, ``requested`` the new release's
    own epsilon, ``total`` the composition of both (not their sum) and ``budget`` the
    allowed epsilon, all at the budget's ``delta``.
    """

    def __init__(
        self,
        message: str,
        *,
        spent: float,
        requested: float,
        total: float,
        budget: float,
        delta: float,
        fingerprint: str,
    ):
        super().__init__(message)
        self.spent = spent
        self.requested = requested
        self.total = total
        self.budget = budget
        self.delta = delta
        self.fingerprint = fingerprint

    def __reduce__(self):  # keep the figures when pickled (e.g. by a parallel runner)
        return (_rebuild_budget_exceeded, (self.args[0], self.__dict__.copy()))


def _rebuild_budget_exceeded(message: str, fields: dict) -> PrivacyBudgetExceededError:
    return PrivacyBudgetExceededError(message, **fields)


class LedgerCorruptError(PrivacyError):
    """The privacy ledger file is not a valid, unbroken hash chain of records. The ledger
    refuses to guess: dropping a record would under-count spent privacy."""


class LedgerUnavailableError(PrivacyError):
    """The privacy ledger's database cannot be reached (connection refused, bad
    credentials). Nothing is released without a ledger to charge."""


class PrivacyBoundaryError(PrivacyError):
    """A pipeline lets private data reach a ``dp_release``/``public`` dataset without a
    ``dp_mechanism`` node, the alignment pipeline reads private data, or a dataset has no
    privacy class. ``violations`` lists every finding (each with its path)."""

    def __init__(self, message: str, violations: list | None = None):
        super().__init__(message)
        self.violations: list = list(violations or [])

    def __reduce__(self):
        return (type(self), (self.args[0], self.violations))
