"""What every TRL trainer of the alignment stage shares: the arguments that keep a run
quiet, seeded and on the right device, a callback that keeps the logged metrics, and a
model written to a scratch directory (TRL builds reference and reward models from a path).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase, PrinterCallback, Trainer, TrainerCallback
from transformers.trainer_utils import TrainOutput

from dp_instructions.models.device import autocast_dtype

__all__ = [
    "MetricLog",
    "merged_on_cpu",
    "planned_steps",
    "save_for_trainer",
    "settings_record",
    "shared_arguments",
    "timed_training",
]


def shared_arguments(scratch: str, device: torch.device, seed: int, steps_hint: int) -> dict[str, Any]:
    """Keyword arguments of any TRL config: no checkpoints, no trackers, no progress bars,
    mixed precision where the device has it, about four log lines per run."""
    amp = autocast_dtype(device)
    return {
        "output_dir": scratch,
        "seed": seed,
        "data_seed": seed,
        "save_strategy": "no",
        "report_to": [],
        "logging_steps": max(1, math.ceil(steps_hint / 4)),
        "disable_tqdm": True,
        "bf16": amp is torch.bfloat16,
        "fp16": amp is torch.float16,
        "use_cpu": device.type == "cpu",
        "dataloader_num_workers": 0,
    }


class MetricLog(TrainerCallback):
    """Every metric the trainer logs, in order (``history[key]``)."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}

    def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: ANN001, ANN003 (transformers' signature)
        for key, value in (logs or {}).items():
            if isinstance(value, int | float):
                self.history.setdefault(key, []).append(float(value))

    def first_last(self, key: str) -> tuple[float | None, float | None]:
        values = self.history.get(key, [])
        return (values[0], values[-1]) if values else (None, None)


def save_for_trainer(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, directory: Path) -> str:
    """``model`` and ``tokenizer`` as a Hugging Face directory, with the pad token in the
    config (a sequence-classification head reads the last non-pad token)."""
    model.config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(str(directory))
    tokenizer.save_pretrained(str(directory))
    return str(directory)


def timed_training(trainer: Trainer) -> tuple[TrainOutput, float]:
    """``trainer.train()`` and its wall time; the metrics go to the log and the figures, not
    to stdout."""
    trainer.remove_callback(PrinterCallback)
    started = time.perf_counter()
    result = trainer.train()
    return result, time.perf_counter() - started


def planned_steps(examples: int, batch_size: int, epochs: float) -> int:
    """Optimiser steps of ``epochs`` passes over ``examples`` in batches of ``batch_size``."""
    return max(1, int(epochs * math.ceil(examples / batch_size)))


def merged_on_cpu(model: Any, lora: Any) -> Any:
    """The trained model for saving: LoRA adapters (when ``lora`` is set) folded into the
    weights, on the CPU, in eval mode."""
    return (model if lora is None else model.merge_and_unload()).to("cpu").eval()


def settings_record(settings: Any) -> dict[str, Any]:
    """A run's settings dataclass as report fields: ``settings`` and ``lora`` apart."""
    values = dict(vars(settings))
    lora = values.pop("lora", None)
    return {"settings": values, "lora": None if lora is None else vars(lora)}
