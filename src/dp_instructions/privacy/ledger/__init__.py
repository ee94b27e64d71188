"""The privacy ledger: an append-only, hash-chained record of every DP release.

Why: epsilon is spent on *data*, across runs, people, machines and time. A number in a log
line is not an account. The ledger keeps one immutable record per release (stage,
mechanism, parameters, epsilon at the budget's delta, fingerprint of the private dataset
read, run id, UTC time, code version, whether the noise was private), and before a release
it composes everything already charged to that dataset with the new release and refuses if
the total would exceed the budget.

- :mod:`.records`: the record, its hash and the chain (the same in every backend);
- :mod:`.store`: where records live: SQLite (the embedded default), PostgreSQL (shared by
  the workers of a scheduled deployment), JSON lines (earlier versions; import);
- :mod:`.charges`: :class:`PrivacyLedger`, the one place a release is composed and charged;
- :mod:`.verify`: re-check the chain and recompute every composed epsilon;
- :mod:`.importing`: copy a ledger into another backend, records and hashes unchanged.

Records are never rewritten, so "versioned" means every earlier state of the ledger is a
prefix of it, identified by its head (seq, hash). Kedro's timestamped ``versioned: true``
snapshots are deliberately *not* used: two concurrent runs would each load snapshot N and
save their own N+1, and one release would silently vanish from the newest snapshot.

What is charged: every release, including those with a fixed (non-private) noise seed,
which are counted (never under-count) and flagged ``private: false``. What is not charged:
post-processing. A node that only transforms an already released artefact (clustering
synthetic text, resampling by a released noisy histogram, evaluation) never calls
:meth:`PrivacyLedger.charge`, so re-running it costs nothing and leaves no record.

Budget rule: the budget a dataset's first release was charged under is its budget; a later
charge under a larger epsilon or delta is refused (raising a budget after the fact is
exactly the misuse the ledger exists to stop). Composition is always recomputed from all
mechanisms with the PRV accountant at the budget's delta, never by adding epsilons.
"""

from __future__ import annotations

from dp_instructions.privacy.ledger.charges import DatasetAccount, LedgerUse, PrivacyLedger, code_version
from dp_instructions.privacy.ledger.records import GENESIS_HASH, LedgerRecord
from dp_instructions.privacy.ledger.store import LedgerStore, open_store

__all__ = [
    "GENESIS_HASH",
    "DatasetAccount",
    "LedgerRecord",
    "LedgerUse",
    "LedgerStore",
    "PrivacyLedger",
    "code_version",
    "open_store",
]
