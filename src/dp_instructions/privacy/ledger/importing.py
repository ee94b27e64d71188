"""Copy a ledger into another backend (a JSON-lines file into SQLite or PostgreSQL).

The records are copied as they are, hashes and chain included, so the copy verifies the
same way and its heads match the manifests that saw the original. The source is read with
its chain verified; the copy is one append of the store, and appends only what the target
lacks: a target that already holds a prefix of the source (an interrupted or repeated
import) is completed; a target holding anything else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from dp_instructions.exceptions import LedgerCorruptError
from dp_instructions.privacy.ledger.charges import PrivacyLedger
from dp_instructions.privacy.ledger.records import LedgerRecord

__all__ = ["LedgerImport", "import_ledger"]


@dataclass(frozen=True)
class LedgerImport:
    source: str
    target: str
    copied: int
    already_there: int


def import_ledger(source: PrivacyLedger, target: PrivacyLedger) -> LedgerImport:
    records = source.records()
    already: list[int] = []

    def missing(existing: list[LedgerRecord]) -> list[LedgerRecord]:
        for mine, theirs in zip(existing, records, strict=False):
            if mine.hash != theirs.hash:
                raise LedgerCorruptError(
                    f"cannot import {source.location} into {target.location}: the target's record seq={mine.seq} "
                    f"(release {mine.release_id}) differs from the source's; a ledger is imported only into an "
                    "empty ledger or one that holds a prefix of it"
                )
        if len(existing) > len(records):
            raise LedgerCorruptError(
                f"cannot import {source.location} into {target.location}: the target already holds "
                f"{len(existing)} records, more than the source's {len(records)}"
            )
        already.append(len(existing))
        return records[len(existing) :]

    copied = target.store.append(missing) if records else []
    return LedgerImport(source.location, target.location, len(copied), already[0] if already else 0)
