"""Text sets for evaluation: the ``text`` column of a catalog dataset, a seeded pool of it,
and equal-size per-seed samples.

Why pools: embedding is the dominant cost of the evaluation on a CPU (~70 texts/s for
MiniLM on two cores), so each set is subsampled once to a pool that is embedded once;
every seed then draws its sample from the pool. A uniform sample of a uniform sample is
a uniform sample of the set, so the pool changes the cost, not the estimand. With
``pool_size: null`` (paper scale) the pool is the whole set.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import polars as pl

from dp_instructions.exceptions import InvalidInputError


@dataclass(frozen=True)
class TextSet:
    """The usable texts of one dataset. ``source_rows`` is the dataset's row count and
    ``excluded`` the rows without usable text (null or blank), so every row is counted."""

    name: str
    texts: list[str]
    source_rows: int
    excluded: int

    def __post_init__(self) -> None:
        assert len(self.texts) + self.excluded <= self.source_rows


def dataset_texts(frame: pl.DataFrame, dataset: str, column: str = "text") -> TextSet:
    """The non-blank values of ``frame[column]``; raises naming ``dataset`` when the
    column is missing or not text, or when no usable text is left."""
    if not isinstance(frame, pl.DataFrame):
        raise InvalidInputError(f"dataset `{dataset}` must load as a polars DataFrame, got {type(frame).__name__}")
    if column not in frame.columns:
        raise InvalidInputError(f"dataset `{dataset}` has no `{column}` column (columns: {frame.columns})")
    if frame.schema[column] != pl.Utf8:
        raise InvalidInputError(f"column `{column}` of dataset `{dataset}` must be text, got {frame.schema[column]}")
    values = frame[column]
    usable = values.is_not_null() & (values.str.strip_chars().str.len_chars() > 0)
    texts = values.filter(usable).to_list()
    if not texts:
        raise InvalidInputError(f"dataset `{dataset}` has no non-empty `{column}` values ({frame.height} rows)")
    return TextSet(dataset, texts, frame.height, frame.height - len(texts))


def rng_for(*keys: int | str) -> np.random.Generator:
    """A generator keyed by a tuple of ints and names, independent across keys (a
    dataset's name salts its stream so two sets never share sample positions)."""
    words = [
        int(k)
        if isinstance(k, (int, np.integer))
        else int.from_bytes(hashlib.sha256(k.encode()).digest()[:8], "little")
        for k in keys
    ]
    return np.random.default_rng(words)


def draw_pool(texts: TextSet, size: int | None, seed: int) -> TextSet:
    """At most ``size`` texts drawn uniformly without replacement (``None``: all), in
    their original order; the texts left out count as pooled away, not as excluded."""
    if size is None or len(texts.texts) <= size:
        return texts
    keep = np.sort(rng_for(seed, "pool", texts.name).choice(len(texts.texts), size=size, replace=False))
    return TextSet(texts.name, [texts.texts[i] for i in keep], texts.source_rows, texts.excluded)


def sample_indices(available: int, n: int, seed: int, name: str) -> np.ndarray:
    """``n`` distinct positions among ``available``, drawn for (seed, name)."""
    if n > available:
        raise InvalidInputError(f"cannot draw {n} samples from `{name}`, which has {available}")
    return np.sort(rng_for(seed, "sample", name).choice(available, size=n, replace=False))
