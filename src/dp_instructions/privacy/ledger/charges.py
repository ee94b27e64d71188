"""``PrivacyLedger``: charge a DP release to a private dataset, and account for it.

Before a release, :meth:`PrivacyLedger.charge` composes everything already charged to the
dataset (its fingerprint) with the new release, with the PRV accountant at the budget's
delta, and either appends a record or refuses with the figures. The read, the check and
the append are one atomic operation of the store (:mod:`.store`), so concurrent runs can
neither corrupt the ledger nor both spend the last of a budget. This is the one place a
record is composed, whatever the backend.
"""

from __future__ import annotations

import datetime as _dt
import functools
import logging
import os
import secrets
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dp_instructions.exceptions import (
    InvalidBudgetError,
    InvalidInputError,
    PrivacyBudgetExceededError,
)
from dp_instructions.privacy.accounting import (
    DEFAULT_PRECISION,
    AccountingPrecision,
    Mechanism,
    compose_epsilon,
)
from dp_instructions.privacy.budget import Budget, check_delta
from dp_instructions.privacy.fingerprint import FINGERPRINT_PREFIX
from dp_instructions.privacy.ledger.records import GENESIS_HASH, LedgerRecord, canonical_json
from dp_instructions.privacy.ledger.store import LedgerStore, open_store
from dp_instructions.privacy.noise import NoiseSource

__all__ = ["DatasetAccount", "LedgerUse", "PrivacyLedger", "code_version"]

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def code_version() -> dict[str, Any]:
    """Package version, and the git commit of the source tree when it is a checkout
    (``dirty`` when tracked files differ from the commit). Read-only git calls."""
    from dp_instructions import __version__

    info: dict[str, Any] = {"package": __version__, "git_commit": None, "git_dirty": None}
    src = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(src), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        info["git_commit"] = commit or None
        info["git_dirty"] = bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return info


@dataclass(frozen=True)
class DatasetAccount:
    """What has been spent on one private dataset (one fingerprint)."""

    fingerprint: str
    datasets: tuple[str, ...]
    dataset_size: int
    budget: Budget
    spent: float
    releases: tuple[LedgerRecord, ...]

    @property
    def remaining(self) -> float:
        return max(self.budget.epsilon - self.spent, 0.0)

    @property
    def all_private(self) -> bool:
        return all(r.private for r in self.releases)


@dataclass(frozen=True)
class LedgerUse:
    """A release this handle's run charged, or used without charging (a finished release
    reused as post-processing, an interrupted one resumed): what a run manifest lists."""

    how: Literal["charged", "reused", "resumed"]
    release_id: str
    stage: str
    fingerprint: str
    dataset: str | None
    epsilon: float

    @classmethod
    def of(cls, how: Literal["charged", "reused", "resumed"], record: LedgerRecord) -> LedgerUse:
        return cls(how, record.release_id, record.stage, record.fingerprint, record.dataset, record.epsilon)


def _default_run_id() -> str:
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H.%M.%S.%fZ")
    return f"adhoc-{now}-{secrets.token_hex(4)}"


class PrivacyLedger:
    """Handle on a ledger. Cheap to create; the store is read on every call, so several
    handles (and processes, and machines on a shared database) always agree.

    ``store``: a :class:`~.store.LedgerStore`, or a location for :func:`~.store.open_store`
    (a ``.sqlite``/``.jsonl`` path, a ``postgresql://`` connection string).

    Pipeline authors get one as the ``privacy_ledger`` catalog input of a
    ``dp_mechanism`` node, with the Kedro run id already bound by the project hook.
    """

    def __init__(
        self,
        store: LedgerStore | str | os.PathLike[str],
        *,
        run_id: str | None = None,
        precision: AccountingPrecision = DEFAULT_PRECISION,
        uses: list[LedgerUse] | None = None,
    ):
        self.store = open_store(store)
        self.run_id = run_id
        self.precision = precision
        self.uses: list[LedgerUse] = uses if uses is not None else []
        """Releases charged or reused through this handle (shared by the handles that the
        ``privacy_ledger`` dataset gives one run, for its manifest)."""

    @property
    def location(self) -> str:
        """Where the records are (a path, or a connection without its password)."""
        return self.store.location

    def __repr__(self) -> str:
        return f"PrivacyLedger({self.location!r}, run_id={self.run_id!r})"

    # -- reading ---------------------------------------------------------------------

    def records(self) -> list[LedgerRecord]:
        """Every record, oldest first, after verifying the hash chain."""
        return self.store.read()

    def note_reuse(self, release_id: str, how: Literal["reused", "resumed"] = "reused") -> LedgerRecord:
        """Record that the run uses the earlier release ``release_id`` without charging
        (post-processing of a finished release, or resuming an interrupted one); the
        release must be in the ledger."""
        for record in self.records():
            if record.release_id == release_id:
                self.uses.append(LedgerUse.of(how, record))
                return record
        raise InvalidInputError(f"release {release_id} is not in the privacy ledger {self.location}")

    def spent(self, fingerprint: str, delta: float) -> float:
        """Epsilon at ``delta`` of every release charged to ``fingerprint``, composed."""
        return self._spent(self.records(), fingerprint, delta)

    def _spent(self, records: Sequence[LedgerRecord], fingerprint: str, delta: float) -> float:
        mechanisms = [m for r in records if r.fingerprint == fingerprint for m in r.mechanisms]
        return compose_epsilon(mechanisms, delta, self.precision)

    def accounts(self, budget_for: Any = None) -> list[DatasetAccount]:
        """One :class:`DatasetAccount` per fingerprint, in order of first release.

        ``budget_for(dataset_size) -> Budget`` gives the budget to report against (e.g.
        from the current parameters); by default the budget of the dataset's first
        release. Spend is composed at that budget's delta.
        """
        records = self.records()
        by_fp: dict[str, list[LedgerRecord]] = {}
        for r in records:
            by_fp.setdefault(r.fingerprint, []).append(r)
        accounts = []
        for fp, recs in by_fp.items():
            budget = budget_for(recs[0].dataset_size) if budget_for is not None else recs[0].budget
            names = tuple(dict.fromkeys(r.dataset for r in recs if r.dataset))
            accounts.append(
                DatasetAccount(
                    fingerprint=fp,
                    datasets=names,
                    dataset_size=recs[0].dataset_size,
                    budget=budget,
                    spent=self._spent(recs, fp, budget.delta),
                    releases=tuple(recs),
                )
            )
        return accounts

    # -- charging --------------------------------------------------------------------

    def charge(
        self,
        *,
        stage: str,
        mechanisms: Sequence[Mechanism],
        fingerprint: str,
        dataset_size: int,
        budget: Budget,
        noise: NoiseSource,
        dataset: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        run_id: str | None = None,
    ) -> LedgerRecord:
        """Charge a DP release to the private dataset ``fingerprint`` *before* releasing.

        Atomically (one operation of the store): read the ledger, compose everything
        already charged to ``fingerprint`` with ``mechanisms`` at ``budget.delta``, and
        either append and fsync a new record, or raise
        :class:`PrivacyBudgetExceededError` showing spent, requested and budget (nothing
        is recorded then). Call it before drawing the noise; if the release later fails,
        the budget stays spent, which is the safe direction.
        """
        if not isinstance(stage, str) or not stage.strip():
            raise InvalidInputError(f"`stage` must be a non-empty string naming the release, got {stage!r}")
        mechanisms = tuple(mechanisms)
        if not mechanisms:
            raise InvalidInputError("`mechanisms` is empty: a DP release has at least one mechanism")
        if not isinstance(fingerprint, str) or not fingerprint.startswith(FINGERPRINT_PREFIX):
            raise InvalidInputError(
                f"`fingerprint` must come from fingerprint_texts/fingerprint_frame, got {fingerprint!r}"
            )
        if not isinstance(budget, Budget):
            raise InvalidInputError(f"`budget` must be a Budget, got {type(budget).__name__}")
        check_delta(budget.delta, dataset_size)
        if not isinstance(noise, NoiseSource):
            raise InvalidInputError(f"`noise` must be a NoiseSource, got {type(noise).__name__}")
        params = dict(parameters or {})
        try:
            canonical_json(params)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"`parameters` must be JSON-serialisable: {exc}") from exc

        requested = compose_epsilon(mechanisms, budget.delta, self.precision)
        (record,) = self.store.append(
            lambda records: [
                self._new_record(
                    records,
                    stage=stage,
                    mechanisms=mechanisms,
                    fingerprint=fingerprint,
                    dataset_size=dataset_size,
                    budget=budget,
                    noise=noise,
                    dataset=dataset,
                    parameters=params,
                    run_id=run_id or self.run_id or _default_run_id(),
                    requested=requested,
                )
            ]
        )
        self.uses.append(LedgerUse.of("charged", record))
        level = logging.INFO if record.private else logging.WARNING
        logger.log(
            level,
            "privacy ledger: charged %s (%s) to %s: epsilon %.4f, total %.4f of %.4f at delta %g%s",
            stage,
            ", ".join(_describe_mechanism(m) for m in mechanisms),
            fingerprint[:19],
            record.epsilon,
            record.epsilon_total,
            budget.epsilon,
            budget.delta,
            "" if record.private else " -- FIXED NOISE SEED: this release is NOT private",
        )
        return record

    def _new_record(
        self,
        records: list[LedgerRecord],
        *,
        stage: str,
        mechanisms: tuple[Mechanism, ...],
        fingerprint: str,
        dataset_size: int,
        budget: Budget,
        noise: NoiseSource,
        dataset: str | None,
        parameters: dict[str, Any],
        run_id: str,
        requested: float,
    ) -> LedgerRecord:
        earlier = [r for r in records if r.fingerprint == fingerprint]
        if earlier:
            first = earlier[0].budget
            if budget.epsilon > first.epsilon or budget.delta > first.delta:
                raise InvalidBudgetError(
                    f"dataset {fingerprint[:19]}… was first charged under the budget "
                    f"epsilon={first.epsilon:g}, delta={first.delta:g}; a later release may not "
                    f"raise it (asked epsilon={budget.epsilon:g}, delta={budget.delta:g})"
                )
        spent = self._spent(earlier, fingerprint, budget.delta)
        total = compose_epsilon(
            [m for r in earlier for m in r.mechanisms] + list(mechanisms), budget.delta, self.precision
        )
        if total > budget.epsilon:
            raise PrivacyBudgetExceededError(
                f"privacy budget exceeded for dataset {dataset or '?'} ({fingerprint[:19]}…, "
                f"N={dataset_size:,}): spent epsilon={spent:.4f} in {len(earlier)} release(s), "
                f"requested epsilon={requested:.4f} for {stage!r}, composed total "
                f"{total:.4f} > budget epsilon={budget.epsilon:g} at delta={budget.delta:g}. "
                "Nothing was released or recorded. Reuse the released artefacts "
                "(post-processing is free) or lower the release's cost.",
                spent=spent,
                requested=requested,
                total=total,
                budget=budget.epsilon,
                delta=budget.delta,
                fingerprint=fingerprint,
            )
        prev = records[-1].hash if records else GENESIS_HASH
        record = LedgerRecord(
            seq=len(records) + 1,
            release_id=secrets.token_hex(16),
            time=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds"),
            run_id=run_id,
            stage=stage,
            dataset=dataset,
            fingerprint=fingerprint,
            dataset_size=int(dataset_size),
            mechanisms=mechanisms,
            parameters=parameters,
            budget=budget,
            epsilon=requested,
            epsilon_total=total,
            noise=noise.describe(),
            code_version=code_version(),
            prev_hash=prev,
        )
        return record.sealed()


def _describe_mechanism(m: Mechanism) -> str:
    d = m.to_dict()
    kind = d.pop("kind")
    return kind + "(" + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in d.items()) + ")"
