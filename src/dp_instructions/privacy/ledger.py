"""The privacy ledger: an append-only, hash-chained record of every DP release.

Why: epsilon is spent on *data*, across runs, people and time. A number in a log line
is not an account. The ledger keeps one immutable record per release (stage, mechanism,
parameters, epsilon at the budget's delta, fingerprint of the private dataset read, run
id, UTC time, code version, whether the noise was private), and before a release it
composes everything already charged to that dataset with the new release and refuses
if the total would exceed the budget.

Storage: one JSON object per line in a local file. Records are never rewritten; a
record's ``hash`` covers its content and the previous record's hash, so an edited,
reordered or deleted line breaks the chain and the ledger refuses to read (a missing
record would under-count spent privacy). "Versioned" therefore means: every earlier
state of the ledger is a prefix of the file, identified by its head hash and length.
Kedro's timestamped ``versioned: true`` snapshots are deliberately *not* used: two
concurrent runs would each load snapshot N and save their own N+1, and one release
would silently vanish from the newest snapshot.

Concurrency: ``charge`` holds an exclusive ``fcntl.flock`` on the ledger file from the
read through the budget check to the append and ``fsync``, so concurrent runs (threads
or processes on one machine) serialise and can neither corrupt the file nor both spend
the last of a budget. Readers take a shared lock. POSIX only; flock is not reliable on
network file systems, keep the ledger on a local disk.

What is charged: every release, including those with a fixed (non-private) noise seed,
which are counted (never under-count) and flagged ``private: false``. What is not
charged: post-processing. A node that only transforms an already released artefact
(clustering synthetic text, resampling by a released noisy histogram, evaluation)
never calls :meth:`PrivacyLedger.charge`, so re-running it costs nothing and leaves no
record.

Budget rule: the budget a dataset's first release was charged under is its budget; a
later charge under a larger epsilon or delta is refused (raising a budget after the fact
is exactly the misuse the ledger exists to stop). Composition is always recomputed from
all mechanisms with the PRV accountant at the budget's delta, never by adding epsilons.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import functools
import hashlib
import json
import logging
import os
import secrets
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dp_instructions.exceptions import (
    InvalidBudgetError,
    InvalidInputError,
    LedgerCorruptError,
    PrivacyBudgetExceededError,
)
from dp_instructions.privacy.accounting import (
    DEFAULT_PRECISION,
    AccountingPrecision,
    Mechanism,
    compose_epsilon,
    mechanism_from_dict,
)
from dp_instructions.privacy.budget import Budget, check_delta
from dp_instructions.privacy.fingerprint import FINGERPRINT_PREFIX
from dp_instructions.privacy.noise import NoiseSource

__all__ = ["DatasetAccount", "LedgerRecord", "PrivacyLedger", "code_version"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
GENESIS_HASH = "0" * 64


def _canonical_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _record_hash(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical_json(body).encode("utf-8")).hexdigest()


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
class LedgerRecord:
    """One DP release, as stored on one line of the ledger."""

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

    def to_json_line(self) -> str:
        return _canonical_json({**self.body(), "hash": self.hash}) + "\n"

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


def _parse_lines(raw: bytes, path: Path) -> list[LedgerRecord]:
    if raw and not raw.endswith(b"\n"):
        raise LedgerCorruptError(
            f"privacy ledger {path}: the last line is incomplete (interrupted write?); "
            "inspect it and restore the file from a backup; the ledger never guesses"
        )
    records: list[LedgerRecord] = []
    prev = GENESIS_HASH
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            raise LedgerCorruptError(f"privacy ledger {path}:{lineno}: empty line")
        try:
            data = json.loads(line)
            stored_hash = data.pop("hash")
            record = LedgerRecord.from_json({**data, "hash": stored_hash})
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerCorruptError(f"privacy ledger {path}:{lineno}: not a valid record ({exc})") from exc
        if _record_hash(data) != stored_hash:
            raise LedgerCorruptError(f"privacy ledger {path}:{lineno}: content does not match its hash (edited?)")
        if record.prev_hash != prev or record.seq != lineno:
            raise LedgerCorruptError(
                f"privacy ledger {path}:{lineno}: the hash chain is broken (a record was removed, "
                "reordered or inserted)"
            )
        prev = stored_hash
        records.append(record)
    return records


def _default_run_id() -> str:
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H.%M.%S.%fZ")
    return f"adhoc-{now}-{secrets.token_hex(4)}"


class PrivacyLedger:
    """Handle on a ledger file. Cheap to create; the file is read on every call, under a
    lock, so several handles (and processes) on one file always agree.

    Pipeline authors get one as the ``privacy_ledger`` catalog input of a
    ``dp_mechanism`` node, with the Kedro run id already bound by the project hook.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        run_id: str | None = None,
        precision: AccountingPrecision = DEFAULT_PRECISION,
    ):
        self.path = Path(path)
        self.run_id = run_id
        self.precision = precision

    def __repr__(self) -> str:
        return f"PrivacyLedger({str(self.path)!r}, run_id={self.run_id!r})"

    # -- reading ---------------------------------------------------------------------

    def records(self) -> list[LedgerRecord]:
        """Every record, oldest first, after verifying the hash chain."""
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return []
        with fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
            try:
                return _parse_lines(fh.read(), self.path)
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

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

        Atomically (under an exclusive file lock): read the ledger, compose everything
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
            _canonical_json(params)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(f"`parameters` must be JSON-serialisable: {exc}") from exc

        requested = compose_epsilon(mechanisms, budget.delta, self.precision)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                with os.fdopen(os.dup(fd), "rb") as reader:
                    records = _parse_lines(_read_all(reader), self.path)
                record = self._new_record(
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
                data = record.to_json_line().encode("utf-8")
                written = os.write(fd, data)
                if written != len(data):
                    raise OSError(f"short write to the privacy ledger {self.path} ({written}/{len(data)} bytes)")
                os.fsync(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.path.parent)
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
        return LedgerRecord(**{**record.__dict__, "hash": _record_hash(record.body())})


def _read_all(fh: IO[bytes]) -> bytes:
    fh.seek(0)
    return fh.read()


def _fsync_dir(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def _describe_mechanism(m: Mechanism) -> str:
    d = m.to_dict()
    kind = d.pop("kind")
    return kind + "(" + ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in d.items()) + ")"
