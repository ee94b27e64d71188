"""Draw the resampled synthetic set (paper, Algorithm 2, last step) with the Rust kernel."""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
import polars as pl

from dp_instructions import native
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.resampling.targets import ResamplingTargets

__all__ = ["RESAMPLED_COLUMNS", "draw_indices", "resample_frame"]

log = logging.getLogger(__name__)

RESAMPLED_COLUMNS = ["id", "text", "cluster"]


def _stream_seeds(seed: int) -> tuple[int, int]:
    # Independent 64-bit seeds for the two draws (a seed and seed + 1 would give the
    # kernel's per-cluster ChaCha streams related keys).
    a, b = np.random.SeedSequence(int(seed)).generate_state(2, dtype=np.uint64)
    return int(a), int(b)


def draw_indices(
    labels: npt.NDArray[np.int64], plan: ResamplingTargets, seed: int, *, num_threads: int | None = None
) -> npt.NDArray[np.int64]:
    """Row indices of the resampled set, in increasing order (duplicates adjacent).

    ``plan.draws[j]`` distinct members of cluster ``j`` uniformly without replacement,
    then ``plan.extra[j]`` more uniformly with replacement (``replace`` mode only).
    """
    if seed < 0:
        raise InvalidInputError(f"the resampling seed must be >= 0, got {seed}")
    first, second = _stream_seeds(seed)
    indices = native.resample_indices(labels, plan.draws, first, replace=False, num_threads=num_threads)
    if int(plan.extra.sum()) > 0:
        extra = native.resample_indices(labels, plan.extra, second, replace=True, num_threads=num_threads)
        indices = np.concatenate([indices, extra])
    # Synthetic samples are i.i.d. draws of the generator, so their own order is random;
    # keeping it (rather than the kernel's cluster-major order) leaves no cluster
    # structure in the row order for a downstream `head()` to pick up.
    return np.sort(indices, kind="stable")


def resample_frame(
    synthetic: pl.DataFrame,
    labels: npt.NDArray[np.int64],
    plan: ResamplingTargets,
    seed: int,
    *,
    num_threads: int | None = None,
) -> pl.DataFrame:
    """The resampled set: ``id``, ``text`` of the drawn synthetic rows and their ``cluster``."""
    if labels.shape[0] != synthetic.height:
        raise InvalidInputError(f"{labels.shape[0]} cluster labels for {synthetic.height} synthetic rows")
    indices = draw_indices(labels, plan, seed, num_threads=num_threads)
    taken = pl.Series("row", indices)
    out = synthetic.select("id", "text")[taken].with_columns(pl.Series("cluster", labels[indices], dtype=pl.Int64))
    log.info(
        "resampled %d synthetic instructions (%d distinct) from a pool of %d",
        out.height,
        np.unique(indices).size,
        synthetic.height,
    )
    return out
