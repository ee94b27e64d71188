"""What the multi-process runs on one machine share (DP training, sampling): worker
processes started with ``torch.multiprocessing`` (``forkserver`` or ``spawn``; ``fork`` is
unsafe with CUDA), one GPU per worker on CUDA, a share of the cores each on the CPU, and a
worker's exception carried back to the caller as itself (``mp`` only reports a traceback
string), so that the caller sees the project's error type naming the parameter at fault.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
import torch.multiprocessing as mp

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError

__all__ = ["record_worker_error", "run_workers", "worker_device", "worker_threads"]


def worker_threads(world_size: int) -> int:
    """Torch threads per CPU worker: the machine's cores shared out (torch's default, all of
    them in each, oversubscribes)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, cores // world_size)


def worker_device(rank: int, world_size: int, device_type: str) -> torch.device:
    """Worker ``rank``'s device, set up: GPU ``rank`` on CUDA, else the CPU with its share of
    the cores."""
    if device_type == "cuda":
        torch.cuda.set_device(rank)
        return torch.device("cuda", rank)
    torch.set_num_threads(worker_threads(world_size))
    return torch.device("cpu")


def record_worker_error(work: Path, rank: int, exc: BaseException) -> None:
    """Keep ``exc`` (pickled) and its traceback for the caller; call from the worker's except."""
    try:
        payload = pickle.dumps(exc)
    except Exception:
        payload = pickle.dumps(DPInstructionsError(f"rank {rank} failed: {exc!r}"))
    (work / f"error-{rank}.pkl").write_bytes(payload)
    (work / f"error-{rank}.txt").write_text(traceback.format_exc(), encoding="utf-8")


def run_workers(
    worker: Callable[..., None],
    args: tuple[Any, ...],
    *,
    world_size: int,
    device_type: str,
    work: Path,
    start_method: str,
    what: str,
    parameter: str,
    preload: str,
) -> None:
    """``worker(rank, *args)`` in ``world_size`` processes, joined; a worker's exception is
    raised here as itself. ``what`` names the run in errors, ``parameter`` the setting that
    asked for ``world_size``, ``preload`` the module the fork server imports once."""
    if device_type not in ("cpu", "cuda"):
        raise InvalidInputError(f"multi-process {what} runs on `cpu` or `cuda` devices, got {device_type!r}")
    if device_type == "cuda" and torch.cuda.device_count() < world_size:
        raise InvalidInputError(
            f"parameter `{parameter}` is {world_size} but only {torch.cuda.device_count()} CUDA device(s) are "
            "visible (one process per GPU)"
        )
    if start_method not in ("forkserver", "spawn") or start_method not in mp.get_all_start_methods():
        raise InvalidInputError(
            f"`start_method` must be 'forkserver' or 'spawn' (where available), got {start_method!r}"
        )
    if start_method == "forkserver":
        # The fork server imports torch/transformers once and forks every worker from that: a
        # worker then starts in a fraction of a second instead of paying the imports itself.
        # Preloading does not touch CUDA, so forked workers may still initialise it.
        multiprocessing.set_forkserver_preload([preload])
    try:
        mp.start_processes(worker, args=args, nprocs=world_size, join=True, start_method=start_method)
    except mp.ProcessRaisedException as exc:
        for rank in range(world_size):
            error = work / f"error-{rank}.pkl"
            if error.exists():
                raise pickle.loads(error.read_bytes()) from exc
        raise
    except mp.ProcessExitedException as exc:
        raise DPInstructionsError(f"a {what} worker died without a Python error: {exc}") from exc
