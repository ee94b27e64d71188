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
