"""Typed facade over the Rust core (``dp_instructions._native``).

The rest of the project imports the kernels from here. The facade checks argument
types, dtypes and shapes up front and raises :mod:`dp_instructions.exceptions` errors
that name the argument at fault; arrays are handed to Rust without copies, so float
arrays must already be ``float32`` and C-contiguous (``numpy.ascontiguousarray``).
Every kernel releases the GIL and runs on rayon threads; ``num_threads`` pins the
count (results never depend on it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dp_instructions import _native
from dp_instructions.exceptions import InvalidInputError

#: ``matched`` value of a text that shares no n-gram with an earlier or reference text.
NO_MATCH: int = _native.NO_MATCH
#: ``matched`` value of a text dropped because it shares an n-gram with the reference set.
REFERENCE_MATCH: int = _native.REFERENCE_MATCH

__all__ = [
    "NO_MATCH",
    "REFERENCE_MATCH",
    "NgramDedupResult",
    "nearest_centroid",
    "ngram_dedup",
    "resample_indices",
    "tokenize",
    "vote_counts",
]


@dataclass(frozen=True)
class NgramDedupResult:
    """Outcome of :func:`ngram_dedup`, one entry per input text."""

    kept: npt.NDArray[np.bool_]
    """Whether the text survives."""
    matched: npt.NDArray[np.int64]
    """Index of the earliest earlier text sharing an n-gram with it (that match wins
    over the reference set), else :data:`REFERENCE_MATCH` if it shares one with the
    reference set, else :data:`NO_MATCH`."""


def _check_texts(texts: Sequence[str], name: str) -> list[str] | Sequence[str]:
    if isinstance(texts, str):
        raise InvalidInputError(f"`{name}` must be a sequence of strings, not a single string")
    if not isinstance(texts, (list, tuple)):
        texts = list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InvalidInputError(f"`{name}[{i}]` is {type(t).__name__}, expected str (drop or fill nulls first)")
    return texts


def _check_threads(num_threads: int | None) -> None:
    if num_threads is not None and (not isinstance(num_threads, int) or num_threads < 1):
        raise InvalidInputError(f"`num_threads` must be a positive int or None, got {num_threads!r}")


def _check_array(a: object, name: str, dtype: type, ndim: int) -> np.ndarray:
    if not isinstance(a, np.ndarray):
        raise InvalidInputError(f"`{name}` must be a numpy array, got {type(a).__name__}")
    if a.dtype != np.dtype(dtype):
        raise InvalidInputError(
            f"`{name}` has dtype {a.dtype}, expected {np.dtype(dtype)} "
            f"(convert with .astype(numpy.{np.dtype(dtype).name}))"
        )
    if a.ndim != ndim:
        raise InvalidInputError(f"`{name}` must be {ndim}-dimensional, got shape {a.shape}")
    if not a.flags.c_contiguous:
        raise InvalidInputError(f"`{name}` is not C-contiguous; pass numpy.ascontiguousarray({name})")
    return a


def tokenize(text: str) -> list[str]:
    """The lower-cased words of ``text`` as :func:`ngram_dedup` sees them.

    A word is a maximal run of Unicode letters (categories Lu, Ll, Lt, Lm, Lo), decimal
    digits (Nd) or ``_``, lower-cased like :meth:`str.lower`.
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"`text` must be str, got {type(text).__name__}")
    return _native.tokenize(text)


def ngram_dedup(
    texts: Sequence[str],
    n: int = 10,
    reference: Sequence[str] | None = None,
    *,
    num_threads: int | None = None,
) -> NgramDedupResult:
    """Drop every text that shares a word ``n``-gram with an earlier text or a reference text.

    Earlier means earlier in input order, whether that text was kept or not. Texts with
    fewer than ``n`` words are never dropped. N-grams are compared by 128-bit fingerprints.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError(f"`n` must be a positive int, got {n!r}")
    _check_threads(num_threads)
    texts = _check_texts(texts, "texts")
    if reference is not None:
        reference = _check_texts(reference, "reference")
    kept, matched = _native.ngram_dedup(texts, n, reference, num_threads)
    return NgramDedupResult(kept=kept, matched=matched)


def nearest_centroid(
    x: npt.NDArray[np.float32],
    centroids: npt.NDArray[np.float32],
    *,
    num_threads: int | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Index of the nearest centroid of each row of ``x`` (N x d) among ``centroids``
    (K x d), and its squared L2 distance.

    The distance is evaluated exactly (float64, summed in coordinate order) for every
    centroid that the blocked float32 GEMM cannot rule out; ties go to the lowest index.
    """
    _check_threads(num_threads)
    x = _check_array(x, "x", np.float32, 2)
    centroids = _check_array(centroids, "centroids", np.float32, 2)
    return _native.nearest_centroid(x, centroids, num_threads)


def vote_counts(
    x: npt.NDArray[np.float32],
    centroids: npt.NDArray[np.float32],
    *,
    num_threads: int | None = None,
) -> npt.NDArray[np.int64]:
    """How many rows of ``x`` have each centroid as their nearest (length K, sums to N).

    Same assignment as :func:`nearest_centroid`, without materialising the labels.
    """
    _check_threads(num_threads)
    x = _check_array(x, "x", np.float32, 2)
    centroids = _check_array(centroids, "centroids", np.float32, 2)
    return _native.vote_counts(x, centroids, num_threads)


def resample_indices(
    labels: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int64],
    seed: int,
    replace: bool = False,
    *,
    num_threads: int | None = None,
) -> npt.NDArray[np.int64]:
    """Draw ``targets[j]`` indices of members of each cluster ``j`` uniformly at random.

    ``labels[i]`` is the cluster of item ``i`` and must lie in ``[0, len(targets))``. The
    result lists cluster 0's draws, then cluster 1's, ..., each sorted. Without
    ``replace``, a cluster with fewer members than its target raises
    :class:`~dp_instructions.exceptions.InsufficientSamplesError` listing every short
    cluster. Deterministic for a seed, whatever the thread count.
    """
    _check_threads(num_threads)
    labels = _check_array(labels, "labels", np.int64, 1)
    targets = _check_array(targets, "targets", np.int64, 1)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**64:
        raise InvalidInputError(f"`seed` must be an int in [0, 2**64), got {seed!r}")
    return _native.resample_indices(labels, targets, int(seed), bool(replace), num_threads)
