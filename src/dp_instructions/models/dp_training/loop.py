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
from typing import Any, Literal

import numpy as np
import torch
import torch.distributed as dist
from opacus import GradSampleModule
from opacus.accountants import PRVAccountant
from opacus.grad_sample import GradSampleModuleFastGradientClipping
from opacus.utils.fast_gradient_clipping_utils import DPTensorFastGradientClipping
from peft import PeftModel
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError
from dp_instructions.faults import failpoint
from dp_instructions.models.device import Precision, training_dtype
from dp_instructions.models.dp_training import checkpoint, lora
from dp_instructions.models.dp_training.micro_batches import micro_batches
from dp_instructions.models.dp_training.optimizers import SECURE_NOISE_OPTIMIZERS, dp_optimizer
from dp_instructions.models.dp_training.physical_batch import PhysicalBatch, resolve_physical_batch
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


GradSampleMode = Literal["hooks", "ghost"]


@dataclass(frozen=True)
class DPFineTuneConfig:
    """The trainer's settings. No defaults: the pipeline's live in
    :class:`~dp_instructions.models.parameters.TrainingParameters` (which builds this with
    ``finetune(seed)``), the torchrun CLI's in its argument parser."""

    expected_batch_size: int
    physical_batch_size: PhysicalBatch
    """Rows per forward/backward pass, or ``auto`` (:mod:`.physical_batch`). Execution only."""
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

    grad_sample_mode: GradSampleMode = "hooks"
    """How per-example gradients are clipped: ``hooks`` materialises each example's gradient
    (Opacus' default); ``ghost`` computes only their norms, then a second backward pass of
    the loss reweighted by the clipping factors (Opacus' fast gradient clipping: less
    memory for large layers, two backward passes). The same clipped sum, so execution only."""
    precision: Precision = "auto"
    """The frozen base model's dtype: ``auto`` = bf16 on GPUs that support it, else fp32.
    The LoRA adapters, their gradients, the clipping, the noise and Adam stay fp32.
    Execution only: the same mechanism (clipping bounds every example in either)."""

    def __post_init__(self) -> None:
        p = "dp_generation.training"
        if self.physical_batch_size != "auto" and (
            isinstance(self.physical_batch_size, bool)
            or not isinstance(self.physical_batch_size, int)
            or self.physical_batch_size < 1
        ):
            raise InvalidInputError(
                f"parameter `{p}.physical_batch_size` must be a positive int or 'auto', got {self.physical_batch_size!r}"
            )
        if self.grad_sample_mode not in ("hooks", "ghost"):
            raise InvalidInputError(
                f"parameter `{p}.grad_sample_mode` must be 'hooks' or 'ghost', got {self.grad_sample_mode!r}"
            )
        if self.precision not in ("auto", "fp32", "bf16"):
            raise InvalidInputError(
                f"parameter `{p}.precision` must be 'auto', 'fp32' or 'bf16', got {self.precision!r}"
            )
        for name in ("expected_batch_size", "max_length", "lora_rank", "checkpoint_every"):
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


def _check_per_example_gradients(model: torch.nn.Module, ghost: bool) -> None:
    attribute = "_norm_sample" if ghost else "grad_sample"
    missing = [name for name, p in model.named_parameters() if p.requires_grad and getattr(p, attribute, None) is None]
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
    dtype = training_dtype(device, config.precision)
    peft_model = lora.add_lora(model.to(dtype=dtype), config).to(device)
    for p in peft_model.parameters():
        if p.requires_grad:  # peft keeps the adapters fp32 on a bf16 base; made sure here
            p.data = p.data.float()
    peft_model.train()
    trainable = [p for p in peft_model.parameters() if p.requires_grad]
    if group.distributed:
        with torch.no_grad():  # add_lora seeds its init, but replicas must start identical for sure
            for p in trainable:
                dist.broadcast(p.data, src=0)
    base_optimizer = torch.optim.Adam(trainable, lr=config.learning_rate)
    sampler = ShardSampler(len(ids), sampling_rate, None if secure_sampling else rank_seed(config.seed, rank, world))
    accountant = PRVAccountant()
    ghost = config.dp and config.grad_sample_mode == "ghost"
    if config.dp:
        module: torch.nn.Module = (
            GradSampleModuleFastGradientClipping(
                peft_model, loss_reduction="mean", max_grad_norm=config.max_grad_norm, use_ghost_clipping=True
            )
            if ghost
            else GradSampleModule(peft_model, loss_reduction="mean")
        )
        optimizer: torch.optim.Optimizer = dp_optimizer(
            base_optimizer,
            ghost=ghost,
            distributed=group.distributed,
            noise_multiplier=noise_multiplier,
            max_grad_norm=config.max_grad_norm,
            expected_batch_size=config.expected_batch_size / world,
            loss_reduction="mean",
            noise_source=noise_source,
            # On a CPU the cores are busy computing: a noise thread would only compete.
            prefetch_noise=device.type == "cuda",
        )
        optimizer.attach_step_hook(accountant.get_optimizer_hook_fn(sample_rate=sampling_rate))
    else:
        module = peft_model
        optimizer = base_optimizer

    def backward(x: torch.Tensor, m: torch.Tensor, global_count: int) -> torch.Tensor:
        """One micro-batch's forward and backward pass; its per-example losses."""
        logits = module(input_ids=x, attention_mask=m).logits.float()
        per_example = sequence_loss(logits, x, m, max_length=width)  # the same divisor, trimmed or not
        if ghost:  # norms, then the loss reweighted by the clipping factors, backward again
            DPTensorFastGradientClipping(module, optimizer, per_example, loss_reduction="mean").backward()
        elif config.dp:
            per_example.mean().backward()
        else:
            (per_example.sum() / max(1, global_count)).backward()
        return per_example.detach()

    def probe_pass(rows: int) -> None:
        """The pass at ``rows`` rows of dummy tokens at the full length (never private data),
        its gradients discarded: no step, no noise, no accounting."""
        x = torch.randint(0, int(peft_model.config.vocab_size), (rows, config.max_length), device=device)
        backward(x, torch.ones_like(x), rows)
        optimizer.zero_grad(set_to_none=True)
        del x

    physical_batch = resolve_physical_batch(
        config.physical_batch_size,
        device=device,
        expected_batch_size=config.expected_batch_size / world,
        run_pass=probe_pass,
    )

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
                chunks = micro_batches(batch, lengths, physical_batch, width, config.length_bucketing)
                if not config.dp:
                    # Plain Adam on the same batch: mean over the *global* batch that was drawn.
                    global_count: int = (
                        len(batch)
                        if not group.distributed
                        else int(group.sum(torch.tensor([len(batch)], dtype=torch.float64, device=group.device)).item())
                    )
                loss_sum = torch.zeros((), dtype=torch.float64, device=device)
                step_tokens = 0
                for i, (chunk, trimmed) in enumerate(chunks):
                    if len(chunk):
                        x, m = ids[chunk, :trimmed].to(device), mask[chunk, :trimmed].to(device)
                        loss_sum += backward(x, m, global_count if not config.dp else len(chunk)).sum()
                        step_tokens += int(m.sum())
                    elif config.dp:
                        # No example drawn (here): the step still adds noise (zero clipped sum).
                        for p in trainable:
                            if ghost:
                                p.grad = torch.zeros_like(p)
                            else:
                                p.grad_sample = torch.zeros((0, *p.shape), dtype=p.dtype, device=p.device)
                    if config.dp:
                        if step == start_step and i == 0 and len(chunk):
                            _check_per_example_gradients(peft_model, ghost)
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
                failpoint("dp_training.step")
    finally:
        if isinstance(optimizer, SECURE_NOISE_OPTIMIZERS):
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
    if isinstance(module, (GradSampleModule, GradSampleModuleFastGradientClipping)):
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
            "physical_batch_size": physical_batch,
            "grad_sample_mode": config.grad_sample_mode if config.dp else "none",
            "base_dtype": str(dtype).removeprefix("torch."),
            "sampler": "os.urandom (secret)" if sampler.secure else "seeded torch generator (replayable, NOT secret)",
            # What the accountant saw, step by step: [noise multiplier, sampling rate, steps].
            "accountant_history": [[float(s), float(q), int(n)] for s, q, n in accountant.history],
        },
    )
    return peft_model, result
