"""Checkpoints hold tensors and plain data only: a file that would run code when
unpickled is refused, and nothing in it runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from dp_instructions.models.dp_training import checkpoint
from dp_instructions.models.dp_training.checkpoint import UnsafeCheckpointError
from dp_instructions.models.dp_training.loop import train_lora
from dp_instructions.privacy.noise import NoiseSource
from tests.models.conftest import corpus, finetune_config

CFG = finetune_config(expected_batch_size=20, physical_batch_size=8, max_length=24, checkpoint_every=1)


class _RunsCode:
    """Unpickling this calls os.system: what a planted checkpoint could do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _plant(path: Path, marker: Path) -> None:
    torch.save({"identity": "run-a", "step": 1, "payload": _RunsCode(marker)}, path)


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path):
    path, marker = tmp_path / "ckpt.pt", tmp_path / "ran"
    _plant(path, marker)
    with pytest.raises(UnsafeCheckpointError, match=str(path)):
        checkpoint.read(path)
    assert not marker.exists(), "unpickling the checkpoint ran code"


def test_resuming_from_a_planted_checkpoint_fails_before_training(tiny_model, tiny_tokenizer, tmp_path):
    path, marker = tmp_path / "ckpt.pt", tmp_path / "ran"
    _plant(path, marker)
    with pytest.raises(UnsafeCheckpointError, match="delete it"):
        train_lora(
            tiny_model,
            tiny_tokenizer,
            corpus(40, 1),
            CFG,
            sampling_rate=0.25,
            steps=2,
            noise_multiplier=1.0,
            noise_source=NoiseSource.fixed(0),
            checkpoint_path=path,
            run_identity="run-a",
        )
    assert not marker.exists(), "unpickling the checkpoint ran code"


def test_a_real_checkpoint_is_plain_data_and_round_trips(tiny_model, tiny_tokenizer, tmp_path):
    path = tmp_path / "ckpt.pt"
    train_lora(
        tiny_model,
        tiny_tokenizer,
        corpus(40, 2),
        CFG,
        sampling_rate=0.25,
        steps=2,
        noise_multiplier=1.0,
        noise_source=NoiseSource.fixed(0),
        checkpoint_path=path,
        run_identity="run-a",
    )
    state = checkpoint.read(path)  # weights_only=True
    assert state["step"] == 2 and state["identity"] == "run-a" and state["world_size"] == 1
    assert state["accountant"]["history"] == [[1.0, 0.25, 2]]
    assert isinstance(state["samplers"][0], torch.Tensor)  # the seeded sampler's generator state
