"""The ledger in a PostgreSQL table, shared by every worker of a scheduled deployment.

One row per record (:data:`~.records.ROW_COLUMNS`). A charge is one transaction that takes
an ``EXCLUSIVE`` lock on the table (it blocks other charges, not readers) before reading,
composes and checks the budget, inserts and commits: two workers on different machines
cannot both spend the last of a budget. Triggers make the table append-only (``UPDATE``,
``DELETE`` and ``TRUNCATE`` raise), and a read refuses a table whose triggers were
dropped. The schema is created on the first charge, under an advisory lock so that
workers starting together do not race.

Needs the ``postgres`` extra (``psycopg``). The connection string comes from
``conf/local/credentials.yml`` through the catalog (never from ``conf/base``).
"""

from __future__ import annotations

import re
from typing import Any

from dp_instructions.exceptions import InvalidInputError, LedgerCorruptError, LedgerUnavailableError
from dp_instructions.privacy.ledger.records import (
    ROW_COLUMNS,
    LedgerRecord,
    record_from_row,
    record_to_row,
    verify_chain,
)
from dp_instructions.privacy.ledger.store import LedgerStore, MakeRecords

__all__ = ["DEFAULT_TABLE", "PostgresLedgerStore"]

DEFAULT_TABLE = "privacy_ledger"
APPEND_ONLY = "the privacy ledger is append-only: records cannot be changed or removed"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,50}$")
SCHEMA_LOCK_KEY = 0x6470_6C65  # pg_advisory_xact_lock key of the schema creation ("dple")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InvalidInputError(
            "the PostgreSQL privacy ledger needs psycopg: pip install 'dp-instructions[postgres]'"
        ) from exc
    return psycopg


def _redacted(conninfo: str) -> str:
    psycopg = _psycopg()
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError as exc:
        raise InvalidInputError(f"privacy ledger: not a valid PostgreSQL connection string ({exc})") from exc
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


class PostgresLedgerStore(LedgerStore):
    def __init__(self, conninfo: str, *, table: str = DEFAULT_TABLE, connect_timeout: int = 30):
        parts = table.split(".")
        if len(parts) > 2 or not all(_IDENTIFIER.match(p) for p in parts):
            raise InvalidInputError(
                f"privacy ledger `table` must be a name or schema.name of letters, digits and _, got {table!r}"
            )
        self._conninfo = conninfo
        self._connect_timeout = connect_timeout
        self.table = table
        self.location = f"{_redacted(conninfo)}#{table}"
        self._trigger_names = {f"{parts[-1]}_no_update_delete", f"{parts[-1]}_no_truncate"}

    def _ident(self) -> Any:
        return _psycopg().sql.Identifier(*self.table.split("."))

    def _connect(self) -> Any:
        psycopg = _psycopg()
        try:
            return psycopg.connect(self._conninfo, connect_timeout=self._connect_timeout)
        except psycopg.OperationalError as exc:
            raise LedgerUnavailableError(f"privacy ledger {self.location}: cannot connect ({exc})".strip()) from exc

    def _table_exists(self, cur: Any) -> bool:
        return cur.execute("SELECT to_regclass(%s) IS NOT NULL", (self.table,)).fetchone()[0]

    def exists(self) -> bool:
        with self._connect() as conn, conn.cursor() as cur:
            return bool(self._table_exists(cur))

    def _create_schema(self, cur: Any) -> None:
        sql = _psycopg().sql
        name = self.table.split(".")[-1]
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        if self._table_exists(cur):
            return
        table = self._ident()
        cur.execute(
            sql.SQL(
                """CREATE TABLE {table} (
                    seq BIGINT PRIMARY KEY CHECK (seq >= 1),
                    hash TEXT NOT NULL UNIQUE,
                    prev_hash TEXT NOT NULL UNIQUE,
                    release_id TEXT NOT NULL UNIQUE,
                    run_id TEXT NOT NULL,
                    stage TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    time TEXT NOT NULL,
                    record TEXT NOT NULL
                )"""
            ).format(table=table)
        )
        cur.execute(
            sql.SQL("CREATE INDEX {index} ON {table} (fingerprint)").format(
                index=sql.Identifier(f"{name}_fingerprint"), table=table
            )
        )
        function = sql.Identifier(*self.table.split(".")[:-1], f"{name}_append_only")
        cur.execute(
            sql.SQL(
                "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
            ).format(function=function, message=sql.SQL(APPEND_ONLY))
        )
        cur.execute(
            sql.SQL(
                "CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
            ).format(trigger=sql.Identifier(f"{name}_no_update_delete"), table=table, function=function)
        )
        cur.execute(
            sql.SQL(
                "CREATE TRIGGER {trigger} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            ).format(trigger=sql.Identifier(f"{name}_no_truncate"), table=table, function=function)
        )

    def _read(self, cur: Any) -> list[LedgerRecord]:
        sql = _psycopg().sql
        if not self._table_exists(cur):
            return []
        triggers = {
            r[0]
            for r in cur.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgenabled <> 'D'", (self.table,)
            )
        }
        if missing := sorted(self._trigger_names - triggers):
            raise LedgerCorruptError(
                f"privacy ledger {self.location}: the append-only triggers {', '.join(missing)} were removed or "
                "disabled; the table no longer protects the records (restore it from a backup)"
            )
        rows = cur.execute(
            sql.SQL("SELECT {columns} FROM {table} ORDER BY seq").format(
                columns=sql.SQL(", ").join(map(sql.Identifier, ROW_COLUMNS)), table=self._ident()
            )
        ).fetchall()
        places = [f"{self.location} seq={row[0]}" for row in rows]
        records = [record_from_row(row, place) for row, place in zip(rows, places, strict=True)]
        verify_chain(records, places)
        return records

    def read(self) -> list[LedgerRecord]:
        psycopg = _psycopg()
        with self._connect() as conn:
            # One snapshot for the trigger check and the rows.
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with conn.transaction(), conn.cursor() as cur:
                return self._read(cur)

    def append(self, make: MakeRecords) -> list[LedgerRecord]:
        sql = _psycopg().sql
        with self._connect() as conn, conn.transaction(), conn.cursor() as cur:
            self._create_schema(cur)
            cur.execute(sql.SQL("LOCK TABLE {table} IN EXCLUSIVE MODE").format(table=self._ident()))
            new = list(make(self._read(cur)))
            cur.executemany(
                sql.SQL("INSERT INTO {table} ({columns}) VALUES ({values})").format(
                    table=self._ident(),
                    columns=sql.SQL(", ").join(map(sql.Identifier, ROW_COLUMNS)),
                    values=sql.SQL(", ").join(sql.Placeholder() * len(ROW_COLUMNS)),
                ),
                [record_to_row(r) for r in new],
            )
        return new
