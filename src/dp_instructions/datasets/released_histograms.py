"""``ReleasedHistogramsDataset``: every noisy histogram released so far, by release key.

Why: the privacy budget is sized (by DP fine-tuning) for exactly one histogram release
per private dataset, yet ``kedro run --pipeline=resampling`` must be re-runnable. The
release node therefore asks "was this exact histogram (same private data, clusters,
sigma, N, noise source) released before?" and, if so, reuses it: post-processing, free.

Where the answer comes from: the released histograms themselves. ``dp_histogram`` is a
versioned JSON dataset; each of its versions is one released (or reused) histogram, and
this dataset reads them all (``<filepath>/<version>/<name>``, or a single unversioned
file). There is no second copy to keep in sync, it holds noisy counts only (never raw
votes), and it is ``dp_release`` like ``dp_histogram``. Point ``filepath`` at the same
path as ``dp_histogram``. Deleting old versions forgets releases: a later run would then
ask the ledger for a new release, which the budget normally refuses (a clear error,
never a silent overspend).

Loading returns a :class:`~dp_instructions.resampling.histogram.ReleasedHistograms`
mapping (empty when nothing was released yet). Saving is refused: histograms are
released only by the ``dp_mechanism`` node, through ``dp_histogram``.

Catalog entry::

    released_histograms:
      type: dp_instructions.datasets.released_histograms.ReleasedHistogramsDataset
      filepath: data/07_model_output/dp_histogram.json   # = dp_histogram's filepath
      metadata: {privacy: dp_release}
"""

from __future__ import annotations

import json
from copy import deepcopy
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

import fsspec
from kedro.io import AbstractDataset, DatasetError
from kedro.io.core import get_protocol_and_path

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG
from dp_instructions.resampling.histogram import NoisyHistogram, ReleasedHistograms

__all__ = ["ReleasedHistogramsDataset"]


class ReleasedHistogramsDataset(AbstractDataset[Any, ReleasedHistograms]):
    """Read-only view of every version of the ``dp_histogram`` JSON dataset."""

    def __init__(
        self,
        filepath: str,
        fs_args: dict[str, Any] | None = None,
        credentials: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        journal: str | None = None,
    ):
        """``journal``: a local folder where the DP node writes each release as soon as it
        exists (see :class:`~dp_instructions.resampling.histogram.ReleasedHistograms`)."""
        protocol, path = get_protocol_and_path(filepath)
        self._journal = Path(journal) if journal is not None else None
        self._protocol = protocol
        self._filepath = PurePosixPath(path)
        self._fs = fsspec.filesystem(protocol, **(deepcopy(credentials) or {}), **(deepcopy(fs_args) or {}))
        self.metadata = metadata

    def _files(self) -> list[str]:
        path = str(self._filepath)
        if self._fs.isfile(path):
            return [path]
        if not self._fs.isdir(path):
            return []
        # Kedro's versioned layout: <filepath>/<version>/<basename>.
        return sorted(self._fs.glob(f"{path}/*/{self._filepath.name}"))

    #: What one file holds, for the error that names a file that cannot be read.
    _FILE_KIND = "released histogram"

    def _histograms_in(self, data: Any, version: str) -> list[NoisyHistogram]:
        """The histograms one saved file holds (one ``dp_histogram`` version: one)."""
        return [NoisyHistogram.from_json(data, source=f"dp_histogram version {version}")]

    def load(self) -> ReleasedHistograms:
        releases = []
        for file in self._files():
            version = str(PurePosixPath(file).parent.name) if file != str(self._filepath) else file
            try:
                with self._fs.open(file, "r") as fh:
                    data = json.load(fh)
                releases += [(version, h) for h in self._histograms_in(data, version)]
            except (ValueError, InvalidInputError) as exc:
                # Skipping it could trigger a second, refused release; say which file is bad.
                raise DatasetError(
                    f"{self._FILE_KIND} {file} cannot be read ({exc}); restore or remove that version"
                ) from exc
        if self._journal is not None and self._journal.is_dir():
            for file in sorted(self._journal.glob("*.json")):
                try:
                    data = json.loads(file.read_text(encoding="utf-8"))
                    # One release per journal file, whatever the store's own file layout.
                    releases.append((f"journal {file.name}", NoisyHistogram.from_json(data, source=str(file))))
                except (ValueError, InvalidInputError) as exc:
                    raise DatasetError(
                        f"{self._FILE_KIND} {file} cannot be read ({exc}); restore or remove it"
                    ) from exc
        return ReleasedHistograms(releases, journal=self._journal)

    def save(self, data: Any) -> NoReturn:
        raise DatasetError(
            f"released_histograms is read-only: histograms are released by the {DP_MECHANISM_TAG} node "
            "through the versioned `dp_histogram` dataset, which this dataset reads"
        )

    def _exists(self) -> bool:
        return bool(self._files()) or (self._journal is not None and any(self._journal.glob("*.json")))

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "protocol": self._protocol}
