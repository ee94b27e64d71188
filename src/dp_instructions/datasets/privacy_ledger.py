"""``PrivacyLedgerDataset``: the ``privacy_ledger`` catalog entry.

Why a dataset: a DP node declares the ledger as an *input*, so the catalog says where the
ledger lives (per environment), kedro-viz shows which nodes spend privacy, and the node
receives a :class:`~dp_instructions.privacy.ledger.PrivacyLedger` handle whose
``charge`` is atomic. Loading returns the handle (no data is read until it is used).
Saving is refused: a whole-file save would be a read-modify-write that loses concurrent
records and could bypass the budget check; records are appended only through
``PrivacyLedger.charge``. See :mod:`dp_instructions.privacy.ledger` for why this is not a
Kedro ``versioned: true`` dataset (the file is an append-only hash chain instead).

Catalog entry::

    privacy_ledger:
      type: dp_instructions.datasets.privacy_ledger.PrivacyLedgerDataset
      filepath: data/09_privacy/privacy_ledger.jsonl
      metadata: {privacy: public}
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

from kedro.io import AbstractDataset, DatasetError

from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET
from dp_instructions.privacy.ledger import PrivacyLedger

__all__ = ["PrivacyLedgerDataset"]


class PrivacyLedgerDataset(AbstractDataset[Any, PrivacyLedger]):
    """Loads a :class:`PrivacyLedger` bound to a local JSON-lines file and to the current
    Kedro run id (set by ``PrivacyHooks.before_pipeline_run``)."""

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None):
        if "://" in str(filepath) and not str(filepath).startswith("file://"):
            raise DatasetError(f"{LEDGER_DATASET} `filepath` must be a local file (file locking), got {filepath!r}")
        self._filepath = PurePosixPath(str(filepath).removeprefix("file://"))
        self.metadata = metadata
        self.run_id: str | None = None

    def bind_run(self, run_id: str | None) -> None:
        """Record releases made through this dataset under ``run_id``."""
        self.run_id = run_id

    def load(self) -> PrivacyLedger:
        return PrivacyLedger(Path(str(self._filepath)), run_id=self.run_id)

    def save(self, data: Any) -> NoReturn:
        raise DatasetError(
            f"{LEDGER_DATASET} is append-only: charge releases with PrivacyLedger.charge() from a "
            f"{DP_MECHANISM_TAG} node (take `{LEDGER_DATASET}` as an input); it cannot be saved as an output"
        )

    def _exists(self) -> bool:
        return Path(str(self._filepath)).exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "run_id": self.run_id}
