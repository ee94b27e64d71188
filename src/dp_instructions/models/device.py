"""Where models run: a GPU with bf16 when present, else the CPU."""

from __future__ import annotations

import os
from typing import Literal

import torch

Precision = Literal["auto", "fp32", "bf16"]


def pick_device(preference: str = "auto") -> torch.device:
    """`auto` picks CUDA when available; `cpu` / `cuda[:n]` force a device."""
    if preference == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(preference)


def autocast_dtype(device: torch.device) -> torch.dtype | None:
    """bf16 autocast on GPUs that support it; full precision on the CPU."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return None


def training_dtype(device: torch.device, precision: Precision) -> torch.dtype:
    """The dtype a frozen base model is trained in: ``auto`` is bf16 where
    :func:`autocast_dtype` would autocast to it, else fp32; ``bf16`` forces it (on a CPU,
    slow: for tests of the GPU path)."""
    if precision == "fp32":
        return torch.float32
    if precision == "bf16":
        return torch.bfloat16
    return autocast_dtype(device) or torch.float32


def limit_cpu_threads() -> None:
    """Use every core the process may run on (torch's default can exceed the cgroup)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    torch.set_num_threads(max(1, cores))
