"""Sampling on several processes of one machine (one per GPU on CUDA, a share of the cores
each on the CPU): worker ``r`` of ``W`` makes batches ``r, r + W, r + 2W, ...`` of
:func:`~dp_instructions.models.sampling.sample_batches`, and the caller puts them back in
batch order. Each batch draws from its own seeded stream, so the samples of a seed are the
same whatever the number of processes.

The model and tokenizer travel to the workers through ``save_pretrained`` in a temporary
directory (as for multi-process DP training), each worker loads them onto its own device,
and writes its batches as JSON there.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError
from dp_instructions.models.local_workers import record_worker_error, run_workers, worker_device
from dp_instructions.models.sampling import SamplingConfig, batch_count, sample_batches, sample_instructions, throughput

log = logging.getLogger(__name__)

__all__ = ["sample_instructions_on_processes"]


def _worker(
    rank: int, world_size: int, device_type: str, workdir: str, config: SamplingConfig, dtype: torch.dtype
) -> None:
    work = Path(workdir)
    try:
        device = worker_device(rank, world_size, device_type)
        tokenizer = AutoTokenizer.from_pretrained(str(work / "tokenizer"))
        model = AutoModelForCausalLM.from_pretrained(str(work / "model"), dtype=dtype).to(device)
        mine = range(rank, batch_count(config), world_size)
        by_batch, new_tokens = sample_batches(model, tokenizer, config, mine, progress=rank == 0)
        partial = work / f"samples-{rank}.json.partial"
        partial.write_text(json.dumps({"batches": by_batch, "new_tokens": new_tokens}), encoding="utf-8")
        partial.rename(work / f"samples-{rank}.json")
    except BaseException as exc:
        record_worker_error(work, rank, exc)
        raise


def sample_instructions_on_processes(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    config: SamplingConfig,
    *,
    world_size: int,
    start_method: str = "forkserver",
) -> tuple[list[str], dict[str, float]]:
    """What :func:`~dp_instructions.models.sampling.sample_instructions` returns, made by
    ``world_size`` processes (1: in this process) on ``model``'s device type: the same
    texts for the same seed; the throughput is the whole run's, start-up included."""
    if isinstance(world_size, bool) or not isinstance(world_size, int) or world_size < 1:
        raise InvalidInputError(
            f"parameter `dp_generation.sampling.world_size` must be a positive int, got {world_size!r}"
        )
    if world_size == 1:
        return sample_instructions(model, tokenizer, config)
    device_type = next(model.parameters()).device.type
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sampling-") as workdir:
        work = Path(workdir)
        model.save_pretrained(str(work / "model"))
        tokenizer.save_pretrained(str(work / "tokenizer"))
        log.info("sampling %d instructions on %d %s processes", config.num_samples, world_size, device_type)
        run_workers(
            _worker,
            (world_size, device_type, workdir, config, model.dtype),
            world_size=world_size,
            device_type=device_type,
            work=work,
            start_method=start_method,
            what="sampling",
            parameter="dp_generation.sampling.world_size",
            preload=__name__,
        )
        by_batch: dict[int, list[str]] = {}
        new_tokens = 0
        for rank in range(world_size):
            part = json.loads((work / f"samples-{rank}.json").read_text(encoding="utf-8"))
            by_batch.update({int(b): texts for b, texts in part["batches"].items()})
            new_tokens += int(part["new_tokens"])
    if sorted(by_batch) != list(range(batch_count(config))):
        raise DPInstructionsError(f"sampling workers returned batches {sorted(by_batch)}, not every batch once")
    texts = [text for b in sorted(by_batch) for text in by_batch[b]]
    stats = throughput(len(texts), new_tokens, time.perf_counter() - start)
    log.info(
        "sampled %d instructions on %d processes: %.1f samples/s, %.0f tokens/s",
        len(texts),
        world_size,
        stats["samples_per_second"],
        stats["tokens_per_second"],
    )
    return texts, stats
