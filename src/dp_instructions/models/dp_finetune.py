"""DP-LoRA fine-tuning with Opacus (paper, Algorithm 1).

The loop is written out rather than delegated to ``PrivacyEngine.make_private`` so that
accounting matches the sampler exactly:

* each logical step draws a Poisson batch (every example independently with probability
  ``q``) from a dedicated generator, for exactly the ``steps`` the privacy module
  planned; the ledger is charged for the steps the optimizer really took (counted by the
  accountant hook), and the run fails if that count differs from the plan;
* the logical batch is split into physical micro-batches whose clipped per-example
  gradients accumulate before one noisy step (what BatchMemoryManager does);
* an empty Poisson batch still takes a noisy step, as the analysis assumes (Opacus'
  optimizer would otherwise step without noise and without accounting);
* Gaussian noise comes from :class:`~dp_instructions.privacy.noise.NoiseSource`
  (``os.urandom``), not torch's predictable generator;
* state is checkpointed at step boundaries (LoRA weights, optimizer, accountant, sampler
  generator), so an interrupted run resumes where it stopped and the accountant's
  history carries on without counting a step twice.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from opacus import GradSampleModule
from opacus.accountants import PRVAccountant
from opacus.optimizers import DPOptimizer
from opacus.optimizers.optimizer import _check_processed_flag, _mark_as_processed
from peft import LoraConfig, PeftModel, get_peft_model, get_peft_model_state_dict, set_peft_model_state_dict
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError
from dp_instructions.models.text_data import encode_instructions, sequence_loss
from dp_instructions.privacy.noise import NoiseSource

log = logging.getLogger(__name__)

#: Attention projections per architecture (``config.model_type``), as in the paper.
LORA_TARGETS: dict[str, list[str]] = {
    "gpt2": ["attn.c_attn", "attn.c_proj"],
    "gpt_neox": ["attention.query_key_value", "attention.dense"],
    "llama": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "mistral": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "qwen2": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "gemma": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "opt": ["q_proj", "k_proj", "v_proj", "out_proj"],
    "phi": ["q_proj", "k_proj", "v_proj", "dense"],
}


class PerExampleGradientError(DPInstructionsError):
    """A trainable parameter received no per-example gradient: clipping would not bound
    its contribution, so the DP guarantee would not hold."""


@dataclass(frozen=True)
class DPFineTuneConfig:
    expected_batch_size: int = 512
    physical_batch_size: int = 64
    learning_rate: float = 2e-3
    max_grad_norm: float = 0.5
    max_length: int = 64
    lora_rank: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.0
    target_modules: list[str] | None = None
    seed: int = 0
    dp: bool = True
    checkpoint_every: int = 10

    def __post_init__(self) -> None:
        p = "dp_generation.training"
        for name in ("expected_batch_size", "physical_batch_size", "max_length", "lora_rank", "checkpoint_every"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidInputError(f"parameter `{p}.{name}` must be a positive int, got {v!r}")
        for name in ("learning_rate", "max_grad_norm"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise InvalidInputError(f"parameter `{p}.{name}` must be a positive number, got {v!r}")


@dataclass
class TrainingResult:
    steps: int
    sampling_rate: float
    noise_multiplier: float
    opacus_epsilon: float | None
    examples_seen: int
    tokens: int
    seconds: float
    first_loss: float
    last_loss: float
    resumed_from_step: int
    per_step_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def lora_targets(model: PreTrainedModel, override: list[str] | None) -> list[str]:
    if override:
        return list(override)
    model_type = getattr(model.config, "model_type", "")
    if model_type not in LORA_TARGETS:
        raise InvalidInputError(
            f"no default LoRA target modules for model type {model_type!r}; set "
            f"`dp_generation.training.target_modules` (known: {sorted(LORA_TARGETS)})"
        )
    return LORA_TARGETS[model_type]


def add_lora(model: PreTrainedModel, config: DPFineTuneConfig) -> PeftModel:
    """Freeze the base model and attach rank-r LoRA adapters to its attention projections."""
    torch.manual_seed(config.seed)
    lora = LoraConfig(
        r=config.lora_rank,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=lora_targets(model, config.target_modules),
        fan_in_fan_out=getattr(model.config, "model_type", "") == "gpt2",
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)


class SecureNoiseDPOptimizer(DPOptimizer):
    """Opacus' DP optimizer with the Gaussian noise drawn from a :class:`NoiseSource`."""

    def __init__(self, *args: Any, noise_source: NoiseSource, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.noise_source = noise_source

    def add_noise(self) -> None:
        std = self.noise_multiplier * self.max_grad_norm
        for p in self.params:
            _check_processed_flag(p.summed_grad)
            noise = self.noise_source.normal(tuple(p.summed_grad.shape), std, dtype=np.float32)
            p.grad = (p.summed_grad + torch.from_numpy(noise).to(p.summed_grad)).view_as(p)
            _mark_as_processed(p.summed_grad)


def poisson_batch(n: int, q: float, generator: torch.Generator) -> torch.Tensor:
    """Indices of a Poisson sample: each of `n` examples independently with probability q."""
    return torch.nonzero(torch.rand(n, generator=generator) < q, as_tuple=False).flatten()


def _check_per_example_gradients(model: torch.nn.Module) -> None:
    missing = [
        name for name, p in model.named_parameters() if p.requires_grad and getattr(p, "grad_sample", None) is None
    ]
    if missing:
        raise PerExampleGradientError(
            f"{len(missing)} trainable parameter(s) got no per-example gradient, e.g. {missing[:3]}; "
            "their updates would escape clipping. Freeze them or use a layer Opacus supports."
        )


def _lora_snapshot(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


def _save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)  # atomic: a crash leaves the previous checkpoint intact


def train_lora(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    config: DPFineTuneConfig,
    *,
    sampling_rate: float,
    steps: int,
    noise_multiplier: float,
    noise_source: NoiseSource,
    checkpoint_path: Path | None = None,
    run_identity: str = "",
    device: torch.device | None = None,
) -> tuple[PeftModel, TrainingResult]:
    """Fine-tune LoRA adapters for exactly `steps` Poisson-sampled logical steps.

    With ``config.dp`` the update is DP-Adam (per-example clipping to
    ``max_grad_norm``, Gaussian noise ``noise_multiplier * max_grad_norm``); without it
    (the non-private control for the memorisation audit) it is plain Adam on the same
    batches. `run_identity` ties a checkpoint to its data and plan: a checkpoint made
    for anything else is ignored.
    """
    if not texts:
        raise InvalidInputError("dataset `instructions_train` is empty: nothing to fine-tune on")
    if not 0 < sampling_rate <= 1:
        raise InvalidInputError(f"sampling rate must be in (0, 1], got {sampling_rate}")
    device = device or next(model.parameters()).device
    ids, mask = encode_instructions(tokenizer, texts, config.max_length)
    n = len(ids)
    peft_model = add_lora(model, config).to(device)
    peft_model.train()
    trainable = [p for p in peft_model.parameters() if p.requires_grad]
    base_optimizer = torch.optim.Adam(trainable, lr=config.learning_rate)
    sampler = torch.Generator().manual_seed(config.seed)
    accountant = PRVAccountant()
    if config.dp:
        module: torch.nn.Module = GradSampleModule(peft_model, loss_reduction="mean")
        optimizer: torch.optim.Optimizer = SecureNoiseDPOptimizer(
            base_optimizer,
            noise_multiplier=noise_multiplier,
            max_grad_norm=config.max_grad_norm,
            expected_batch_size=config.expected_batch_size,
            loss_reduction="mean",
            noise_source=noise_source,
        )
        optimizer.attach_step_hook(accountant.get_optimizer_hook_fn(sample_rate=sampling_rate))
    else:
        module = peft_model
        optimizer = base_optimizer

    start_step = 0
    if checkpoint_path is not None and checkpoint_path.exists():
        state = torch.load(checkpoint_path, weights_only=False)
        if state.get("identity") == run_identity:
            set_peft_model_state_dict(peft_model, state["lora"])
            base_optimizer.load_state_dict(state["optimizer"])
            accountant.load_state_dict(state["accountant"])
            sampler.set_state(state["sampler"])
            start_step = int(state["step"])
            log.info("resuming DP fine-tuning at step %d of %d from %s", start_step, steps, checkpoint_path)
        else:
            log.warning("ignoring checkpoint %s: it belongs to another run or plan", checkpoint_path)

    initial = _lora_snapshot(peft_model)
    first_loss = last_loss = float("nan")
    tokens = examples = 0
    step_times: list[float] = []
    started = time.perf_counter()
    with tqdm(total=steps, initial=start_step, desc="DP fine-tuning" if config.dp else "fine-tuning (NOT private)",
              leave=False) as bar:
        for step in range(start_step, steps):
            t0 = time.perf_counter()
            batch = poisson_batch(n, sampling_rate, sampler)
            chunks = list(batch.split(config.physical_batch_size)) or [batch]  # empty batch: one empty chunk
            losses = []
            for i, chunk in enumerate(chunks):
                x, m = ids[chunk].to(device), mask[chunk].to(device)
                if len(chunk):
                    per_example = sequence_loss(module(input_ids=x, attention_mask=m).logits.float(), x, m)
                    loss = per_example.mean() if config.dp else per_example.sum() / max(1, len(batch))
                    loss.backward()
                    losses.append(per_example.detach().mean().item())
                    tokens += int(m.sum())
                elif config.dp:
                    # No example drawn: the step still adds noise (zero clipped sum).
                    for p in trainable:
                        p.grad_sample = torch.zeros((0, *p.shape), dtype=p.dtype, device=p.device)
                if config.dp:
                    if step == start_step and i == 0 and len(chunk):
                        _check_per_example_gradients(peft_model)
                    optimizer.signal_skip_step(do_skip=i < len(chunks) - 1)
                    optimizer.step()
                    optimizer.zero_grad(set_to_none=True)
            if not config.dp:
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
            examples += len(batch)
            if losses:
                last_loss = float(np.mean(losses))
                if math.isnan(first_loss):
                    first_loss = last_loss
            step_times.append(time.perf_counter() - t0)
            if checkpoint_path is not None and ((step + 1) % config.checkpoint_every == 0 or step + 1 == steps):
                _save_checkpoint(checkpoint_path, {
                    "identity": run_identity, "step": step + 1, "lora": get_peft_model_state_dict(peft_model),
                    "optimizer": base_optimizer.state_dict(), "accountant": accountant.state_dict(),
                    "sampler": sampler.get_state(),
                })
            postfix = {"loss": f"{last_loss:.3f}"}
            if config.dp and accountant.history:
                postfix["eps(1e-5)"] = f"{accountant.get_epsilon(delta=1e-5):.2f}"
            bar.set_postfix(postfix)
            bar.update()
    seconds = time.perf_counter() - started

    taken = sum(int(h[2]) for h in accountant.history) if config.dp else steps
    if config.dp and taken != steps:
        raise DPInstructionsError(
            f"the DP optimizer took {taken} noisy steps but the plan (and the ledger) says {steps}"
        )
    changed = any(not torch.equal(initial[name], p.detach()) for name, p in peft_model.named_parameters() if p.requires_grad)
    if steps > start_step and not changed:
        raise DPInstructionsError("LoRA weights did not change during fine-tuning: the adapters are not being trained")
    if isinstance(module, GradSampleModule):
        module._close()  # remove Opacus hooks; the PeftModel is used plainly from here on
    peft_model.eval()
    result = TrainingResult(
        steps=steps,
        sampling_rate=sampling_rate,
        noise_multiplier=noise_multiplier if config.dp else 0.0,
        opacus_epsilon=None,
        examples_seen=examples,
        tokens=tokens,
        seconds=seconds,
        first_loss=first_loss,
        last_loss=last_loss,
        resumed_from_step=start_step,
        per_step_seconds=float(np.median(step_times)) if step_times else 0.0,
        extra={"tokens_per_second": tokens / seconds if seconds else 0.0},
    )
    return peft_model, result
