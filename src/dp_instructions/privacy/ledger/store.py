"""Where the ledger's records live: one interface, several backends.

A store does two things, both atomically: read every record (its chain verified), and
append new records computed from everything already there (``make(records) -> new``),
with no other append in between. The budget check runs inside ``make``, so two processes
can never both spend the last of a budget, whatever the backend:

- :class:`~.sqlite_store.SqliteLedgerStore`: one SQLite file (the embedded default): a
  write transaction (``BEGIN IMMEDIATE``) from the read to the commit, append-only
  enforced by triggers.
- :class:`~.postgres_store.PostgresLedgerStore`: a table on a PostgreSQL server shared by
  every worker: the transaction holds an exclusive table lock from the read to the
  commit, append-only enforced by triggers.
- :class:`~.jsonl_store.JsonLinesLedgerStore`: a JSON-lines file under ``flock`` on one
  machine: the format ``kedro privacy import-ledger`` reads (earlier versions' ledger).
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy.ledger.records import LedgerRecord

__all__ = ["FILE_SUFFIXES", "LedgerStore", "open_store"]

MakeRecords = Callable[[list[LedgerRecord]], Sequence[LedgerRecord]]

FILE_SUFFIXES = {".sqlite": "sqlite", ".sqlite3": "sqlite", ".db": "sqlite", ".jsonl": "jsonl"}
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class LedgerStore(abc.ABC):
    """Storage of a privacy ledger's records (see the module docstring)."""

    location: str
    """Where the records are, for messages (never a password)."""

    @abc.abstractmethod
    def read(self) -> list[LedgerRecord]:
        """Every record, oldest first, the chain verified (:class:`LedgerCorruptError` if not)."""

    @abc.abstractmethod
    def append(self, make: MakeRecords) -> list[LedgerRecord]:
        """Atomically: read every record, call ``make`` on them and store what it returns
        (already sealed, numbered after the last). ``make`` may raise to store nothing."""

    @abc.abstractmethod
    def exists(self) -> bool:
        """Whether the ledger has been created (a first record appended)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"


def open_store(location: str | os.PathLike[str] | LedgerStore, *, table: str | None = None) -> LedgerStore:
    """A store from a location: a ``postgresql://`` connection string (password from the
    string, ``PGPASSWORD`` or ``~/.pgpass``), or a file path whose suffix names the
    backend (``.sqlite``/``.sqlite3``/``.db``: SQLite; ``.jsonl``: JSON lines)."""
    if isinstance(location, LedgerStore):
        return location
    text = os.fspath(location)
    if text.startswith(POSTGRES_SCHEMES):
        from dp_instructions.privacy.ledger.postgres_store import DEFAULT_TABLE, PostgresLedgerStore

        return PostgresLedgerStore(text, table=table or DEFAULT_TABLE)
    path = Path(text.removeprefix("file://"))
    backend = FILE_SUFFIXES.get(path.suffix.lower())
    if backend == "sqlite":
        from dp_instructions.privacy.ledger.sqlite_store import SqliteLedgerStore

        return SqliteLedgerStore(path)
    if backend == "jsonl":
        from dp_instructions.privacy.ledger.jsonl_store import JsonLinesLedgerStore

        return JsonLinesLedgerStore(path)
    raise InvalidInputError(
        f"privacy ledger location {text!r}: expected a postgresql:// connection string or a file ending in "
        f"{', '.join(FILE_SUFFIXES)}"
    )
