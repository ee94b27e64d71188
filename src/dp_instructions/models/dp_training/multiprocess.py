"""Multi-process DP-LoRA training on one machine, launched from inside a Python process.

:func:`train_lora_multiprocess` is what the ``dp_generation`` node calls when
``world_size > 1``: it starts ``world_size`` worker processes (``torch.multiprocessing``;
backend NCCL with one GPU per worker on CUDA, gloo on the CPU), each of which joins the
process group and runs :func:`~dp_instructions.models.dp_training.loop.train_lora_distributed`,
and it returns what :func:`~dp_instructions.models.dp_training.loop.train_lora` returns: the
caller's model with the trained LoRA adapter applied, and rank 0's
:class:`~dp_instructions.models.dp_training.loop.TrainingResult`. The privacy plan is the same
as with one process (``sampling_rate`` over the whole dataset, ``steps``,
``expected_batch_size`` global), so the ledger entry does not depend on ``world_size``.

The base model and tokenizer travel to the workers through ``save_pretrained`` in a
temporary directory (not pickled tensors): that works for any causal LM and any device,
and workers load them straight onto their own GPU. Several machines: use ``torchrun``
with :mod:`dp_instructions.models.distributed_train`.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from peft import PeftModel, get_peft_model_state_dict, set_peft_model_state_dict
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.dp_training.loop import (
    DPFineTuneConfig,
    TrainingResult,
    train_lora,
    train_lora_distributed,
)
from dp_instructions.models.dp_training.lora import add_lora
from dp_instructions.models.local_workers import record_worker_error, run_workers, worker_device
from dp_instructions.privacy.noise import NoiseSource

log = logging.getLogger(__name__)

__all__ = ["default_backend", "train_lora_multiprocess"]

_RESULT = "result.pt"


def default_backend(device_type: str) -> str:
    """NCCL between GPUs, gloo between CPU processes (NCCL cannot reduce CPU tensors)."""
    return "nccl" if device_type == "cuda" else "gloo"


def _worker(
    rank: int,
    world_size: int,
    backend: str,
    device_type: str,
    workdir: str,
    texts: Sequence[str],
    config: DPFineTuneConfig,
    plan: dict[str, Any],
    noise_source: NoiseSource,
    checkpoint_path: Path | None,
    run_identity: str,
    model_dtype: torch.dtype,
) -> None:
    work = Path(workdir)
    try:
        device = worker_device(rank, world_size, device_type)
        # A file rendezvous in the private temp dir: no port to pick, nothing exposed on the network.
        dist.init_process_group(backend, init_method=f"file://{work / 'rendezvous'}", rank=rank, world_size=world_size)
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(work / "tokenizer"))
            model = AutoModelForCausalLM.from_pretrained(str(work / "model"), dtype=model_dtype).to(device)
            peft_model, result = train_lora_distributed(
                model,
                tokenizer,
                texts,
                config,
                noise_source=noise_source,
                checkpoint_path=checkpoint_path,
                run_identity=run_identity,
                device=device,
                **plan,
            )
            if rank == 0:
                lora = {k: v.detach().cpu() for k, v in get_peft_model_state_dict(peft_model).items()}
                torch.save({"lora": lora, "result": asdict(result)}, work / _RESULT)
            dist.barrier()  # no rank leaves (and tears the group down) while another still needs it
        finally:
            dist.destroy_process_group()
    except BaseException as exc:
        record_worker_error(work, rank, exc)
        raise


def train_lora_multiprocess(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    config: DPFineTuneConfig,
    *,
    world_size: int,
    sampling_rate: float,
    steps: int,
    noise_multiplier: float,
    noise_source: NoiseSource,
    checkpoint_path: Path | None = None,
    run_identity: str = "",
    device: torch.device | str | None = None,
    backend: str | None = None,
    start_method: str = "forkserver",
) -> tuple[PeftModel, TrainingResult]:
    """:func:`~dp_instructions.models.dp_training.loop.train_lora` on ``world_size`` processes.

    Same arguments and result as ``train_lora``, plus `world_size` (1 runs in this
    process, no workers), `backend` (default: NCCL on CUDA, gloo on the CPU) and
    `start_method` (``forkserver``, the default, or ``spawn``; both are safe with CUDA,
    ``fork`` is not offered). `device` picks the device *type*: on CUDA, worker ``r`` uses GPU
    ``r``, so ``world_size`` may not exceed the visible GPUs. The caller's `model` gets the
    trained adapter applied (as ``train_lora`` does) and is returned on its own device.
    Noise is drawn only by rank 0, from (a copy of) `noise_source`.
    """
    if isinstance(world_size, bool) or not isinstance(world_size, int) or world_size < 1:
        raise InvalidInputError(
            f"parameter `dp_generation.training.world_size` must be a positive int, got {world_size!r}"
        )
    model_device = next(model.parameters()).device
    device_type = torch.device(device).type if device is not None else model_device.type
    if world_size == 1:
        return train_lora(
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
            device=torch.device(device) if device is not None else None,
        )
    backend = backend or default_backend(device_type)
    if len(texts) < world_size:
        raise InvalidInputError(
            f"dataset `instructions_train` has {len(texts)} instruction(s), fewer than "
            f"`dp_generation.training.world_size` = {world_size} processes to shard it over"
        )
    plan = {"sampling_rate": sampling_rate, "steps": steps, "noise_multiplier": noise_multiplier}
    with tempfile.TemporaryDirectory(prefix="dp-lora-") as workdir:
        work = Path(workdir)
        model.save_pretrained(str(work / "model"))
        tokenizer.save_pretrained(str(work / "tokenizer"))
        if model_device.type == "cuda":
            # Worker 0 loads its own copy onto GPU 0; the caller's would only take its memory.
            model.to("cpu")
            torch.cuda.empty_cache()
        log.info("starting %d %s workers (backend %s) for DP-LoRA training", world_size, device_type, backend)
        try:
            run_workers(
                _worker,
                (
                    world_size,
                    backend,
                    device_type,
                    workdir,
                    list(texts),
                    config,
                    plan,
                    noise_source,
                    checkpoint_path,
                    run_identity,
                    model.dtype,
                ),
                world_size=world_size,
                device_type=device_type,
                work=work,
                start_method=start_method,
                what="DP training",
                parameter="dp_generation.training.world_size",
                preload=__name__,
            )
        finally:
            model.to(model_device)  # back where the caller had it, whatever happened
        payload = torch.load(work / _RESULT, weights_only=True)  # tensors and plain data, as checkpoints
    peft_model = add_lora(model, config)
    set_peft_model_state_dict(peft_model, payload["lora"])
    peft_model.to(model_device).eval()  # the adapter layers are created on the CPU
    return peft_model, TrainingResult(**payload["result"])
