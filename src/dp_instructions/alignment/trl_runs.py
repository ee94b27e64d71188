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

__all__ = ["MetricLog", "save_for_trainer", "shared_arguments", "timed_training"]


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
