"""``ReleasedSweepHistogramsDataset``: every noisy histogram the sweep has released, by
release key, read from all saved versions of ``resampling_sweep_histograms``.

Why: a sweep point whose exact histogram (same validation data, clusters, sigma, N and
noise source) was released before is reused, not released again: post-processing, free.
The store is the releases themselves, as for the resampling stage's
``released_histograms`` (whose file listing this extends: one sweep file holds a list of
points instead of a single histogram). Saving is refused; point ``filepath`` at the same
path as ``resampling_sweep_histograms``.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from kedro.io import DatasetError

from dp_instructions.datasets.released_histograms import ReleasedHistogramsDataset
from dp_instructions.evaluation.sweep import released_in
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.resampling.histogram import ReleasedHistograms

__all__ = ["ReleasedSweepHistogramsDataset"]


class ReleasedSweepHistogramsDataset(ReleasedHistogramsDataset):
    def load(self) -> ReleasedHistograms:
        releases = []
        for file in self._files():
            source = str(PurePosixPath(file).parent.name) if file != str(self._filepath) else file
            try:
                with self._fs.open(file, "r") as fh:
                    data: Any = json.load(fh)
                releases += [(source, h) for h in released_in(data, f"resampling_sweep_histograms version {source}")]
            except (ValueError, InvalidInputError) as exc:
                # Skipping it could trigger a second, charged release; say which file is bad.
                raise DatasetError(
                    f"sweep release {file} cannot be read ({exc}); restore or remove that version"
                ) from exc
        return ReleasedHistograms(releases)

    def save(self, data: Any) -> None:  # type: ignore[override]
        raise DatasetError(
            "released_sweep_histograms is read-only: the sweep releases histograms through the versioned "
            "`resampling_sweep_histograms` dataset, which this dataset reads"
        )
