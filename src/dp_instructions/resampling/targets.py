"""Per-cluster targets from the noisy histogram, and what to do when a cluster is short.

Targets: negative noisy counts are clipped to zero, the rest renormalised to shares, and
T is split by the largest-remainder (Hamilton) method: every cluster gets the floor of
its exact quota ``T * share``, and the seats left over go to the largest fractional
parts (ties to the lower cluster index). The targets sum to T exactly and each is its
quota rounded down or up. The arithmetic is exact (integers scaled from the binary
floats), so no rounding error can move a seat.

Why not the paper's code: it takes ``int(T * noisy / N)`` per cluster. Flooring loses up
to one draw per cluster (up to K-1 in total: hundreds at K = 1,000), and since the
clipped counts are not renormalised, clipping negative noise to zero shifts mass too,
so its total is neither T nor predictable. ``paper_rounding_total`` reports what it
would have drawn.

Shortage (a cluster's target exceeds its synthetic members), :class:`ShortageMode`:
``error`` is the paper's "generate more initial samples", with how many would be needed;
``replace`` takes every member once and draws the rest with replacement; ``redistribute``
caps short clusters and hands their shortfall to the clusters with room, in proportion
to their noisy shares (repeated until it fits: water-filling).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dp_instructions.exceptions import ClusterShortfall, InsufficientSamplesError, InvalidInputError
from dp_instructions.resampling.parameters import PARAMETER, ShortageMode

__all__ = [
    "ResamplingTargets",
    "check_target_size",
    "find_shortfalls",
    "initial_samples_needed",
    "largest_remainder",
    "paper_rounding_total",
    "plan_draws",
    "redistribute",
    "targets_from_noisy_counts",
]


def _exact_integers(weights: Sequence[float] | npt.NDArray[np.floating]) -> list[int]:
    """Non-negative finite floats as integers with one common scale (exact: a float is
    an integer times a power of two)."""
    ratios = [float(w).as_integer_ratio() for w in weights]
    scale = max((den for _, den in ratios), default=1)
    return [num * (scale // den) for num, den in ratios]


def largest_remainder(weights: Sequence[float] | npt.NDArray[np.floating], total: int) -> npt.NDArray[np.int64]:
    """Split ``total`` into non-negative integers proportional to ``weights``.

    Each share is ``floor(total * w / sum(w))`` or one more; the leftover units go to the
    largest fractional remainders, ties to the lower index. Weights must be finite and
    non-negative with a positive sum (unless ``total`` is 0).
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise InvalidInputError(f"weights must be 1-dimensional, got shape {w.shape}")
    if isinstance(total, bool) or not isinstance(total, (int, np.integer)) or total < 0:
        raise InvalidInputError(f"total must be an int >= 0, got {total!r}")
    total = int(total)
    if not np.isfinite(w).all() or (w < 0).any():
        raise InvalidInputError("weights must be finite and >= 0")
    if total == 0:
        return np.zeros(w.shape[0], dtype=np.int64)
    ints = _exact_integers(w)
    denominator = sum(ints)
    if denominator == 0:
        raise InvalidInputError("cannot split a positive total over weights that are all zero")
    floors, remainders = [], []
    for value in ints:
        q, r = divmod(value * total, denominator)
        floors.append(q)
        remainders.append(r)
    seats = total - sum(floors)
    # Remainders share the denominator, so comparing numerators compares fractions.
    order = sorted(range(len(ints)), key=lambda i: (-remainders[i], i))
    for i in order[:seats]:
        floors[i] += 1
    return np.asarray(floors, dtype=np.int64)


def targets_from_noisy_counts(
    noisy_counts: Sequence[float] | npt.NDArray[np.floating], total: int
) -> npt.NDArray[np.int64]:
    """Per-cluster targets summing to ``total`` (T): clip, renormalise, largest remainder."""
    counts = np.asarray(noisy_counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise InvalidInputError(f"the noisy histogram must be a non-empty list of counts, got shape {counts.shape}")
    if not np.isfinite(counts).all():
        raise InvalidInputError("the noisy histogram holds NaN or infinite counts")
    clipped = np.clip(counts, 0.0, None)
    if not clipped.sum() > 0:
        raise InvalidInputError(
            f"every one of the {counts.size} noisy counts is <= 0: the noise swamps the votes, so the "
            "histogram says nothing about the real distribution. Use fewer clusters "
            f"(`{PARAMETER}.clustering.num_clusters`) or more real instructions"
        )
    return largest_remainder(clipped, total)


def paper_rounding_total(
    noisy_counts: Sequence[float] | npt.NDArray[np.floating], total: int, dataset_size: int
) -> int:
    """What the paper's code would draw in total: ``sum(int(T * max(c, 0) / N))``."""
    counts = np.clip(np.asarray(noisy_counts, dtype=np.float64), 0.0, None)
    return int(sum(int(total * c / dataset_size) for c in counts))


def find_shortfalls(targets: npt.NDArray[np.int64], available: npt.NDArray[np.int64]) -> list[ClusterShortfall]:
    """Every cluster whose target exceeds its synthetic members."""
    short = np.flatnonzero(targets > available)
    return [ClusterShortfall(int(j), int(targets[j]), int(available[j])) for j in short]


def initial_samples_needed(
    targets: npt.NDArray[np.int64], available: npt.NDArray[np.int64], pool_size: int
) -> int | None:
    """How many initial synthetic samples would cover every target, assuming a larger
    pool keeps the current cluster proportions: ``max_j ceil(M * t_j / a_j)`` (at least
    M). ``None`` when a cluster with a positive target has no member at all (no pool
    size is predicted to fill it)."""
    needed = pool_size
    for t, a in zip(targets.tolist(), available.tolist()):
        if t == 0:
            continue
        if a == 0:
            return None
        needed = max(needed, -(-pool_size * t // a))
    return needed


def redistribute(
    targets: npt.NDArray[np.int64], available: npt.NDArray[np.int64], weights: npt.NDArray[np.floating]
) -> npt.NDArray[np.int64]:
    """Targets capped at ``available`` whose total is unchanged: the shortfall goes to the
    clusters with room, by largest remainder on their ``weights`` (the clipped noisy
    counts), repeated until nothing is short. Clusters the histogram gives no weight get
    leftovers only when the weighted ones are full (then in proportion to their room)."""
    targets = np.asarray(targets, dtype=np.int64)
    available = np.asarray(available, dtype=np.int64)
    weights = np.clip(np.asarray(weights, dtype=np.float64), 0.0, None)
    total = int(targets.sum())
    if total > int(available.sum()):
        raise InvalidInputError(
            f"cannot draw {total} synthetic instructions without replacement from a pool of {int(available.sum())}"
        )
    out = np.minimum(targets, available)
    excess = total - int(out.sum())
    while excess > 0:
        room = available - out
        w = np.where(room > 0, weights, 0.0)
        if not w.sum() > 0:
            w = room.astype(np.float64)
        extra = largest_remainder(w, excess)
        grown = out + extra
        # Each round either places everything or fills at least one cluster, so it ends.
        excess = int(np.clip(grown - available, 0, None).sum())
        out = np.minimum(grown, available)
    return out


@dataclass(frozen=True)
class ResamplingTargets:
    """What to draw from each cluster."""

    targets: npt.NDArray[np.int64]
    """What the noisy histogram asks for (sums to T)."""
    draws: npt.NDArray[np.int64]
    """Distinct members to draw without replacement (never more than a cluster has)."""
    extra: npt.NDArray[np.int64]
    """Draws with replacement on top of ``draws`` (``replace`` mode only)."""
    available: npt.NDArray[np.int64]
    shortfalls: list[ClusterShortfall]
    mode: ShortageMode
    initial_samples_needed: int | None

    @property
    def total(self) -> int:
        return int(self.draws.sum() + self.extra.sum())


def _describe_shortfalls(shortfalls: list[ClusterShortfall], limit: int = 20) -> str:
    listed = ", ".join(f"cluster {s.cluster}: needs {s.needed}, has {s.available}" for s in shortfalls[:limit])
    more = f", and {len(shortfalls) - limit} more" if len(shortfalls) > limit else ""
    return listed + more


def plan_draws(
    targets: npt.NDArray[np.int64],
    available: npt.NDArray[np.int64],
    weights: npt.NDArray[np.floating],
    mode: ShortageMode,
) -> ResamplingTargets:
    """Apply the shortage ``mode`` to ``targets`` given each cluster's ``available``
    synthetic members. ``error`` raises :class:`InsufficientSamplesError` listing every
    short cluster and the initial pool size that would cover them."""
    targets = np.asarray(targets, dtype=np.int64)
    available = np.asarray(available, dtype=np.int64)
    if targets.shape != available.shape:
        raise InvalidInputError(f"{targets.shape[0]} targets for {available.shape[0]} clusters")
    pool = int(available.sum())
    shortfalls = find_shortfalls(targets, available)
    needed = initial_samples_needed(targets, available, pool)
    zeros = np.zeros_like(targets)
    if not shortfalls:
        return ResamplingTargets(targets, targets.copy(), zeros, available, [], mode, needed)
    if mode is ShortageMode.ERROR:
        need = (
            f"about {needed:,} initial samples (now {pool:,}) would cover them"
            if needed is not None
            else "some of them have no synthetic member at all, so no larger pool is predicted to fill them"
        )
        raise InsufficientSamplesError(
            f"need more initial samples: {len(shortfalls)} of {targets.size} clusters ask for more synthetic "
            f"instructions than they hold ({_describe_shortfalls(shortfalls)}); {need}. Generate more with "
            f"dp_generation (this needs a new histogram release), or re-run with `{PARAMETER}.shortage: "
            f"redistribute` or `replace`, which reuses this noisy histogram at no privacy cost",
            [(s.cluster, s.needed, s.available) for s in shortfalls],
        )
    if mode is ShortageMode.REPLACE:
        empty = [s for s in shortfalls if s.available == 0]
        if empty:
            raise InsufficientSamplesError(
                f"{len(empty)} cluster(s) with a positive target have no synthetic member to draw with "
                f"replacement ({_describe_shortfalls(empty)}); use `{PARAMETER}.shortage: redistribute`",
                [(s.cluster, s.needed, s.available) for s in empty],
            )
        draws = np.minimum(targets, available)
        return ResamplingTargets(targets, draws, targets - draws, available, shortfalls, mode, needed)
    if int(targets.sum()) > pool:
        raise InvalidInputError(
            f"T = {int(targets.sum())} exceeds the {pool} synthetic instructions: redistribution cannot draw "
            "that many without replacement"
        )
    draws = redistribute(targets, available, weights)
    return ResamplingTargets(targets, draws, zeros, available, shortfalls, mode, needed)


def check_target_size(
    total: int, pool_size: int, mode: ShortageMode, parameter: str = f"{PARAMETER}.target_size"
) -> None:
    """T must be drawable: at most the pool without replacement."""
    if total < 1:
        raise InvalidInputError(f"parameter `{parameter}` resolves to T = {total}; it must be >= 1")
    if mode is not ShortageMode.REPLACE and total > pool_size:
        raise InvalidInputError(
            f"parameter `{parameter}` resolves to T = {total:,}, more than the {pool_size:,} synthetic "
            f"instructions in synthetic_initial: impossible without replacement (`{PARAMETER}.shortage` = "
            f"{mode.value}); lower T, generate more samples, or use `shortage: replace`"
        )
