"""``parameters_dp_generation.yml`` parsed into typed settings, with errors that name the
parameter at fault."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.canaries import CanaryConfig
from dp_instructions.models.dp_training.loop import DPFineTuneConfig
from dp_instructions.models.generator import SmallGPT2Config
from dp_instructions.models.sampling import SamplingConfig

ROOT = "dp_generation"


def _section(params: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = params.get(name) or {}
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"parameter `{ROOT}.{name}` must be a mapping, got {value!r}")
    return dict(value)


def _take(section: dict[str, Any], where: str, allowed: set[str]) -> None:
    unknown = set(section) - allowed
    if unknown:
        raise InvalidInputError(f"unknown parameter(s) {sorted(unknown)} in `{where}` (known: {sorted(allowed)})")


def _positive(value: Any, where: str, *, integer: bool = False) -> Any:
    ok = (isinstance(value, int) if integer else isinstance(value, (int, float))) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value <= 0:
        kind = "a positive int" if integer else "a positive number"
        raise InvalidInputError(f"parameter `{where}` must be {kind}, got {value!r}")
    return value


@dataclass(frozen=True)
class PretrainingConfig:
    vocab_size: int = 4096
    n_embd: int = 192
    n_layer: int = 4
    n_head: int = 4
    max_length: int = 64
    epochs: int = 4
    batch_size: int = 64
    learning_rate: float = 3e-3

    @property
    def model(self) -> SmallGPT2Config:
        return SmallGPT2Config(n_embd=self.n_embd, n_layer=self.n_layer, n_head=self.n_head,
                               max_length=self.max_length)


@dataclass(frozen=True)
class GenerationConfig:
    base_model: str | None
    device: str
    pretraining: PretrainingConfig
    finetune: DPFineTuneConfig
    epochs: float
    noise_multiplier: float | None
    world_size: int
    checkpoint_dir: str
    resume: bool
    sampling: SamplingConfig
    canaries: CanaryConfig

    @classmethod
    def parse(cls, params: Mapping[str, Any], seed: int) -> GenerationConfig:
        if not isinstance(params, Mapping):
            raise InvalidInputError(f"parameter `{ROOT}` must be a mapping")
        _take(dict(params), ROOT, {"base_model", "device", "public_pretraining", "training", "sampling", "canaries"})
        base_model = params.get("base_model")
        if base_model is not None and (not isinstance(base_model, str) or not base_model.strip()):
            raise InvalidInputError(f"parameter `{ROOT}.base_model` must be null or a model id/path, got {base_model!r}")
        device = params.get("device", "auto")
        if not isinstance(device, str) or not (device in ("auto", "cpu") or device.startswith("cuda")):
            raise InvalidInputError(f"parameter `{ROOT}.device` must be auto, cpu or cuda[:n], got {device!r}")

        pre = _section(params, "public_pretraining")
        names = {f.name for f in fields(PretrainingConfig)}
        _take(pre, f"{ROOT}.public_pretraining", names)
        for name in names:
            if name in pre:
                _positive(pre[name], f"{ROOT}.public_pretraining.{name}", integer=name != "learning_rate")
        pretraining = PretrainingConfig(**pre)
        pretraining.model  # validates n_embd vs n_head

        tr = _section(params, "training")
        _take(tr, f"{ROOT}.training", {
            "epochs", "expected_batch_size", "physical_batch_size", "learning_rate", "max_grad_norm",
            "noise_multiplier", "max_length", "lora_rank", "lora_alpha", "lora_dropout", "target_modules",
            "world_size", "checkpoint_dir", "checkpoint_every", "resume",
        })
        epochs = _positive(tr.pop("epochs", 4), f"{ROOT}.training.epochs")
        noise_multiplier = tr.pop("noise_multiplier", None)
        if noise_multiplier is not None:
            _positive(noise_multiplier, f"{ROOT}.training.noise_multiplier")
        world_size = _positive(tr.pop("world_size", 1), f"{ROOT}.training.world_size", integer=True)
        checkpoint_dir = tr.pop("checkpoint_dir", "data/06_models/dp_checkpoints")
        if not isinstance(checkpoint_dir, str) or not checkpoint_dir:
            raise InvalidInputError(f"parameter `{ROOT}.training.checkpoint_dir` must be a path, got {checkpoint_dir!r}")
        resume = tr.pop("resume", True)
        if not isinstance(resume, bool):
            raise InvalidInputError(f"parameter `{ROOT}.training.resume` must be true or false, got {resume!r}")
        targets = tr.get("target_modules")
        if targets is not None and (not isinstance(targets, list) or not all(isinstance(t, str) for t in targets)):
            raise InvalidInputError(f"parameter `{ROOT}.training.target_modules` must be null or a list of names")
        finetune = DPFineTuneConfig(seed=seed, **tr)

        sa = _section(params, "sampling")
        _take(sa, f"{ROOT}.sampling", {"num_samples", "batch_size", "max_new_tokens", "top_p", "temperature"})
        for name in ("num_samples", "batch_size", "max_new_tokens"):
            if name in sa:
                _positive(sa[name], f"{ROOT}.sampling.{name}", integer=True)
        sampling = SamplingConfig(seed=seed, **{"num_samples": 4000, **sa})
        canaries = CanaryConfig.parse(params.get("canaries"), f"{ROOT}.canaries")
        return cls(base_model=base_model, device=device, pretraining=pretraining, finetune=finetune,
                   epochs=float(epochs), noise_multiplier=noise_multiplier, world_size=int(world_size),
                   checkpoint_dir=checkpoint_dir, resume=resume, sampling=sampling, canaries=canaries)
