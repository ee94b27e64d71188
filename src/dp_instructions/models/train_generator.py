"""The DP generator release: plan, charge the ledger, fine-tune, package (Algorithm 1).

Order matters for privacy: everything that can fail on bad input (parameters, budget,
base model, LoRA targets) is checked before the ledger is charged; the ledger is charged
before any private gradient is computed; the step count the loop ran is checked against
the charged plan afterwards (``train_lora`` raises if they differ). Planning, charging
and resuming are :func:`~dp_instructions.models.dp_training.release.prepare_release`,
shared with the ``torchrun`` entry point (:mod:`dp_instructions.models.distributed_train`).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import asdict
from typing import Any

import polars as pl
import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import BaseModel, GeneratorArtifact
from dp_instructions.models.device import pick_device
from dp_instructions.models.dp_training.loop import DPFineTuneConfig, TrainingResult, train_lora
from dp_instructions.models.dp_training.multiprocess import train_lora_multiprocess
from dp_instructions.models.dp_training.plan import DPTrainingPlan
from dp_instructions.models.dp_training.release import (
    PreparedRelease,
    ReleaseCheckpoints,
    base_identity,
    finish_release,
    prepare_release,
)
from dp_instructions.models.generator import load_hub_model
from dp_instructions.models.parameters import GenerationConfig
from dp_instructions.privacy.accounting import dpsgd_schedule
from dp_instructions.privacy.budget import Budget
from dp_instructions.privacy.fingerprint import fingerprint_texts
from dp_instructions.privacy.ledger import PrivacyLedger
from dp_instructions.privacy.noise import NoiseSource
from dp_instructions.privacy.parameters import PrivacyParameters

log = logging.getLogger(__name__)

STAGE = "dp_generation.train_dp_generator"


def materialise_base(base: BaseModel, device: torch.device) -> PreTrainedModel:
    """A fresh, trainable copy of the base model (LoRA injection mutates the model)."""
    if base.hub_id is not None:
        model, _ = load_hub_model(base.hub_id, device)
        return model
    assert base.model is not None
    return copy.deepcopy(base.model).to(device)


def _check_texts(frame: pl.DataFrame, dataset: str) -> list[str]:
    if "text" not in frame.columns:
        raise InvalidInputError(f"dataset `{dataset}` has no column `text` (columns: {frame.columns})")
    if frame.height == 0:
        raise InvalidInputError(f"dataset `{dataset}` is empty: nothing to fine-tune on")
    if frame["text"].null_count():
        raise InvalidInputError(f"dataset `{dataset}` column `text` has {frame['text'].null_count()} nulls")
    return frame["text"].to_list()


def train_dp_generator(
    base: BaseModel,
    tokenizer: PreTrainedTokenizerBase,
    training_data: pl.DataFrame,
    instructions_train: pl.DataFrame,
    ledger: PrivacyLedger,
    config: GenerationConfig,
    privacy: PrivacyParameters,
) -> tuple[GeneratorArtifact, dict[str, Any]]:
    """Fine-tune LoRA with DP on ``training_data`` (``instructions_train`` plus any canaries)
    and return the generator (dp_release) and a training report (private: it holds losses
    measured on private batches without noise).

    The release is charged to the fingerprint of ``instructions_train``'s ``text`` column,
    the dataset whose records it protects (the resampling histogram charges the same
    fingerprint, so the two compose). Canary rows only enlarge the dataset the sampler
    draws from, and ``q`` is computed on that enlarged size.
    """
    private_texts = _check_texts(instructions_train, "instructions_train")
    texts = _check_texts(training_data, "dp_training_instructions")
    n_private = len(private_texts)
    fingerprint = fingerprint_texts(instructions_train["text"])
    budget = Budget.from_params(privacy, n_private)
    noise = NoiseSource.from_seed(privacy.noise_seed)
    histogram_sigma = privacy.histogram_noise_multiplier
    device = pick_device(config.device)
    ft = config.finetune

    model = materialise_base(base, device)
    base_id = base_identity(base)
    checkpoints = ReleaseCheckpoints(config.checkpoint_dir)
    release = prepare_release(
        ledger=ledger,
        checkpoints=checkpoints,
        resume=config.resume,
        stage=STAGE,
        dataset="instructions_train",
        fingerprint=fingerprint,
        dataset_size=n_private,
        texts=texts,
        model=model,
        base=base_id,
        tokenizer=tokenizer,
        finetune=ft,
        epochs=config.epochs,
        budget=budget,
        noise=noise,
        noise_multiplier=config.noise_multiplier,
        histogram_noise_multiplier=histogram_sigma,
        world_size=config.world_size,
    )
    plan = release.plan

    # world_size 1 trains in this process; more processes share one Poisson batch per
    # step (rank shards, noise once on rank 0): the accounting does not change.
    peft_model, result = train_lora_multiprocess(
        model,
        tokenizer,
        texts,
        ft,
        world_size=config.world_size,
        noise_source=noise,
        **release.loop_arguments(),
        device=device,
    )
    finish_release(checkpoints, release)

    metadata = generator_metadata(
        base,
        base_id,
        release,
        noise,
        ft,
        epochs=config.epochs,
        stage=STAGE,
        fingerprint=fingerprint,
        dataset_size=n_private,
        training_examples=len(texts),
    )
    report = {
        "release_id": release.release_id,
        "plan": plan.to_dict(),
        "result": result.to_dict(),
        "resumed_from_step": result.resumed_from_step,
        "noise": noise.describe(),
    }
    return GeneratorArtifact(model=peft_model.to("cpu"), tokenizer=tokenizer, metadata=metadata), report


def generator_metadata(
    base: BaseModel,
    base_id: str,
    release: PreparedRelease,
    noise: NoiseSource,
    ft: DPFineTuneConfig,
    *,
    epochs: float,
    stage: str,
    fingerprint: str,
    dataset_size: int,
    training_examples: int,
) -> dict[str, Any]:
    """The DP generator artefact's ``metadata.json``: how it was made and what it cost
    (the same for the Kedro node and the torchrun entry point). `base_id` is
    :func:`~dp_instructions.models.dp_training.release.base_identity` of the untrained base."""
    plan: DPTrainingPlan = release.plan
    return {
        "kind": "dp_generator",
        "private": noise.private,
        "base_model": base.metadata | {"identity": base_id},
        "base_hub_id": base.hub_id,
        "lora": {"rank": ft.lora_rank, "alpha": ft.lora_alpha, "target_modules": release.lora_targets},
        "privacy": {
            "release_id": release.release_id,
            "stage": stage,
            "fingerprint": fingerprint,
            "dataset_size": dataset_size,
            "training_examples": training_examples,
            "noise_multiplier": plan.noise_multiplier,
            "sampling_rate": plan.sampling_rate,
            "steps": plan.steps,
            "max_grad_norm": ft.max_grad_norm,
            "epsilon": plan.epsilon,
            "epsilon_planned_total": plan.epsilon_planned_total,
            "delta": plan.delta,
            "noise": noise.describe(),
        },
        "training": {k: v for k, v in asdict(ft).items()} | {"epochs": epochs},
        "identity": release.identity,
    }


def train_control_generator(
    base: BaseModel,
    tokenizer: PreTrainedTokenizerBase,
    training_data: pl.DataFrame,
    config: GenerationConfig,
) -> tuple[GeneratorArtifact, TrainingResult]:
    """The non-private control for the memorisation audit: the same trainer, data and
    schedule (Poisson batches at the same rate; not the same draws, since a private run's
    batch coins are secret), with clipping and noise off. Its output is private."""
    texts = _check_texts(training_data, "dp_training_instructions")
    device = pick_device(config.device)
    ft = DPFineTuneConfig(**{**asdict(config.finetune), "dp": False})
    schedule = dpsgd_schedule(len(texts), ft.expected_batch_size, config.epochs)
    model = materialise_base(base, device)
    peft_model, result = train_lora(
        model,
        tokenizer,
        texts,
        ft,
        sampling_rate=schedule.sampling_rate,
        steps=schedule.steps,
        noise_multiplier=0.0,
        noise_source=NoiseSource.secure(),
        device=device,
    )
    metadata = {
        "kind": "nonprivate_control",
        "private": False,
        "warning": "trained WITHOUT differential privacy: private, for the memorisation audit only",
        "base_model": base.metadata | {"identity": base_identity(base)},
        "base_hub_id": base.hub_id,
        "training": asdict(ft)
        | {"epochs": config.epochs, "steps": schedule.steps, "sampling_rate": schedule.sampling_rate},
    }
    return GeneratorArtifact(model=peft_model.to("cpu"), tokenizer=tokenizer, metadata=metadata), result


__all__ = ["STAGE", "generator_metadata", "materialise_base", "train_control_generator", "train_dp_generator"]
