"""``PrivacyLedgerDataset``: the ``privacy_ledger`` catalog entry.

Why a dataset: a DP node declares the ledger as an *input*, so the catalog says where the
ledger lives (per environment), kedro-viz shows which nodes spend privacy, and the node
receives a :class:`~dp_instructions.privacy.ledger.PrivacyLedger` handle whose
``charge`` is atomic. Loading returns the handle (no data is read until it is used).
Saving is refused: a whole-ledger save would be a read-modify-write that loses concurrent
records and could bypass the budget check; records are appended only through
``PrivacyLedger.charge``. See :mod:`dp_instructions.privacy.ledger` for why this is not a
Kedro ``versioned: true`` dataset (the ledger is an append-only hash chain instead).

Catalog entries (``conf/base/catalog.yml``)::

    privacy_ledger:                    # the embedded default: one SQLite file
      type: dp_instructions.datasets.privacy_ledger.PrivacyLedgerDataset
      filepath: data/09_privacy/privacy_ledger.sqlite
      metadata: {privacy: public}

    privacy_ledger:                    # shared by every worker (Airflow, several hosts)
      type: dp_instructions.datasets.privacy_ledger.PrivacyLedgerDataset
      backend: postgresql
      table: privacy_ledger            # or schema.table
      credentials: privacy_ledger_db   # conf/local/credentials.yml: {con: postgresql://...}
      metadata: {privacy: public}
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Literal, NoReturn

from kedro.io import AbstractDataset, DatasetError

from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET
from dp_instructions.privacy.ledger import LedgerStore, LedgerUse, PrivacyLedger
from dp_instructions.privacy.ledger.store import FILE_SUFFIXES

__all__ = ["PrivacyLedgerDataset"]

Backend = Literal["sqlite", "postgresql", "jsonl"]


class PrivacyLedgerDataset(AbstractDataset[Any, PrivacyLedger]):
    """Loads a :class:`PrivacyLedger` on a SQLite file, a PostgreSQL table or a JSON-lines
    file, bound to the current Kedro run id (set by ``PrivacyHooks.before_pipeline_run``)."""

    def __init__(
        self,
        filepath: str | None = None,
        backend: Backend | None = None,
        credentials: dict[str, Any] | None = None,
        table: str | None = None,
        metadata: dict[str, Any] | None = None,
    ):
        self.metadata = metadata
        self.run_id: str | None = None
        self.uses: list[LedgerUse] = []
        """Releases the bound run charged or reused (the run manifest lists them)."""
        self._filepath: PurePosixPath | None = None
        if backend is None:
            backend = "postgresql" if credentials is not None else _file_backend(filepath)
        if backend == "postgresql":
            con = (credentials or {}).get("con")
            if not con:
                raise DatasetError(
                    f"{LEDGER_DATASET}: `backend: postgresql` needs `credentials` with a `con` connection string "
                    "(conf/local/credentials.yml), e.g. con: postgresql://user:password@host:5432/database"
                )
            if filepath is not None:
                raise DatasetError(f"{LEDGER_DATASET}: `filepath` does not apply to `backend: postgresql`")
            from dp_instructions.privacy.ledger.postgres_store import DEFAULT_TABLE, PostgresLedgerStore

            try:
                self._store: LedgerStore = PostgresLedgerStore(str(con), table=table or DEFAULT_TABLE)
            except Exception as exc:  # a bad connection string or table name: name the dataset
                raise DatasetError(f"{LEDGER_DATASET}: {exc}") from exc
        elif backend in ("sqlite", "jsonl"):
            if filepath is None:
                raise DatasetError(f"{LEDGER_DATASET}: `backend: {backend}` needs a `filepath`")
            if "://" in str(filepath) and not str(filepath).startswith("file://"):
                raise DatasetError(f"{LEDGER_DATASET} `filepath` must be a local file (locking), got {filepath!r}")
            if table is not None or credentials is not None:
                raise DatasetError(f"{LEDGER_DATASET}: `table` and `credentials` apply to `backend: postgresql` only")
            self._filepath = PurePosixPath(str(filepath).removeprefix("file://"))
            if backend == "sqlite":
                from dp_instructions.privacy.ledger.sqlite_store import SqliteLedgerStore

                self._store = SqliteLedgerStore(str(self._filepath))
            else:
                from dp_instructions.privacy.ledger.jsonl_store import JsonLinesLedgerStore

                self._store = JsonLinesLedgerStore(str(self._filepath))
        else:
            raise DatasetError(f"{LEDGER_DATASET} `backend` must be sqlite, postgresql or jsonl, got {backend!r}")
        self.backend = backend

    def bind_run(self, run_id: str | None) -> None:
        """Record releases made through this dataset under ``run_id``."""
        self.run_id = run_id
        self.uses = []

    def load(self) -> PrivacyLedger:
        return PrivacyLedger(self._store, run_id=self.run_id, uses=self.uses)

    def save(self, data: Any) -> NoReturn:
        raise DatasetError(
            f"{LEDGER_DATASET} is append-only: charge releases with PrivacyLedger.charge() from a "
            f"{DP_MECHANISM_TAG} node (take `{LEDGER_DATASET}` as an input); it cannot be saved as an output"
        )

    def _exists(self) -> bool:
        return self._store.exists()

    def _describe(self) -> dict[str, Any]:
        # The location never holds a password (PostgresLedgerStore redacts it).
        return {"backend": self.backend, "location": self._store.location, "run_id": self.run_id}


def _file_backend(filepath: str | None) -> Backend:
    if filepath is None:
        raise DatasetError(f"{LEDGER_DATASET}: give a `filepath` (SQLite, JSON lines) or `backend: postgresql`")
    suffix = PurePosixPath(str(filepath)).suffix.lower()
    backend = FILE_SUFFIXES.get(suffix)
    if backend is None:
        raise DatasetError(
            f"{LEDGER_DATASET} `filepath` {filepath!r}: a ledger file ends in {', '.join(FILE_SUFFIXES)} "
            "(or set `backend`)"
        )
    return backend  # type: ignore[return-value]
