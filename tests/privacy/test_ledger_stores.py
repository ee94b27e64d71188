"""What the database backends add: append-only enforced by the database, tampering found
and named, ``verify_ledger`` recomputing every figure, and import between backends."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import psycopg
import pytest

from dp_instructions.exceptions import LedgerCorruptError, LedgerUnavailableError
from dp_instructions.privacy import Budget, Gaussian, NoiseSource, PrivacyLedger, SubsampledGaussian, fingerprint_texts
from dp_instructions.privacy.ledger.importing import import_ledger
from dp_instructions.privacy.ledger.postgres_store import PostgresLedgerStore
from dp_instructions.privacy.ledger.records import LedgerRecord
from dp_instructions.privacy.ledger.sqlite_store import SCHEMA, TRIGGERS
from dp_instructions.privacy.ledger.verify import KnownHead, verify_ledger

N = 5_000
BUDGET = Budget.for_dataset(4.0, N)
FP = fingerprint_texts([f"instruction {i}" for i in range(N)])


def fill(ledger: PrivacyLedger, count: int = 3) -> list[LedgerRecord]:
    return [
        ledger.charge(
            stage=f"stage-{i}",
            mechanisms=[Gaussian(20.0 + i)],
            fingerprint=FP,
            dataset_size=N,
            budget=BUDGET,
            noise=NoiseSource.secure(),
            dataset="instructions_train",
        )
        for i in range(count)
    ]


# --- SQLite ------------------------------------------------------------------------------


def test_sqlite_refuses_updates_and_deletes(tmp_path):
    path = tmp_path / "privacy.sqlite"
    fill(PrivacyLedger(path))
    with sqlite3.connect(path) as conn:
        for statement in (
            "UPDATE ledger_records SET stage = 'x' WHERE seq = 1",
            "DELETE FROM ledger_records WHERE seq = 3",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
    assert len(PrivacyLedger(path).records()) == 3


def tamper(conn: sqlite3.Connection, statement: str) -> None:
    """Someone with the file: drop the triggers, change a row, put the triggers back."""
    for name in TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(statement)
    for statement in SCHEMA:
        conn.execute(statement)


def test_sqlite_tampering_past_the_triggers_is_found_and_named(tmp_path):
    path = tmp_path / "privacy.sqlite"
    records = fill(PrivacyLedger(path))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER ledger_records_no_update")
    with pytest.raises(LedgerCorruptError, match="append-only triggers ledger_records_no_update were removed"):
        PrivacyLedger(path).records()
    for statement in SCHEMA:
        conn.execute(statement)
    # an edit of the stored JSON: the hash no longer matches
    tamper(
        conn, "UPDATE ledger_records SET record = replace(record, '\"epsilon\":4.0', '\"epsilon\":40.0') WHERE seq = 2"
    )
    with pytest.raises(LedgerCorruptError, match=rf"seq=2: content does not match its hash .*{records[1].release_id}"):
        PrivacyLedger(path).records()
    # an edited column beside an intact record
    tamper(conn, f"UPDATE ledger_records SET record = '{records[1].to_json()}', stage = 'renamed' WHERE seq = 2")
    with pytest.raises(LedgerCorruptError, match="seq=2: column stage='renamed' differs"):
        PrivacyLedger(path).records()
    # a removed record in the middle: the chain breaks at the next one
    tamper(conn, "UPDATE ledger_records SET stage = 'stage-1' WHERE seq = 2")
    assert PrivacyLedger(path).records() == records
    tamper(conn, "DELETE FROM ledger_records WHERE seq = 2")
    with pytest.raises(LedgerCorruptError, match=rf"seq=3: the hash chain is broken .*{records[2].release_id}"):
        PrivacyLedger(path).records()
    conn.close()


def test_sqlite_reads_never_create_the_file(tmp_path):
    ledger = PrivacyLedger(tmp_path / "none.sqlite")
    assert ledger.records() == [] and not (tmp_path / "none.sqlite").exists()
    (tmp_path / "garbage.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(LedgerCorruptError, match="not a readable SQLite ledger"):
        PrivacyLedger(tmp_path / "garbage.sqlite").records()


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture
def pg_store(postgres_server) -> PostgresLedgerStore:
    return PostgresLedgerStore(postgres_server.url(), table=f"ledger_{secrets.token_hex(6)}")


def test_postgres_refuses_updates_deletes_and_truncate(postgres_server, pg_store):
    fill(PrivacyLedger(pg_store))
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        for statement in (
            f"UPDATE {pg_store.table} SET stage = 'x' WHERE seq = 1",
            f"DELETE FROM {pg_store.table} WHERE seq = 3",
            f"TRUNCATE {pg_store.table}",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
    assert len(PrivacyLedger(pg_store).records()) == 3


def test_postgres_tampering_past_the_triggers_is_found_and_named(postgres_server, pg_store):
    records = fill(PrivacyLedger(pg_store))
    table = pg_store.table
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete")
        with pytest.raises(LedgerCorruptError, match="were removed or disabled"):
            pg_store.read()
        conn.execute(f"DELETE FROM {table} WHERE seq = 1")
        conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_update_delete")
    with pytest.raises(LedgerCorruptError, match=rf"seq=2: the hash chain is broken .*{records[1].release_id}"):
        pg_store.read()


def test_postgres_location_never_shows_the_password(postgres_server, pg_store):
    assert postgres_server.password not in pg_store.location
    assert pg_store.location == f"{postgres_server.url(with_password=False)}#{pg_store.table}"
    wrong = PostgresLedgerStore(postgres_server.url().replace(postgres_server.password, "wrong"), table="t")
    with pytest.raises(LedgerUnavailableError, match="cannot connect") as err:
        wrong.read()
    assert postgres_server.password not in str(err.value)


# --- verify ------------------------------------------------------------------------------


def test_verify_passes_an_intact_ledger_and_checks_the_heads(tmp_path):
    ledger = PrivacyLedger(tmp_path / "privacy.sqlite")
    records = fill(ledger)
    ledger.charge(
        stage="dp_generation",
        mechanisms=[SubsampledGaussian(1.0, 0.02, 50)],
        fingerprint=fingerprint_texts(["other"] * 10),
        dataset_size=N,
        budget=BUDGET,
        noise=NoiseSource.secure(),
    )
    result = verify_ledger(
        ledger, [KnownHead(3, records[2].hash, "run A"), KnownHead(4, ledger.records()[3].hash, "B")]
    )
    assert result.ok and result.records == 4 and result.datasets == 2 and result.heads_checked == 2


def test_verify_names_a_record_whose_figures_are_wrong(tmp_path):
    """A record rewritten with a smaller epsilon and a recomputed hash (someone hiding
    spend who knows the format): the chain check alone cannot see it; the arithmetic can."""
    path = tmp_path / "privacy.jsonl"
    ledger = PrivacyLedger(path)
    records = fill(ledger)
    forged: list[LedgerRecord] = []
    for r in records:
        prev = forged[-1].hash if forged else r.prev_hash
        changes = {"epsilon_total": r.epsilon_total / 2} if r.seq == 2 else {}
        forged.append(LedgerRecord(**{**r.__dict__, **changes, "prev_hash": prev}).sealed())
    path.write_text("".join(r.to_json_line() for r in forged))
    result = verify_ledger(PrivacyLedger(path))
    (problem,) = result.problems
    assert problem.seq == 2 and problem.release_id == records[1].release_id
    assert "stored composed total" in str(problem) and "compose to" in str(problem)


def test_verify_finds_records_removed_from_the_end(tmp_path):
    path = tmp_path / "privacy.jsonl"
    records = fill(PrivacyLedger(path))
    path.write_text("".join(r.to_json_line() for r in records[:2]))
    result = verify_ledger(PrivacyLedger(path), [KnownHead(3, records[2].hash, "run manifest r-1")])
    (problem,) = result.problems
    assert problem.seq == 3 and "run manifest r-1 saw the ledger up to this record" in str(problem)
    assert "1 record(s) were removed from its end" in str(problem)


def test_verify_reports_a_broken_chain_instead_of_raising(tmp_path):
    path = tmp_path / "privacy.jsonl"
    fill(PrivacyLedger(path))
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[1] + lines[0] + lines[2])  # reordered
    (problem,) = verify_ledger(PrivacyLedger(path)).problems
    assert ":1: the hash chain is broken" in str(problem)


# --- import --------------------------------------------------------------------------------


@pytest.mark.parametrize("target_kind", ["sqlite", "postgresql"])
def test_a_json_lines_ledger_imports_with_its_hashes_and_the_budget_carries_over(tmp_path: Path, target_kind, request):
    source = PrivacyLedger(tmp_path / "old.jsonl")
    records = fill(source)
    if target_kind == "sqlite":
        target = PrivacyLedger(tmp_path / "new.sqlite")
    else:
        server = request.getfixturevalue("postgres_server")
        target = PrivacyLedger(PostgresLedgerStore(server.url(), table=f"ledger_{secrets.token_hex(6)}"))
    done = import_ledger(source, target)
    assert (done.copied, done.already_there) == (3, 0)
    assert target.records() == records  # hashes, chain and all
    again = import_ledger(source, target)  # repeated: nothing to copy
    assert (again.copied, again.already_there) == (0, 3)
    assert target.spent(FP, BUDGET.delta) == source.spent(FP, BUDGET.delta)
    fill(target, 1)  # the imported ledger goes on charging: composed with what was imported
    assert target.records()[-1].epsilon_total > records[-1].epsilon_total
    fill(source, 1)  # the source diverged: refused, nothing copied
    with pytest.raises(LedgerCorruptError, match="seq=4 .* differs from the source's"):
        import_ledger(source, target)
    assert len(target.records()) == 4
