"""``ReleasedSweepHistogramsDataset``: every noisy histogram the sweep has released, by
release key, read from all saved versions of ``resampling_sweep_histograms``.

Why: a sweep point whose exact histogram (same validation data, clusters, sigma, N and
noise source) was released before is reused, not released again: post-processing, free.
The store is the releases themselves, as for the resampling stage's
``released_histograms``, whose loading this reuses (one sweep file holds a list of
points instead of a single histogram). Saving is refused; point ``filepath`` at the same
path as ``resampling_sweep_histograms``.
"""

from __future__ import annotations

from typing import Any

from kedro.io import DatasetError

from dp_instructions.datasets.released_histograms import ReleasedHistogramsDataset
from dp_instructions.evaluation.sweep import released_in
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG
from dp_instructions.resampling.histogram import NoisyHistogram

__all__ = ["ReleasedSweepHistogramsDataset"]


class ReleasedSweepHistogramsDataset(ReleasedHistogramsDataset):
    _FILE_KIND = "sweep release"

    def _histograms_in(self, data: Any, version: str) -> list[NoisyHistogram]:
        return released_in(data, f"resampling_sweep_histograms version {version}")

    def save(self, data: Any) -> None:  # type: ignore[override]
        raise DatasetError(
            f"released_sweep_histograms is read-only: the sweep's {DP_MECHANISM_TAG} node releases histograms "
            "through the versioned `resampling_sweep_histograms` dataset, which this dataset reads"
        )
