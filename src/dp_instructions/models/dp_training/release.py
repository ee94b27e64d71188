"""Bookkeeping that ties a DP fine-tuning run to its ledger release, so that an interrupted
run resumes without being charged twice.

Why: the ledger is charged *before* training (the safe direction). If the run then dies,
charging again on the re-run would double-count privacy for one release, and with a
budget calibrated to be spent almost exactly it would be refused. So each run has an
*identity* (a digest of everything that determines the release: the private data, the
training set with canaries, the base model, tokenizer, hyper-parameters, schedule and
noise source), and a small state file next to its checkpoint records the ledger release
id and the plan charged for it. A re-run with the same identity finds the state file,
checks that the ledger holds that release, and carries on from the checkpoint under the
same release. Once complete, the checkpoint *is* the released model: re-running is
post-processing of that release and costs nothing. Anything that changes the identity is
a new release and is charged (or refused) as such.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dp_instructions.privacy.ledger import PrivacyLedger

log = logging.getLogger(__name__)


def training_identity(parts: dict[str, Any]) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class ReleaseState:
    identity: str
    release_id: str
    plan: dict[str, Any]
    complete: bool = False


class ReleaseCheckpoints:
    """``<directory>/<identity>.pt`` (training checkpoint) and ``<identity>.json`` (state)."""

    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)

    def checkpoint_path(self, identity: str) -> Path:
        return self.directory / f"{identity}.pt"

    def _state_path(self, identity: str) -> Path:
        return self.directory / f"{identity}.json"

    def find(self, identity: str, ledger: PrivacyLedger, fingerprint: str) -> ReleaseState | None:
        """The charged release of ``identity`` if the ledger confirms it, else None."""
        path = self._state_path(identity)
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        charged = {r.release_id for r in ledger.records() if r.fingerprint == fingerprint}
        if data.get("release_id") not in charged:
            log.warning("ignoring %s: its release %s is not in the privacy ledger %s",
                        path, data.get("release_id"), ledger.path)
            return None
        return ReleaseState(identity=identity, release_id=data["release_id"], plan=data["plan"],
                            complete=bool(data.get("complete")))

    def save(self, state: ReleaseState) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._state_path(state.identity)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"identity": state.identity, "release_id": state.release_id, "plan": state.plan,
                                   "complete": state.complete}, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def forget(self, identity: str) -> None:
        for path in (self.checkpoint_path(identity), self._state_path(identity)):
            path.unlink(missing_ok=True)
