"""The ledger in one SQLite file: the embedded default.

One row per record (:data:`~.records.ROW_COLUMNS`). A charge is one write transaction,
``BEGIN IMMEDIATE`` (SQLite's write lock, taken before the read) through the budget check
to the commit, so concurrent processes serialise and cannot both spend the last of a
budget. Triggers make the table append-only (an ``UPDATE`` or ``DELETE`` aborts), and a
read refuses a database whose triggers were dropped. The rollback journal (not WAL) keeps
the database one file plus a journal only while writing, and a process killed mid-commit
leaves it as it was before the transaction.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dp_instructions.exceptions import LedgerCorruptError
from dp_instructions.privacy.ledger.records import (
    ROW_COLUMNS,
    LedgerRecord,
    record_from_row,
    record_to_row,
    verify_chain,
)
from dp_instructions.privacy.ledger.store import LedgerStore, MakeRecords

__all__ = ["SqliteLedgerStore"]

TABLE = "ledger_records"
APPEND_ONLY = "the privacy ledger is append-only: records cannot be changed or removed"
TRIGGERS = {f"{TABLE}_no_update": "UPDATE", f"{TABLE}_no_delete": "DELETE"}
BUSY_TIMEOUT_SECONDS = 600.0
"""How long a charge waits for another process's charge (each takes milliseconds)."""

SCHEMA = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        seq INTEGER PRIMARY KEY CHECK (seq >= 1),
        hash TEXT NOT NULL UNIQUE,
        prev_hash TEXT NOT NULL UNIQUE,
        release_id TEXT NOT NULL UNIQUE,
        run_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        time TEXT NOT NULL,
        record TEXT NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_fingerprint ON {TABLE} (fingerprint)",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {TABLE} BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        for name, event in TRIGGERS.items()
    ),
]


class SqliteLedgerStore(LedgerStore):
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.location = str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def _connect(self, *, read_only: bool) -> sqlite3.Connection:
        uri = f"{self.path.resolve().as_uri()}?mode={'ro' if read_only else 'rwc'}"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            raise LedgerCorruptError(f"privacy ledger {self.location}: not a readable SQLite ledger ({exc})") from exc
        return conn

    def _read(self, conn: sqlite3.Connection) -> list[LedgerRecord]:
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if TABLE not in tables:
                if tables:
                    raise LedgerCorruptError(f"privacy ledger {self.location}: the database has no {TABLE} table")
                return []
            triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            if missing := sorted(set(TRIGGERS) - triggers):
                raise LedgerCorruptError(
                    f"privacy ledger {self.location}: the append-only triggers {', '.join(missing)} were removed; "
                    "the database no longer protects the records (restore it from a backup)"
                )
            rows = conn.execute(f"SELECT {', '.join(ROW_COLUMNS)} FROM {TABLE} ORDER BY seq").fetchall()
        except sqlite3.DatabaseError as exc:
            raise LedgerCorruptError(f"privacy ledger {self.location}: not a readable SQLite ledger ({exc})") from exc
        places = [f"{self.location} seq={row[0]}" for row in rows]
        records = [record_from_row(row, place) for row, place in zip(rows, places, strict=True)]
        verify_chain(records, places)
        return records

    def read(self) -> list[LedgerRecord]:
        if not self.path.exists():
            return []
        conn = self._connect(read_only=True)
        try:
            conn.execute("BEGIN")  # one snapshot for the schema checks and the rows
            try:
                return self._read(conn)
            finally:
                conn.execute("COMMIT")
        finally:
            conn.close()

    def append(self, make: MakeRecords) -> list[LedgerRecord]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect(read_only=False)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in SCHEMA:
                    conn.execute(statement)
                new = list(make(self._read(conn)))
                conn.executemany(
                    f"INSERT INTO {TABLE} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join('?' * len(ROW_COLUMNS))})",
                    [record_to_row(r) for r in new],
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()
        return new
