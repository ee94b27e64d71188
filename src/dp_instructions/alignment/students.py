"""The students (paper 4.3): one model per instruction set, fine-tuned with TRL on the
teacher's answers to that set, and their answers to the reference instructions.

Each student starts from the same model: ``alignment.student.model`` (a hub id or path; the
paper's LLaMA), or by default the embedded public base model with more positions (the
DP generator's own starting point, trained on public text only).
"""

from __future__ import annotations

import logging
from typing import Any

import polars as pl
import torch
from transformers import PreTrainedTokenizerBase

from dp_instructions.alignment.chat_model import ChatModel, chat_model_from_base
from dp_instructions.alignment.fine_tuning import FineTuneSettings, LoraSettings, supervised_fine_tune
from dp_instructions.alignment.parameters import StudentConfig
from dp_instructions.alignment.teachers.base import ChatRequest, GenerationSettings
from dp_instructions.alignment.teachers.transformers_backend import TransformersTeacher
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import BaseModel
from dp_instructions.models.generator import load_hub_model

log = logging.getLogger(__name__)

__all__ = [
    "REFERENCE_ANSWER_SCHEMA",
    "answer_reference_instructions",
    "fine_tune_student",
    "lora_settings",
    "student_examples",
]

REFERENCE_ANSWER_SCHEMA = pl.Schema(
    {
        "model": pl.Utf8,
        "reference_id": pl.Utf8,
        "instruction": pl.Utf8,
        "answer": pl.Utf8,
        "status": pl.Utf8,
        "completion_tokens": pl.Int64,
        "words": pl.Int64,
    }
)


def student_examples(sft_dataset: pl.DataFrame, source_set: str) -> list[dict[str, Any]]:
    """The prompt-completion examples of ``source_set`` in ``sft_dataset``."""
    for column in ("source_set", "prompt", "completion"):
        if column not in sft_dataset.columns:
            raise InvalidInputError(f"dataset `sft_dataset` has no `{column}` column (columns: {sft_dataset.columns})")
    rows = sft_dataset.filter(pl.col("source_set") == source_set).select("prompt", "completion")
    if rows.height == 0:
        raise InvalidInputError(
            f"dataset `sft_dataset` has no answered instruction of `{source_set}`: its student cannot be trained "
            "(see sft_not_used and annotation_report for why)"
        )
    return rows.to_dicts()


def _starting_model(
    base: BaseModel, tokenizer: PreTrainedTokenizerBase, config: StudentConfig, device: torch.device
) -> ChatModel:
    hub_id = config.model or base.hub_id
    if hub_id is not None:
        model, hub_tokenizer = load_hub_model(hub_id, device)
        return chat_model_from_base(model, hub_tokenizer, None, {"start": hub_id})
    assert base.model is not None
    return chat_model_from_base(
        base.model,
        tokenizer,
        config.positions,
        {"start": "the embedded public base model", "base": base.metadata.get("identity")},
    )


def lora_settings(config: StudentConfig, chat: ChatModel) -> LoraSettings | None:
    """The students' LoRA settings (``alignment.student.lora``), for ``chat``'s architecture:
    the position table is trained in full only where the model has a learned one."""
    lora = config.lora
    if lora is None:
        return None
    has_position_table = hasattr(getattr(chat.model, "transformer", None), "wpe")
    return LoraSettings(
        rank=lora.rank,
        alpha=lora.alpha,
        dropout=lora.dropout,
        target_modules=lora.target_modules,
        trainable_positions=lora.trainable_positions and has_position_table,
    )


def fine_tune_student(
    sft_dataset: pl.DataFrame,
    source_set: str,
    base: BaseModel,
    tokenizer: PreTrainedTokenizerBase,
    config: StudentConfig,
    seed: int,
    device: torch.device,
) -> ChatModel:
    """The student of ``source_set``: LoRA fine-tuning on its teacher-answered instructions."""
    examples = student_examples(sft_dataset, source_set)
    start = _starting_model(base, tokenizer, config, device)
    settings = FineTuneSettings(
        epochs=config.epochs,
        batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        max_length=config.max_length,
        seed=seed,
        lora=lora_settings(config, start),
    )
    trained, stats = supervised_fine_tune(start, examples, settings, device, f"student of {source_set}")
    trained.metadata = {
        **start.metadata,
        "source_set": source_set,
        "training": stats,
        "config": config.model_dump(),
        "note": f"fine-tuned on the teacher's answers to {source_set} only",
    }
    return trained


def answer_reference_instructions(
    students: dict[str, ChatModel],
    references: pl.DataFrame,
    max_instructions: int | None,
    settings: GenerationSettings,
    batch_size: int,
    device: torch.device,
) -> pl.DataFrame:
    """Every student's answer to the first ``max_instructions`` reference instructions
    (columns of :data:`REFERENCE_ANSWER_SCHEMA`); sampled with the teacher's settings."""
    for column in ("id", "text"):
        if column not in references.columns:
            raise InvalidInputError(
                f"dataset `eval_reference_instructions` has no `{column}` column (columns: {references.columns})"
            )
    chosen = references.filter(pl.col("text").str.strip_chars().str.len_chars() > 0)
    if max_instructions is not None:
        chosen = chosen.head(max_instructions)
    if chosen.height == 0:
        raise InvalidInputError("dataset `eval_reference_instructions` holds no instruction to answer")
    requests = [ChatRequest.from_user_text(rid, text) for rid, text in chosen.select("id", "text").iter_rows()]
    rows: list[dict[str, Any]] = []
    for name, chat in students.items():
        answerer = TransformersTeacher(
            chat.model,
            chat.tokenizer,
            name=name,
            batch_size=batch_size,
            max_prompt_tokens=chat.positions,
            device=device,
        )
        run = answerer.answer(requests, settings)
        for request, answer in zip(requests, run.answers, strict=True):
            text = answer.text or ""
            rows.append(
                {
                    "model": name,
                    "reference_id": request.request_id,
                    "instruction": request.messages[-1]["content"],
                    "answer": text,
                    "status": answer.status.value,
                    "completion_tokens": answer.completion_tokens,
                    "words": len(text.split()),
                }
            )
        log.info("%s answered %d reference instructions in %.1f s", name, len(requests), run.wall_s)
    return pl.DataFrame(rows, schema=REFERENCE_ANSWER_SCHEMA)
