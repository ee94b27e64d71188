"""The DP-LoRA fine-tuning loop (paper, Algorithm 1), in one process or several.

The loop is written out rather than delegated to ``PrivacyEngine.make_private`` so that
accounting matches the sampler exactly:

* each logical step draws a Poisson batch (:mod:`.poisson`), for exactly the ``steps``
  the plan (:mod:`.plan`) says; the ledger is charged for the plan, the accountant hook
  counts the steps the optimizer really took, and the run fails if the two differ;
* the logical batch is split into physical micro-batches whose clipped per-example
  gradients accumulate before one noisy step (what BatchMemoryManager does);
* an empty Poisson batch still takes a noisy step, as the analysis assumes (Opacus'
  optimizer would otherwise step without noise and without accounting);
* Gaussian noise comes from the :class:`~dp_instructions.privacy.noise.NoiseSource`
  (:mod:`.optimizers`), not torch's predictable generator;
* state is checkpointed at step boundaries and restored on resume (:mod:`.checkpoint`).

Several processes (:func:`train_lora_distributed`, launched by ``torchrun`` or by
:func:`dp_instructions.models.dp_training.multiprocess.train_lora_multiprocess`): each
rank Poisson-samples its own shard at the global rate, so the union of the local batches
is one Poisson sample of the whole dataset: the same mechanism, and the same accounting,
as one process. Each rank clips its own examples; rank 0 alone adds the noise; the noisy
sum is all-reduced (:mod:`.process_group`), so every replica applies the same update.
Every rank takes every step, even with an empty local batch, because the all-reduce
needs all of them.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from opacus import GradSampleModule
from opacus.accountants import PRVAccountant
from peft import PeftModel
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError
from dp_instructions.models.dp_training import checkpoint, lora
from dp_instructions.models.dp_training.micro_batches import micro_batches
from dp_instructions.models.dp_training.optimizers import DistributedSecureNoiseDPOptimizer, SecureNoiseDPOptimizer
from dp_instructions.models.dp_training.poisson import ShardSampler, rank_seed
from dp_instructions.models.dp_training.process_group import (
    Group,
    all_reduce_flat,
    check_same_plan,
    replica_fingerprint,
    texts_digest,
)
from dp_instructions.models.text_data import encode_instructions, sequence_loss
from dp_instructions.privacy.noise import NoiseSource

log = logging.getLogger(__name__)

#: The progress bar's running epsilon costs a PRV computation (0.2-0.4 s); once per step
#: it dominated small models' step time, so it is refreshed at most this often.
EPSILON_REFRESH_SECONDS = 30.0


class PerExampleGradientError(DPInstructionsError):
    """A trainable parameter received no per-example gradient: clipping would not bound
    its contribution, so the DP guarantee would not hold."""


@dataclass(frozen=True)
class DPFineTuneConfig:
    """The trainer's settings. No defaults: the pipeline's live in
    :class:`~dp_instructions.models.parameters.TrainingParameters` (which builds this with
    ``finetune(seed)``), the torchrun CLI's in its argument parser."""

    expected_batch_size: int
    physical_batch_size: int
    learning_rate: float
    max_grad_norm: float
    max_length: int
    lora_rank: int
    lora_alpha: int
    lora_dropout: float
    target_modules: list[str] | None
    seed: int
    checkpoint_every: int
    dp: bool = True
    """False only for the memorisation audit's non-private control."""
    length_bucketing: bool = True
    """Group each Poisson batch's micro-batches by length and trim their padding. Execution
    only: the batch, the clipping and the noise are the same, so it is not part of a
    release's identity."""

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


def _validate(
    texts: Sequence[str],
    sampling_rate: float,
    steps: int,
    noise_multiplier: float,
    config: DPFineTuneConfig,
    world_size: int,
) -> None:
    if not texts:
        raise InvalidInputError("dataset `instructions_train` is empty: nothing to fine-tune on")
    if not 0 < sampling_rate <= 1:
        raise InvalidInputError(f"sampling rate must be in (0, 1], got {sampling_rate}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise InvalidInputError(f"`steps` must be a positive int, got {steps!r}")
    if config.dp and not (math.isfinite(noise_multiplier) and noise_multiplier > 0):
        raise InvalidInputError(f"`noise_multiplier` must be finite and > 0 for DP training, got {noise_multiplier!r}")
    if len(texts) < world_size:
        raise InvalidInputError(
            f"dataset `instructions_train` has {len(texts)} instruction(s), fewer than the {world_size} "
            "processes (`world_size`) it would be sharded over"
        )


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
    (the non-private control for the memorisation audit) it is plain Adam on Poisson
    batches of the same rate (seeded; a private run's batch coins are secret, so the two
    never draw the same batches). `run_identity` ties a checkpoint to its data and plan: a checkpoint made
    for anything else is ignored. Several processes: :func:`train_lora_distributed`.
    """
    device = device or next(model.parameters()).device
    return _train(
        model,
        tokenizer,
        texts,
        config,
        sampling_rate=sampling_rate,
        steps=steps,
        noise_multiplier=noise_multiplier,
        noise_source=noise_source,
        checkpoint_path=checkpoint_path,
        run_identity=run_identity,
        device=device,
        group=Group(0, 1, device),
    )


def train_lora_distributed(
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
    """:func:`train_lora` on one rank of an initialised ``torch.distributed`` process group
    (what ``torchrun`` starts; see :mod:`dp_instructions.models.distributed_train`).

    Every rank calls it with the same base model, *all* the texts, the same plan and
    config; it shards the texts itself. `sampling_rate` is the rate over the whole
    dataset and ``config.expected_batch_size`` the global expected batch, exactly as for
    one process, so the plan and the ledger do not depend on the number of processes.
    Only rank 0 draws noise (from `noise_source`) and writes `checkpoint_path`; every rank
    returns the same trained model and the run's :class:`TrainingResult`. On GPUs, set
    the rank's device (``torch.cuda.set_device``) before calling.
    """
    if not dist.is_available() or not dist.is_initialized():
        raise DPInstructionsError(
            "train_lora_distributed needs an initialised torch.distributed process group "
            "(run it under torchrun, or use dp_instructions.models.dp_training.multiprocess.train_lora_multiprocess)"
        )
    device = device or next(model.parameters()).device
    # NCCL reduces CUDA tensors only; gloo, CPU tensors.
    nccl = dist.get_backend() == "nccl"
    comm_device = torch.device("cuda", torch.cuda.current_device()) if nccl else torch.device("cpu")
    group = Group(dist.get_rank(), dist.get_world_size(), comm_device)
    return _train(
        model,
        tokenizer,
        texts,
        config,
        sampling_rate=sampling_rate,
        steps=steps,
        noise_multiplier=noise_multiplier,
        noise_source=noise_source,
        checkpoint_path=checkpoint_path,
        run_identity=run_identity,
        device=device,
        group=group,
    )


def _train(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    config: DPFineTuneConfig,
    *,
    sampling_rate: float,
    steps: int,
    noise_multiplier: float,
    noise_source: NoiseSource,
    checkpoint_path: Path | None,
    run_identity: str,
    device: torch.device,
    group: Group,
) -> tuple[PeftModel, TrainingResult]:
    rank, world = group.rank, group.world_size
    _validate(texts, sampling_rate, steps, noise_multiplier, config, world)
    # Private noise implies secret coins; the non-private control and fixed (test)
    # sources replay from a seed.
    secure_sampling = config.dp and noise_source.private
    if group.distributed:
        check_same_plan(
            group,
            {
                "texts": (len(texts), texts_digest(texts)),
                "sampling_rate": sampling_rate,
                "steps": int(steps),
                "noise_multiplier": noise_multiplier,
                "config": asdict(config),
                "noise_private": noise_source.private,
                "run_identity": run_identity,
                "checkpointing": checkpoint_path is not None,
            },
        )
        if not group.agree(replica_fingerprint([p for _, p in sorted(model.named_parameters())], group.device)):
            raise InvalidInputError(
                "the base model differs between ranks: every process of a distributed run must load the same weights"
            )
    shard = texts if world == 1 else [texts[i] for i in range(rank, len(texts), world)]
    ids, mask = encode_instructions(tokenizer, shard, config.max_length)
    lengths, width = mask.sum(dim=1), ids.size(1)
    peft_model = lora.add_lora(model, config).to(device)
    peft_model.train()
    trainable = [p for p in peft_model.parameters() if p.requires_grad]
    if group.distributed:
        with torch.no_grad():  # add_lora seeds its init, but replicas must start identical for sure
            for p in trainable:
                dist.broadcast(p.data, src=0)
    base_optimizer = torch.optim.Adam(trainable, lr=config.learning_rate)
    sampler = ShardSampler(len(ids), sampling_rate, None if secure_sampling else rank_seed(config.seed, rank, world))
    accountant = PRVAccountant()
    if config.dp:
        module: torch.nn.Module = GradSampleModule(peft_model, loss_reduction="mean")
        dp_kwargs = dict(
            noise_multiplier=noise_multiplier,
            max_grad_norm=config.max_grad_norm,
            loss_reduction="mean",
            noise_source=noise_source,
            # On a CPU the cores are busy computing: a noise thread would only compete.
            prefetch_noise=device.type == "cuda",
        )
        if group.distributed:
            optimizer: torch.optim.Optimizer = DistributedSecureNoiseDPOptimizer(
                base_optimizer, expected_batch_size=config.expected_batch_size / world, **dp_kwargs
            )
        else:
            optimizer = SecureNoiseDPOptimizer(
                base_optimizer, expected_batch_size=config.expected_batch_size, **dp_kwargs
            )
        optimizer.attach_step_hook(accountant.get_optimizer_hook_fn(sample_rate=sampling_rate))
    else:
        module = peft_model
        optimizer = base_optimizer

    start_step = 0
    if checkpoint_path is not None:
        start_step = checkpoint.restore(
            checkpoint_path,
            group=group,
            identity=run_identity,
            steps=steps,
            seed=config.seed,
            peft_model=peft_model,
            optimizer=base_optimizer,
            accountant=accountant,
            sampler=sampler,
        )

    initial = _lora_snapshot(peft_model)
    first_loss = last_loss = float("nan")
    tokens = examples = 0
    step_times: list[float] = []
    step_cpu: list[float] = []  # process CPU time: robust to other load on a shared machine
    eps_shown_at = time.perf_counter()  # first figure after EPSILON_REFRESH_SECONDS
    postfix: dict[str, str] = {}
    started = time.perf_counter()
    desc = "DP fine-tuning" if config.dp else "fine-tuning (NOT private)"
    if world > 1:
        desc += f" on {world} processes"
    try:
        with tqdm(total=steps, initial=start_step, desc=desc, leave=False, disable=rank != 0) as bar:
            for step in range(start_step, steps):
                t0, c0 = time.perf_counter(), time.process_time()
                batch = sampler.draw()
                chunks = micro_batches(batch, lengths, config.physical_batch_size, width, config.length_bucketing)
                if not config.dp:
                    # Plain Adam on the same batch: mean over the *global* batch that was drawn.
                    global_count = (
                        len(batch)
                        if not group.distributed
                        else int(group.sum(torch.tensor([len(batch)], dtype=torch.float64, device=group.device)).item())
                    )
                loss_sum = torch.zeros((), dtype=torch.float64, device=device)
                step_tokens = 0
                for i, (chunk, trimmed) in enumerate(chunks):
                    if len(chunk):
                        x, m = ids[chunk, :trimmed].to(device), mask[chunk, :trimmed].to(device)
                        logits = module(input_ids=x, attention_mask=m).logits.float()
                        per_example = sequence_loss(logits, x, m, max_length=width)  # the same divisor, trimmed or not
                        loss = per_example.mean() if config.dp else per_example.sum() / max(1, global_count)
                        loss.backward()
                        loss_sum += per_example.detach().sum()
                        step_tokens += int(m.sum())
                    elif config.dp:
                        # No example drawn (here): the step still adds noise (zero clipped sum).
                        for p in trainable:
                            p.grad_sample = torch.zeros((0, *p.shape), dtype=p.dtype, device=p.device)
                    if config.dp:
                        if step == start_step and i == 0 and len(chunk):
                            _check_per_example_gradients(peft_model)
                        optimizer.signal_skip_step(do_skip=i < len(chunks) - 1)
                        optimizer.step()
                        optimizer.zero_grad(set_to_none=True)
                if not config.dp:
                    if group.distributed:
                        for p in trainable:
                            if p.grad is None:  # empty local batch
                                p.grad = torch.zeros_like(p)
                        all_reduce_flat([p.grad for p in trainable])
                    optimizer.step()
                    optimizer.zero_grad(set_to_none=True)
                stats = torch.stack(
                    [
                        loss_sum.to(group.device),
                        torch.tensor(float(len(batch)), dtype=torch.float64, device=group.device),
                        torch.tensor(float(step_tokens), dtype=torch.float64, device=group.device),
                    ]
                )
                step_loss, step_examples, step_tokens_all = group.sum(stats).tolist()
                examples += int(step_examples)
                tokens += int(step_tokens_all)
                if step_examples:
                    last_loss = step_loss / step_examples
                    if math.isnan(first_loss):
                        first_loss = last_loss
                step_times.append(time.perf_counter() - t0)
                step_cpu.append(time.process_time() - c0)
                if checkpoint_path is not None and ((step + 1) % config.checkpoint_every == 0 or step + 1 == steps):
                    checkpoint.save(
                        checkpoint_path,
                        group=group,
                        identity=run_identity,
                        step=step + 1,
                        peft_model=peft_model,
                        optimizer=base_optimizer,
                        accountant=accountant,
                        sampler=sampler,
                    )
                if rank == 0:
                    postfix["loss"] = f"{last_loss:.3f}"
                    now = time.perf_counter()
                    # Not at the last step: the bar vanishes then (leave=False); the ledger reports epsilon.
                    if config.dp and accountant.history and now - eps_shown_at >= EPSILON_REFRESH_SECONDS:
                        postfix["eps(1e-5)"] = f"{accountant.get_epsilon(delta=1e-5):.2f}"
                        eps_shown_at = time.perf_counter()
                    bar.set_postfix(postfix)
                    bar.update()
    finally:
        if isinstance(optimizer, (SecureNoiseDPOptimizer, DistributedSecureNoiseDPOptimizer)):
            optimizer.close()  # stop the noise prefetch thread, even on an error
    seconds = time.perf_counter() - started

    taken = sum(int(h[2]) for h in accountant.history) if config.dp else steps
    if config.dp and taken != steps:
        raise DPInstructionsError(
            f"the DP optimizer took {taken} noisy steps but the plan (and the ledger) says {steps}"
            + (f" (rank {rank})" if world > 1 else "")
        )
    if group.distributed and not group.agree(replica_fingerprint(trainable, group.device)):
        raise DPInstructionsError(
            "the LoRA replicas diverged across ranks although every rank applied the same all-reduced update; "
            "the result is not a single model (check that all ranks run the same torch/opacus versions)"
        )
    changed = any(
        not torch.equal(initial[name], p.detach()) for name, p in peft_model.named_parameters() if p.requires_grad
    )
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
        extra={
            "tokens_per_second": tokens / seconds if seconds else 0.0,
            "per_step_cpu_seconds": float(np.median(step_cpu)) if step_cpu else 0.0,
            "cpu_seconds": float(sum(step_cpu)),
            "world_size": world,
            "sampler": "os.urandom (secret)" if sampler.secure else "seeded torch generator (replayable, NOT secret)",
            # What the accountant saw, step by step: [noise multiplier, sampling rate, steps].
            "accountant_history": [[float(s), float(q), int(n)] for s, q, n in accountant.history],
        },
    )
    return peft_model, result
