"""The DP fine-tuning release: plan it, charge the ledger, and tie the run to its ledger
record so that an interrupted run resumes without being charged twice. One
implementation, used by the Kedro node
(:func:`dp_instructions.models.train_generator.train_dp_generator`) and by the
``torchrun`` entry point (:mod:`dp_instructions.models.distributed_train`).

Order matters for privacy (:func:`prepare_release`): everything that can fail on bad
input (budget, plan, LoRA targets of the already loaded model) is checked before the
ledger is charged; the plan is calibrated against every earlier release on the same
private data and the planned histogram release; the ledger is charged before any
private gradient is computed.

Why the bookkeeping: the ledger is charged *before* training (the safe direction). If
the run then dies, charging again on the re-run would double-count privacy for one
release, and with a budget calibrated to be spent almost exactly it would be refused. So
each run has an *identity* (a digest of everything that determines the release: the
private data, the training set with canaries, the base model, tokenizer,
hyper-parameters, schedule and noise source), and a small state file next to its
checkpoint records the ledger release id and the plan charged for it. A re-run with the
same identity finds the state file, checks that the ledger holds that release, and
carries on from the checkpoint under the same release. Once complete, the checkpoint
*is* the released model: re-running is post-processing of that release and costs
nothing. Anything that changes the identity is a new release and is charged (or refused)
as such.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.models.artifact import BaseModel
from dp_instructions.models.dp_training.loop import DPFineTuneConfig
from dp_instructions.models.dp_training.lora import lora_targets
from dp_instructions.models.dp_training.plan import DPTrainingPlan, plan_dp_training
from dp_instructions.privacy.budget import Budget
from dp_instructions.privacy.fingerprint import fingerprint_texts
from dp_instructions.privacy.ledger import PrivacyLedger
from dp_instructions.privacy.noise import NoiseSource

log = logging.getLogger(__name__)


EXECUTION_ONLY = ("checkpoint_every", "length_bucketing", "physical_batch_size", "grad_sample_mode", "precision")
"""Fine-tuning settings that change how a release is computed, not what it is: not part of
its identity (a run resumed with another value continues the same release)."""


def training_identity(parts: dict[str, Any]) -> str:
    """A short digest of `parts` (canonical JSON)."""
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
            log.warning(
                "ignoring %s: its release %s is not in the privacy ledger %s",
                path,
                data.get("release_id"),
                ledger.location,
            )
            return None
        return ReleaseState(
            identity=identity, release_id=data["release_id"], plan=data["plan"], complete=bool(data.get("complete"))
        )

    def save(self, state: ReleaseState) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._state_path(state.identity)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "identity": state.identity,
                    "release_id": state.release_id,
                    "plan": state.plan,
                    "complete": state.complete,
                },
                indent=2,
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        os.replace(tmp, path)

    def forget(self, identity: str) -> None:
        for path in (self.checkpoint_path(identity), self._state_path(identity)):
            path.unlink(missing_ok=True)


def base_identity(base: BaseModel) -> str:
    """Hub id, or a digest of the in-memory weights (small models only)."""
    if base.hub_id is not None:
        return f"hub:{base.hub_id}"
    assert base.model is not None
    digest = hashlib.sha256()
    for name, tensor in sorted(base.model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return f"sha256:{digest.hexdigest()[:32]}"


def tokenizer_identity(tokenizer: PreTrainedTokenizerBase) -> str:
    vocab = sorted(tokenizer.get_vocab().items())
    return hashlib.sha256(repr(vocab).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class PreparedRelease:
    """A release charged to the ledger (now, or by an earlier run of the same identity),
    ready to train: the plan to run and where its checkpoint goes."""

    identity: str
    release_id: str
    plan: DPTrainingPlan
    lora_targets: list[str]
    checkpoint_path: Path | None
    continued: bool
    """An earlier run of this identity was charged: no new charge was made."""
    complete: bool
    """That earlier run finished: training again only replays its checkpoint."""

    @property
    def run_identity(self) -> str:
        """What a training checkpoint must carry to be resumed by this release."""
        return f"{self.identity}:{self.release_id}"

    def loop_arguments(self) -> dict[str, Any]:
        """The training loop's privacy-relevant arguments, taken from the charged plan in
        one place, so the loop runs exactly what the ledger was charged for."""
        return {
            "sampling_rate": self.plan.sampling_rate,
            "steps": self.plan.steps,
            "noise_multiplier": self.plan.noise_multiplier,
            "checkpoint_path": self.checkpoint_path,
            "run_identity": self.run_identity,
        }


def prepare_release(
    *,
    ledger: PrivacyLedger,
    checkpoints: ReleaseCheckpoints | None,
    resume: bool,
    stage: str,
    dataset: str,
    fingerprint: str,
    dataset_size: int,
    texts: Sequence[str],
    model: PreTrainedModel,
    base: str,
    tokenizer: PreTrainedTokenizerBase,
    finetune: DPFineTuneConfig,
    epochs: float,
    budget: Budget,
    noise: NoiseSource,
    noise_multiplier: float | None,
    histogram_noise_multiplier: float | None,
    world_size: int | None,
) -> PreparedRelease:
    """Plan the DP fine-tuning of `texts` and charge it to `ledger`, or continue the
    release an earlier run of the same identity was charged for.

    `fingerprint` and `dataset_size` are those of the private dataset the release
    protects (`dataset` names it in the ledger); `texts` are the rows the loop samples
    from (the private ones plus any canaries). `model` is the base model, already loaded:
    its LoRA targets are resolved here, before the charge. `base` identifies it
    (:func:`base_identity`). The plan is calibrated (``noise_multiplier`` None) or checked
    (fixed) against every release the ledger already holds on `fingerprint` plus the
    planned histogram (``histogram_noise_multiplier``). `world_size` is part of the
    identity (None: resuming on another number of processes continues the release).
    Without `checkpoints` every call is a new release; with ``resume`` False a finished
    or interrupted run of the same identity is forgotten and charged anew.
    """
    targets = lora_targets(model, finetune.target_modules)  # unknown architecture: fail before charging
    identity = training_identity(
        {
            "fingerprint": fingerprint,
            "training_data": fingerprint_texts(texts),
            "base": base,
            "tokenizer": tokenizer_identity(tokenizer),
            "finetune": {k: v for k, v in asdict(finetune).items() if k not in EXECUTION_ONLY},
            "epochs": epochs,
            "noise_multiplier": noise_multiplier,
            "histogram_noise_multiplier": histogram_noise_multiplier,
            "budget": [budget.epsilon, budget.delta],
            "noise": noise.describe(),
            "world_size": world_size,
        }
    )
    state = checkpoints.find(identity, ledger, fingerprint) if checkpoints is not None and resume else None
    continued = state is not None
    if state is not None:
        log.info(
            "continuing release %s (%s): no new privacy charge",
            state.release_id,
            "complete, reused as post-processing" if state.complete else "resuming from its checkpoint",
        )
        ledger.note_reuse(state.release_id, "reused" if state.complete else "resumed")
        plan = DPTrainingPlan(**state.plan)
    else:
        if checkpoints is not None and not resume:
            checkpoints.forget(identity)
        earlier = [m for r in ledger.records() if r.fingerprint == fingerprint for m in r.mechanisms]
        plan = plan_dp_training(
            training_examples=len(texts),
            expected_batch_size=finetune.expected_batch_size,
            epochs=epochs,
            budget=budget,
            histogram_noise_multiplier=histogram_noise_multiplier,
            already_spent=earlier,
            noise_multiplier=noise_multiplier,
        )
        record = ledger.charge(
            stage=stage,
            mechanisms=[plan.mechanism],
            fingerprint=fingerprint,
            dataset_size=dataset_size,
            budget=budget,
            noise=noise,
            dataset=dataset,
            parameters={
                "plan": plan.to_dict(),
                "max_grad_norm": finetune.max_grad_norm,
                "base_model": base,
                "canary_rows": len(texts) - dataset_size,
                "identity": identity,
            },
        )
        state = ReleaseState(identity=identity, release_id=record.release_id, plan=plan.to_dict())
        if checkpoints is not None:
            checkpoints.save(state)
    return PreparedRelease(
        identity=identity,
        release_id=state.release_id,
        plan=plan,
        lora_targets=targets,
        checkpoint_path=checkpoints.checkpoint_path(identity) if checkpoints is not None else None,
        continued=continued,
        complete=state.complete,
    )


def finish_release(checkpoints: ReleaseCheckpoints | None, release: PreparedRelease) -> None:
    """Record that `release` trained to the end: a re-run replays it as post-processing."""
    if checkpoints is not None:
        checkpoints.save(
            ReleaseState(
                identity=release.identity, release_id=release.release_id, plan=release.plan.to_dict(), complete=True
            )
        )
