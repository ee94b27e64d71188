"""The memorisation_control node: the non-private control generator of the canary audit.

Its output is private (trained without DP on the private data) and must never reach a
dp_release dataset; the privacy boundary check enforces it.
"""

from __future__ import annotations

import logging
from typing import Any

import polars as pl
from transformers import PreTrainedTokenizerBase

from dp_instructions.models.artifact import BaseModel, GeneratorArtifact
from dp_instructions.models.canaries import insert_canaries
from dp_instructions.models.device import limit_cpu_threads
from dp_instructions.models.parameters import DPGenerationParameters
from dp_instructions.models.train_generator import train_control_generator

log = logging.getLogger(__name__)


def train_nonprivate_control(
    base: BaseModel,
    tokenizer: PreTrainedTokenizerBase,
    instructions_train: pl.DataFrame,
    canaries: pl.DataFrame,
    params: DPGenerationParameters,
    seed: int,
) -> tuple[GeneratorArtifact, dict[str, Any]]:
    """The memorisation audit's control: the DP run's data (with the same canaries, at the
    same seeded positions) and settings, DP off."""
    limit_cpu_threads()
    data = insert_canaries(instructions_train.select("id", "text"), canaries, seed)
    log.warning("training the NON-PRIVATE control generator (memorisation audit only; its output is private)")
    artifact, result = train_control_generator(base, tokenizer, data, params.resolve(seed))
    return artifact, {"result": result.to_dict(), "training_examples": data.height}
