"""DP-LoRA fine-tuning with Opacus (paper, Algorithm 1), in one process or several.

The loop is written out rather than delegated to ``PrivacyEngine.make_private`` so that
accounting matches the sampler exactly:

* each logical step draws a Poisson batch (every example independently with probability
  ``q``), for exactly the ``steps`` the privacy module planned; the ledger is charged for
  the steps the optimizer really took (counted by the accountant hook), and the run fails
  if that count differs from the plan;
* who is in a batch must stay secret too: amplification by subsampling assumes the
  adversary cannot tell whether a given record was drawn. With a private
  :class:`~dp_instructions.privacy.noise.NoiseSource` the inclusion coins come from
  ``os.urandom``; a fixed (test, not private) source uses a seeded torch generator, so
  such runs replay exactly;
* the logical batch is split into physical micro-batches whose clipped per-example
  gradients accumulate before one noisy step (what BatchMemoryManager does);
* an empty Poisson batch still takes a noisy step, as the analysis assumes (Opacus'
  optimizer would otherwise step without noise and without accounting);
* Gaussian noise comes from the :class:`NoiseSource`, not torch's predictable generator;
* state is checkpointed at step boundaries (LoRA weights, optimizer, accountant, sampler
  generators), so an interrupted run resumes where it stopped and the accountant's
  history carries on without counting a step twice.

Several processes (:func:`train_lora_distributed`, launched by ``torchrun`` or by
:func:`dp_instructions.models.distributed.train_lora_multiprocess`): rank ``r`` of ``W``
owns the fixed shard ``r, r+W, r+2W, ...`` and Poisson-samples it with the same ``q``
and its own coins. Every record lives in exactly one shard and is drawn independently, so
the union of the local batches *is* a Poisson sample of the whole dataset at rate ``q``:
the same mechanism, and the same accounting, as one process. Each rank clips its own
examples; rank 0 alone adds the noise (from its NoiseSource); the noisy sum is
all-reduced, so every replica applies the same update. Every rank takes every step, even
with an empty local batch, because the all-reduce needs all of them.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from opacus import GradSampleModule
from opacus.accountants import PRVAccountant
from opacus.optimizers import DistributedDPOptimizer, DPOptimizer
from opacus.optimizers.optimizer import _check_processed_flag, _mark_as_processed
from peft import LoraConfig, PeftModel, get_peft_model, get_peft_model_state_dict, set_peft_model_state_dict
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError
from dp_instructions.models.text_data import encode_instructions, sequence_loss
from dp_instructions.privacy.noise import NoiseSource, secure_uniform

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

#: The progress bar's running epsilon costs a PRV computation (0.2-0.4 s); once per step
#: it dominated small models' step time, so it is refreshed at most this often.
EPSILON_REFRESH_SECONDS = 30.0


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


class NoiseDraws:
    """Successive steps' Gaussian noise for a fixed set of parameter shapes, one flat
    draw per step (one CSPRNG read instead of one per LoRA tensor).

    With `prefetch`, the next step's draw runs in a background thread as soon as the
    current one is taken, so it overlaps the next step's forward and backward passes:
    on a GPU the host is mostly idle then, and the secure source costs ~80 ns of CPU per
    number (35 ms per step for a 100M GPT-2's LoRA, most of a small GPU step). Privacy
    is unchanged: each draw is used exactly once, for one step, and the one drawn ahead
    for a step that never comes is discarded unreleased. Draws stay in order, one at a
    time, so a fixed source gives the same sequence either way.
    """

    def __init__(self, source: NoiseSource, shapes: Sequence[torch.Size], *, prefetch: bool = False):
        self.source = source
        self.shapes = [torch.Size(s) for s in shapes]
        self.numel = sum(s.numel() for s in self.shapes)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="dp-noise") if prefetch else None
        self._next: Future | None = None
        self._next_std: float | None = None

    def _draw(self, std: float) -> np.ndarray:
        return self.source.normal(self.numel, std, dtype=np.float32)

    def take(self, std: float) -> list[torch.Tensor]:
        """This step's noise of standard deviation `std`, one CPU tensor per shape."""
        if self._next is not None and self._next_std == std:
            flat = self._next.result()
        else:  # first step, no prefetching, or the noise level changed: draw now
            if self._next is not None:
                self._next.result()  # keep draws sequential; this one is discarded unreleased
            flat = self._draw(std)
        if self._pool is not None:
            self._next, self._next_std = self._pool.submit(self._draw, std), std
        parts = torch.from_numpy(flat).split([s.numel() for s in self.shapes])
        return [part.view(shape) for part, shape in zip(parts, self.shapes)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._next = None, None


def _add_secure_noise(optimizer: DPOptimizer, draws: NoiseDraws) -> None:
    std = optimizer.noise_multiplier * optimizer.max_grad_norm
    params = optimizer.params
    if [p.summed_grad.shape for p in params] != draws.shapes:
        raise DPInstructionsError("the DP optimizer's parameters changed shape after its noise was planned")
    noise = draws.take(std)
    if params and params[0].summed_grad.device.type != "cpu":
        # One host-to-device copy for all tensors instead of one per LoRA tensor.
        flat = torch.cat([z.reshape(-1) for z in noise]).to(params[0].summed_grad.device)
        noise = [part.view(z.shape) for part, z in zip(flat.split([z.numel() for z in noise]), noise)]
    for p, z in zip(params, noise):
        _check_processed_flag(p.summed_grad)
        p.grad = (p.summed_grad + z.view_as(p.summed_grad).to(p.summed_grad)).view_as(p)
        _mark_as_processed(p.summed_grad)


class SecureNoiseDPOptimizer(DPOptimizer):
    """Opacus' DP optimizer with the Gaussian noise drawn from a :class:`NoiseSource`
    (``prefetch_noise``: see :class:`NoiseDraws`; call :meth:`close` when done)."""

    def __init__(self, *args: Any, noise_source: NoiseSource, prefetch_noise: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.noise_source = noise_source
        self.noise_draws = NoiseDraws(noise_source, [p.shape for p in self.params], prefetch=prefetch_noise)

    def add_noise(self) -> None:
        _add_secure_noise(self, self.noise_draws)

    def close(self) -> None:
        self.noise_draws.close()


class DistributedSecureNoiseDPOptimizer(DistributedDPOptimizer):
    """Opacus' distributed DP optimizer with rank 0's noise drawn from a NoiseSource.

    Each rank holds the clipped sum of its own examples; rank 0 adds one draw of noise
    and the all-reduce sums everything, so the update carries the noise of a single
    Gaussian mechanism on the union batch, not ``world_size`` of them. Pass the *local*
    expected batch size (``expected_batch_size / world_size``): Opacus scales by it and
    the mean all-reduce divides by ``world_size`` again, which together divide the noisy
    global sum by the global expected batch size, as in one process.
    """

    def __init__(self, *args: Any, noise_source: NoiseSource, prefetch_noise: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.noise_source = noise_source
        # Only rank 0 draws; the other ranks never touch the source.
        self.noise_draws = NoiseDraws(noise_source, [p.shape for p in self.params],
                                      prefetch=prefetch_noise and self.rank == 0)

    def add_noise(self) -> None:
        if self.rank == 0:
            _add_secure_noise(self, self.noise_draws)
            return
        for p in self.params:
            _check_processed_flag(p.summed_grad)
            p.grad = p.summed_grad.view_as(p)
            _mark_as_processed(p.summed_grad)

    def reduce_gradients(self) -> None:
        # One flat all-reduce instead of one per LoRA tensor (hundreds on a large model).
        _all_reduce_flat([p.grad for p in self.params if p.requires_grad], self.world_size
                         if self.loss_reduction == "mean" else 1)

    def close(self) -> None:
        self.noise_draws.close()


def _all_reduce_flat(tensors: list[torch.Tensor], divide_by: int = 1) -> None:
    if not tensors:
        return
    flat = torch.cat([t.reshape(-1) for t in tensors])
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    if divide_by != 1:
        flat /= divide_by
    offset = 0
    for t in tensors:
        t.copy_(flat[offset : offset + t.numel()].view_as(t))
        offset += t.numel()


def poisson_batch(n: int, q: float, generator: torch.Generator) -> torch.Tensor:
    """Indices of a Poisson sample: each of `n` examples independently with probability q."""
    return torch.nonzero(torch.rand(n, generator=generator) < q, as_tuple=False).flatten()


def secure_poisson_batch(n: int, q: float) -> torch.Tensor:
    """:func:`poisson_batch` with the inclusion coins from ``os.urandom`` (unpredictable)."""
    return torch.from_numpy(np.flatnonzero(secure_uniform(n) < q))


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


def rank_seed(seed: int, rank: int, world_size: int, start_step: int = 0) -> int:
    """Seed of a rank's (non-private, replayable) sampler. One process keeps ``seed``
    itself; with several, each rank needs its own stream: shared coins would draw the
    i-th record of every shard together, and the union would no longer be a Poisson
    sample (records would not be drawn independently)."""
    if world_size == 1 and start_step == 0:
        return seed
    return int(np.random.SeedSequence([seed, world_size, rank, start_step]).generate_state(1, dtype=np.uint64)[0])


class _ShardSampler:
    """Poisson batches of one rank's shard, as indices into that shard."""

    def __init__(self, n: int, q: float, seed: int | None):
        self.n, self.q = n, q
        self.generator = None if seed is None else torch.Generator().manual_seed(seed)

    @property
    def secure(self) -> bool:
        return self.generator is None

    def draw(self) -> torch.Tensor:
        if self.generator is None:
            return secure_poisson_batch(self.n, self.q)
        return poisson_batch(self.n, self.q, self.generator)


@dataclass(frozen=True)
class _Group:
    """This process's place in the run; ``world_size`` 1 needs no process group."""

    rank: int
    world_size: int
    device: torch.device  # where collective tensors live (CUDA for NCCL)

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    def sum(self, values: torch.Tensor) -> torch.Tensor:
        if self.distributed:
            dist.all_reduce(values, op=dist.ReduceOp.SUM)
        return values

    def agree(self, values: torch.Tensor) -> bool:
        """Whether every rank holds bitwise the same ``values``."""
        if not self.distributed:
            return True
        low, high = values.clone(), values.clone()
        dist.all_reduce(low, op=dist.ReduceOp.MIN)
        dist.all_reduce(high, op=dist.ReduceOp.MAX)
        return bool(torch.equal(low, high))

    def gather(self, obj: Any) -> list[Any]:
        if not self.distributed:
            return [obj]
        out: list[Any] = [None] * self.world_size
        dist.all_gather_object(out, obj)
        return out

    def from_rank0(self, obj: Any) -> Any:
        if not self.distributed:
            return obj
        box = [obj]
        dist.broadcast_object_list(box, src=0)
        return box[0]


def _fingerprint(tensors: Sequence[torch.Tensor], device: torch.device) -> torch.Tensor:
    """Per tensor, the float64 sum and L2 norm: cheap, and any divergence between replicas
    changes them (short of an exact cancellation)."""
    # vector_norm with a dtype accumulates in float64 without a float64 copy of the tensor.
    rows = [torch.stack([t.detach().sum(dtype=torch.float64),
                         torch.linalg.vector_norm(t.detach(), dtype=torch.float64)]) for t in tensors]
    return torch.stack(rows).to(device) if rows else torch.zeros((0, 2), dtype=torch.float64, device=device)


def _texts_digest(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _check_same_plan(group: _Group, plan: dict[str, Any]) -> None:
    plans = group.gather(plan)
    for rank, other in enumerate(plans):
        wrong = sorted(k for k in plan if other.get(k) != plans[0].get(k))
        if wrong:
            raise InvalidInputError(
                f"rank {rank} was started with a different {', '.join(f'`{k}`' for k in wrong)} than rank 0 "
                f"({', '.join(f'{k}={other.get(k)!r} vs {plans[0].get(k)!r}' for k in wrong)}); every process "
                "of a distributed run must get the same data, plan and configuration"
            )


def _validate(texts: Sequence[str], sampling_rate: float, steps: int, noise_multiplier: float, config: DPFineTuneConfig,
              world_size: int) -> None:
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
    return _train(model, tokenizer, texts, config, sampling_rate=sampling_rate, steps=steps,
                  noise_multiplier=noise_multiplier, noise_source=noise_source, checkpoint_path=checkpoint_path,
                  run_identity=run_identity, device=device, group=_Group(0, 1, device))


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
            "(run it under torchrun, or use dp_instructions.models.distributed.train_lora_multiprocess)"
        )
    device = device or next(model.parameters()).device
    # NCCL reduces CUDA tensors only; gloo, CPU tensors.
    nccl = dist.get_backend() == "nccl"
    comm_device = torch.device("cuda", torch.cuda.current_device()) if nccl else torch.device("cpu")
    group = _Group(dist.get_rank(), dist.get_world_size(), comm_device)
    return _train(model, tokenizer, texts, config, sampling_rate=sampling_rate, steps=steps,
                  noise_multiplier=noise_multiplier, noise_source=noise_source, checkpoint_path=checkpoint_path,
                  run_identity=run_identity, device=device, group=group)


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
    group: _Group,
) -> tuple[PeftModel, TrainingResult]:
    rank, world = group.rank, group.world_size
    _validate(texts, sampling_rate, steps, noise_multiplier, config, world)
    # Private noise implies secret coins; the non-private control and fixed (test)
    # sources replay from a seed.
    secure_sampling = config.dp and noise_source.private
    if group.distributed:
        _check_same_plan(group, {
            "texts": (len(texts), _texts_digest(texts)), "sampling_rate": sampling_rate, "steps": int(steps),
            "noise_multiplier": noise_multiplier, "config": asdict(config), "noise_private": noise_source.private,
            "run_identity": run_identity, "checkpointing": checkpoint_path is not None,
        })
        if not group.agree(_fingerprint([p for _, p in sorted(model.named_parameters())], group.device)):
            raise InvalidInputError(
                "the base model differs between ranks: every process of a distributed run must load the same weights"
            )
    shard = texts if world == 1 else [texts[i] for i in range(rank, len(texts), world)]
    ids, mask = encode_instructions(tokenizer, shard, config.max_length)
    peft_model = add_lora(model, config).to(device)
    peft_model.train()
    trainable = [p for p in peft_model.parameters() if p.requires_grad]
    if group.distributed:
        with torch.no_grad():  # add_lora seeds its init, but replicas must start identical for sure
            for p in trainable:
                dist.broadcast(p.data, src=0)
    base_optimizer = torch.optim.Adam(trainable, lr=config.learning_rate)
    sampler = _ShardSampler(len(ids), sampling_rate, None if secure_sampling else rank_seed(config.seed, rank, world))
    accountant = PRVAccountant()
    if config.dp:
        module: torch.nn.Module = GradSampleModule(peft_model, loss_reduction="mean")
        dp_kwargs = dict(noise_multiplier=noise_multiplier, max_grad_norm=config.max_grad_norm,
                         loss_reduction="mean", noise_source=noise_source,
                         # On a CPU the cores are busy computing: a noise thread would only compete.
                         prefetch_noise=device.type == "cuda")
        if group.distributed:
            optimizer: torch.optim.Optimizer = DistributedSecureNoiseDPOptimizer(
                base_optimizer, expected_batch_size=config.expected_batch_size / world, **dp_kwargs)
        else:
            optimizer = SecureNoiseDPOptimizer(base_optimizer, expected_batch_size=config.expected_batch_size,
                                               **dp_kwargs)
        optimizer.attach_step_hook(accountant.get_optimizer_hook_fn(sample_rate=sampling_rate))
    else:
        module = peft_model
        optimizer = base_optimizer

    start_step = 0
    if checkpoint_path is not None:
        # Rank 0 reads and broadcasts: other nodes of a multi-node run need not share its disk.
        state = torch.load(checkpoint_path, weights_only=False, map_location="cpu") if (
            rank == 0 and checkpoint_path.exists()) else None
        state = group.from_rank0(state)
        if state is not None and state.get("identity") == run_identity:
            set_peft_model_state_dict(peft_model, state["lora"])
            base_optimizer.load_state_dict(state["optimizer"])
            accountant.load_state_dict(state["accountant"])
            start_step = int(state["step"])
            samplers = state.get("samplers")
            if not sampler.secure:
                if state.get("world_size") == world and samplers and samplers[rank] is not None:
                    sampler.generator.set_state(samplers[rank])
                else:
                    # Another world size shards differently; fresh (still independent) coins are as valid.
                    sampler.generator.manual_seed(rank_seed(config.seed, rank, world, start_step))
            if rank == 0:
                log.info("resuming DP fine-tuning at step %d of %d from %s", start_step, steps, checkpoint_path)
        elif state is not None and rank == 0:
            log.warning("ignoring checkpoint %s: it belongs to another run or plan", checkpoint_path)

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
                chunks = list(batch.split(config.physical_batch_size)) or [batch]  # empty batch: one empty chunk
                if not config.dp:
                    # Plain Adam on the same batch: mean over the *global* batch that was drawn.
                    global_count = len(batch) if not group.distributed else int(
                        group.sum(torch.tensor([len(batch)], dtype=torch.float64, device=group.device)).item())
                loss_sum = torch.zeros((), dtype=torch.float64, device=device)
                step_tokens = 0
                for i, chunk in enumerate(chunks):
                    if len(chunk):
                        x, m = ids[chunk].to(device), mask[chunk].to(device)
                        per_example = sequence_loss(module(input_ids=x, attention_mask=m).logits.float(), x, m)
                        loss = per_example.mean() if config.dp else per_example.sum() / max(1, global_count)
                        loss.backward()
                        loss_sum += per_example.detach().sum()
                        step_tokens += int(mask[chunk].sum())
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
                        _all_reduce_flat([p.grad for p in trainable])
                    optimizer.step()
                    optimizer.zero_grad(set_to_none=True)
                stats = torch.stack([loss_sum.to(group.device),
                                     torch.tensor(float(len(batch)), dtype=torch.float64, device=group.device),
                                     torch.tensor(float(step_tokens), dtype=torch.float64, device=group.device)])
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
                    # Every rank takes part in the gather; only rank 0 touches the disk.
                    samplers = group.gather(None if sampler.secure else sampler.generator.get_state())
                    if rank == 0:
                        _save_checkpoint(checkpoint_path, {
                            "identity": run_identity, "step": step + 1, "world_size": world,
                            "lora": get_peft_model_state_dict(peft_model), "optimizer": base_optimizer.state_dict(),
                            "accountant": accountant.state_dict(), "samplers": samplers,
                        })
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
    if group.distributed and not group.agree(_fingerprint(trainable, group.device)):
        raise DPInstructionsError(
            "the LoRA replicas diverged across ranks although every rank applied the same all-reduced update; "
            "the result is not a single model (check that all ranks run the same torch/opacus versions)"
        )
    changed = any(not torch.equal(initial[name], p.detach())
                  for name, p in peft_model.named_parameters() if p.requires_grad)
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
