"""The embedded public teacher: what answers annotation requests, and judges, when no real
teacher is configured (no network, no GPU).

It is the public base model (pre-trained on ``public_pretraining_corpus``) with more
positions, every weight fine-tuned with TRL on ``public_qa_corpus``: generated
help-seeking questions with templated answers. Only public data goes in. Its answers restate
the request and give generic advice of the request's kind; they are weak, and the reports
say so. A real deployment configures a real teacher (``--env openai``).

Like the public base model, it is fully determined by public inputs, so a re-run whose
identity matches an earlier saved version reuses it instead of training again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import polars as pl
import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.alignment.chat_model import ChatModel, chat_model_from_base
from dp_instructions.alignment.fine_tuning import FineTuneSettings, supervised_fine_tune
from dp_instructions.alignment.parameters import EmbeddedTeacherConfig
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.public_base import EarlierBaseModels

log = logging.getLogger(__name__)

__all__ = ["EMBEDDED_TEACHER_FORMAT", "WEAK_TEACHER_NOTE", "build_embedded_teacher", "qa_examples"]

EMBEDDED_TEACHER_FORMAT = 1
"""Bump when this code changes what a given identity's inputs produce."""

WEAK_TEACHER_NOTE = (
    "The embedded teacher's answers are weak. It is the embedded public base model (a GPT-2 of under a million "
    "parameters) fine-tuned on generated public questions with templated answers: its answers take the shape of "
    "those templates (a line that restates a request, often not this one, and two or three generic steps), they "
    "are often off topic and never a real solution. It shows the pipeline working offline, not the quality of "
    "alignment. A real deployment configures a real teacher and judge (an OpenAI-compatible endpoint: "
    "`kedro run --env openai`, conf/openai)."
)

_QA_COLUMNS = ("question", "answer")


def qa_examples(qa: pl.DataFrame, dataset: str = "public_qa_corpus") -> list[dict[str, Any]]:
    """Prompt-completion examples (TRL's conversational format) from ``question`` and ``answer``."""
    missing = [c for c in _QA_COLUMNS if c not in qa.columns]
    if missing:
        raise InvalidInputError(f"dataset `{dataset}` has no {missing} column(s) (columns: {qa.columns})")
    pairs = qa.select(_QA_COLUMNS).filter(
        pl.col("question").str.strip_chars().str.len_chars() > 0, pl.col("answer").str.strip_chars().str.len_chars() > 0
    )
    if pairs.height == 0:
        raise InvalidInputError(f"dataset `{dataset}` holds no (question, answer) pair to train the teacher on")
    return [
        {"prompt": [{"role": "user", "content": q}], "completion": [{"role": "assistant", "content": a}]}
        for q, a in pairs.iter_rows()
    ]


def _identity(
    base_identity: str, examples: list[dict[str, Any]], config: EmbeddedTeacherConfig, seed: int, device_type: str
) -> str:
    digest = hashlib.sha256(b"dp-instructions/public-qa/v1\n")
    for example in examples:
        digest.update(json.dumps(example, sort_keys=True).encode("utf-8"))
    parts = {
        "format": EMBEDDED_TEACHER_FORMAT,
        "base": base_identity,
        "examples": digest.hexdigest(),
        "config": config.model_dump(),
        "seed": seed,
        "device_type": device_type,
    }
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return f"embedded-teacher:{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:32]}"


def build_embedded_teacher(
    base: PreTrainedModel,
    base_identity: str,
    tokenizer: PreTrainedTokenizerBase,
    qa: pl.DataFrame,
    config: EmbeddedTeacherConfig,
    seed: int,
    device: torch.device,
    earlier: EarlierBaseModels,
) -> ChatModel:
    """The teacher, trained now or reused from an earlier version of the same identity."""
    examples = qa_examples(qa)
    identity = _identity(base_identity, examples, config, seed, device.type)
    found = earlier.find(identity)
    if found is not None:
        reused = found.load()
        if isinstance(reused, ChatModel):
            log.info("embedded teacher: reusing version %s (identity %s)", found.version, identity)
            reused.metadata = {**reused.metadata, "reused_from": found.version}
            return reused
    chat = chat_model_from_base(base, tokenizer, config.positions, {})
    settings = FineTuneSettings(
        epochs=config.epochs,
        batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        max_length=config.max_length,
        seed=seed,
        lora=None,
        weight_decay=0.01,
    )
    trained, stats = supervised_fine_tune(chat, examples, settings, device, "embedded teacher")
    trained.metadata = {
        "source": "embedded: the public base model, every weight fine-tuned on public_qa_corpus",
        "identity": identity,
        "base_identity": base_identity,
        "config": config.model_dump(),
        "training": stats,
        "parameters": sum(p.numel() for p in trained.model.parameters()),
        "note": WEAK_TEACHER_NOTE,
    }
    return trained
