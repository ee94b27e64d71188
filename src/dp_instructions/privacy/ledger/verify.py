"""``kedro privacy verify``: is the ledger intact, and are its figures right?

Three checks, each finding naming the record (seq, release id, stage):

1. the stored form: every record matches its hash, the chain is unbroken and the
   database's append-only triggers are in place (the store's own read);
2. the arithmetic: each record's epsilon and its dataset's composed total are recomputed
   with the PRV accountant from the mechanisms alone, the total never exceeds the budget,
   and no later release raised the budget of its dataset's first;
3. the tail: a chain cannot show that its newest records were removed, so the heads that
   run manifests saw (``seq`` and ``hash`` after each run) must still be in the ledger.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from dp_instructions.exceptions import LedgerCorruptError
from dp_instructions.privacy.accounting import compose_epsilon
from dp_instructions.privacy.ledger.charges import PrivacyLedger
from dp_instructions.privacy.ledger.records import LedgerRecord

__all__ = ["KnownHead", "LedgerProblem", "LedgerVerification", "verify_ledger"]

RELATIVE_TOLERANCE = 1e-9
"""The accountant is deterministic: a recomputed epsilon equals the stored one up to float
printing; anything more is a different number."""


@dataclass(frozen=True)
class KnownHead:
    """The ledger's last record as someone saw it (a run manifest)."""

    seq: int
    hash: str
    seen_by: str


@dataclass(frozen=True)
class LedgerProblem:
    seq: int | None
    release_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"record seq={self.seq}" + (f" (release {self.release_id})" if self.release_id else "")
        return f"{where}: {self.message}" if self.seq is not None else self.message


@dataclass
class LedgerVerification:
    location: str
    records: int = 0
    datasets: int = 0
    heads_checked: int = 0
    problems: list[LedgerProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)


def _check_arithmetic(ledger: PrivacyLedger, records: list[LedgerRecord]) -> list[LedgerProblem]:
    problems = []
    earlier: dict[str, list[LedgerRecord]] = {}
    for r in records:
        before = earlier.setdefault(r.fingerprint, [])
        problem = _record_problem(ledger, r, before)
        if problem:
            problems.append(LedgerProblem(r.seq, r.release_id, f"{r.stage}: {problem}"))
        before.append(r)
    return problems


def _record_problem(ledger: PrivacyLedger, r: LedgerRecord, before: list[LedgerRecord]) -> str | None:
    delta = r.budget.delta
    epsilon = compose_epsilon(r.mechanisms, delta, ledger.precision)
    if not _close(epsilon, r.epsilon):
        return f"stored epsilon {r.epsilon!r} but its mechanisms give {epsilon!r}"
    total = compose_epsilon([m for e in before for m in e.mechanisms] + list(r.mechanisms), delta, ledger.precision)
    if not _close(total, r.epsilon_total):
        return (
            f"stored composed total {r.epsilon_total!r} but the {len(before) + 1} release(s) of its dataset "
            f"compose to {total!r}"
        )
    if before and (r.budget.epsilon > before[0].budget.epsilon or r.budget.delta > before[0].budget.delta):
        first = before[0].budget
        return (
            f"budget epsilon={r.budget.epsilon:g}, delta={r.budget.delta:g} raises the dataset's first "
            f"(epsilon={first.epsilon:g}, delta={first.delta:g})"
        )
    if total > r.budget.epsilon * (1 + RELATIVE_TOLERANCE):
        return f"composed total {total:.6g} exceeds the budget epsilon={r.budget.epsilon:g}"
    return None


def verify_ledger(ledger: PrivacyLedger, heads: Iterable[KnownHead] = ()) -> LedgerVerification:
    """Every problem found (an empty list: the ledger is intact and its figures right)."""
    result = LedgerVerification(location=ledger.location)
    try:
        records = ledger.records()
    except LedgerCorruptError as exc:
        result.problems.append(LedgerProblem(None, None, str(exc)))
        return result
    result.records = len(records)
    result.datasets = len({r.fingerprint for r in records})
    result.problems += _check_arithmetic(ledger, records)
    for head in heads:
        result.heads_checked += 1
        if head.seq > len(records):
            result.problems.append(
                LedgerProblem(
                    head.seq,
                    None,
                    f"{head.seen_by} saw the ledger up to this record, but it ends at seq {len(records)}: "
                    f"{head.seq - len(records)} record(s) were removed from its end",
                )
            )
        elif head.seq > 0 and records[head.seq - 1].hash != head.hash:
            r = records[head.seq - 1]
            result.problems.append(
                LedgerProblem(head.seq, r.release_id, f"{head.seen_by} saw another record here (hash {head.hash[:12]})")
            )
    return result
