"""A ledger record, its hash, and the chain that links the records.

Every backend stores the same thing: the record's canonical JSON (sorted keys, no NaN) with
its ``hash``, the SHA-256 of that JSON without the hash; each record's ``prev_hash`` is the
hash of the record before it (``GENESIS_HASH`` for the first) and its ``seq`` its position
from 1. An edited record no longer matches its hash; a removed, reordered or inserted one
breaks the chain. Only the newest records can vanish without a trace here, which is why
run manifests keep the ledger's head (:mod:`.verify`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dp_instructions.exceptions import LedgerCorruptError
from dp_instructions.privacy.accounting import Mechanism, mechanism_from_dict
from dp_instructions.privacy.budget import Budget

__all__ = ["GENESIS_HASH", "SCHEMA_VERSION", "LedgerRecord", "canonical_json", "parse_record", "verify_chain"]

SCHEMA_VERSION = 1
GENESIS_HASH = "0" * 64


def canonical_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def record_hash(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LedgerRecord:
    """One DP release, as stored (one line of a JSON-lines ledger, one row of a database)."""

    seq: int
    release_id: str
    time: str
    run_id: str
    stage: str
    dataset: str | None
    fingerprint: str
    dataset_size: int
    mechanisms: tuple[Mechanism, ...]
    parameters: dict[str, Any]
    budget: Budget
    epsilon: float
    """This release alone, at the budget's delta."""
    epsilon_total: float
    """Everything charged to the fingerprint up to and including this release, composed."""
    noise: dict[str, Any]
    code_version: dict[str, Any]
    prev_hash: str
    hash: str = field(default="")

    @property
    def private(self) -> bool:
        """False when the noise came from a fixed seed: the release is not DP."""
        return bool(self.noise.get("private", False))

    def body(self) -> dict[str, Any]:
        """The hashed content (everything but ``hash``)."""
        return {
            "schema": SCHEMA_VERSION,
            "seq": self.seq,
            "release_id": self.release_id,
            "time": self.time,
            "run_id": self.run_id,
            "stage": self.stage,
            "dataset": self.dataset,
            "fingerprint": self.fingerprint,
            "dataset_size": self.dataset_size,
            "mechanisms": [m.to_dict() for m in self.mechanisms],
            "parameters": self.parameters,
            "budget": {"epsilon": self.budget.epsilon, "delta": self.budget.delta},
            "epsilon": self.epsilon,
            "epsilon_total": self.epsilon_total,
            "noise": self.noise,
            "private": self.private,
            "code_version": self.code_version,
            "prev_hash": self.prev_hash,
        }

    def sealed(self) -> LedgerRecord:
        """This record with its ``hash`` set from its content."""
        return LedgerRecord(**{**self.__dict__, "hash": record_hash(self.body())})

    def to_json(self) -> str:
        """The stored form: canonical JSON of the body and the hash, one line."""
        return canonical_json({**self.body(), "hash": self.hash})

    def to_json_line(self) -> str:
        return self.to_json() + "\n"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LedgerRecord:
        return cls(
            seq=int(data["seq"]),
            release_id=str(data["release_id"]),
            time=str(data["time"]),
            run_id=str(data["run_id"]),
            stage=str(data["stage"]),
            dataset=data.get("dataset"),
            fingerprint=str(data["fingerprint"]),
            dataset_size=int(data["dataset_size"]),
            mechanisms=tuple(mechanism_from_dict(m) for m in data["mechanisms"]),
            parameters=dict(data.get("parameters") or {}),
            budget=Budget(epsilon=data["budget"]["epsilon"], delta=data["budget"]["delta"]),
            epsilon=float(data["epsilon"]),
            epsilon_total=float(data["epsilon_total"]),
            noise=dict(data["noise"]),
            code_version=dict(data.get("code_version") or {}),
            prev_hash=str(data["prev_hash"]),
            hash=str(data["hash"]),
        )


def parse_record(text: str | bytes, where: str) -> LedgerRecord:
    """A stored record, its content checked against its own hash; ``where`` names it in
    errors (``file:line``, ``table seq=N``)."""
    try:
        data = json.loads(text)
        stored_hash = data.pop("hash")
        record = LedgerRecord.from_json({**data, "hash": stored_hash})
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LedgerCorruptError(f"privacy ledger {where}: not a valid record ({exc})") from exc
    if record_hash(data) != stored_hash:
        raise LedgerCorruptError(
            f"privacy ledger {where}: content does not match its hash (edited?) [release {record.release_id}]"
        )
    return record


def verify_chain(records: Sequence[LedgerRecord], where: Sequence[str]) -> None:
    """Each record's ``seq`` is its position and its ``prev_hash`` the hash of the record
    before it; ``where[i]`` names record ``i`` in the error."""
    prev = GENESIS_HASH
    for i, (record, place) in enumerate(zip(records, where, strict=True), start=1):
        if record.prev_hash != prev or record.seq != i:
            raise LedgerCorruptError(
                f"privacy ledger {place}: the hash chain is broken (a record was removed, reordered or "
                f"inserted) [release {record.release_id}, seq {record.seq}, expected seq {i}]"
            )
        prev = record.hash


ROW_COLUMNS = ("seq", "hash", "prev_hash", "release_id", "run_id", "stage", "fingerprint", "time", "record")
"""A database row: the stored JSON (``record``, the source of truth) and, beside it, the
fields one queries by; :func:`record_from_row` checks that they agree."""


def record_to_row(record: LedgerRecord) -> tuple[Any, ...]:
    return (
        record.seq,
        record.hash,
        record.prev_hash,
        record.release_id,
        record.run_id,
        record.stage,
        record.fingerprint,
        record.time,
        record.to_json(),
    )


def record_from_row(row: Sequence[Any], where: str) -> LedgerRecord:
    """The record stored in a row, checked against its own hash and the row's columns."""
    record = parse_record(row[-1], where)
    expected = record_to_row(record)[:-1]
    for column, stored, value in zip(ROW_COLUMNS[:-1], row[:-1], expected, strict=True):
        if stored != value:
            raise LedgerCorruptError(
                f"privacy ledger {where}: column {column}={stored!r} differs from the record's {value!r} "
                f"(edited?) [release {record.release_id}]"
            )
    return record
