"""Thin nodes of the alignment pipeline; the work is in :mod:`dp_instructions.alignment`."""

from __future__ import annotations

import logging
from typing import Any

import polars as pl

from dp_instructions.alignment import label_studio, requests, sft
from dp_instructions.alignment.parameters import AlignmentParameters
from dp_instructions.alignment.teachers.base import ChatAnswer, ChatRequest
from dp_instructions.alignment.teachers.endpoint import TeacherEndpoint, make_teacher
from dp_instructions.alignment.teachers.report import summarise_run
from dp_instructions.models.device import limit_cpu_threads

log = logging.getLogger(__name__)

ANSWER_SCHEMA = pl.Schema(
    {
        "request_id": pl.Utf8,
        "status": pl.Utf8,
        "text": pl.Utf8,
        "reason": pl.Utf8,
        "prompt_tokens": pl.Int64,
        "completion_tokens": pl.Int64,
        "latency_s": pl.Float64,
        "attempts": pl.Int64,
        "cached": pl.Boolean,
        "finish_reason": pl.Utf8,
        "prompt_truncated_tokens": pl.Int64,
    }
)


def build_annotation_requests(
    synthetic_resampled: pl.DataFrame, params: AlignmentParameters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return requests.build_annotation_requests(
        synthetic_resampled, "synthetic_resampled", params.annotation.max_instruction_chars
    )


def export_label_studio_tasks(annotation_requests: pl.DataFrame) -> tuple[list[dict[str, Any]], str]:
    return label_studio.label_studio_tasks(annotation_requests), label_studio.LABEL_CONFIG


def annotate_with_teacher(
    annotation_requests: pl.DataFrame, teacher_endpoint: TeacherEndpoint, params: AlignmentParameters
) -> tuple[pl.DataFrame, dict[str, Any]]:
    limit_cpu_threads()
    teacher = make_teacher(teacher_endpoint, params.teacher)
    system = params.annotation.system_prompt
    batch = [
        ChatRequest.from_user_text(row["request_id"], row["instruction"], system)
        for row in annotation_requests.iter_rows(named=True)
    ]
    run = teacher.answer(batch, params.teacher.generation.settings())
    answers = pl.DataFrame([a.to_dict() for a in run.answers], schema=ANSWER_SCHEMA)
    report = summarise_run(run, teacher.identity) | {
        "generation": params.teacher.generation.model_dump(),
        "instructions_truncated": int(annotation_requests["truncated"].sum()),
        "note": ("annotators (this teacher) saw only synthetic_resampled, a DP release; no private instruction"),
    }
    log.info("teacher answers: %s", report["outcomes"])
    return answers, report


def build_sft_dataset(
    annotation_requests: pl.DataFrame, teacher_answers: pl.DataFrame, params: AlignmentParameters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    answers = [ChatAnswer.from_dict(row) for row in teacher_answers.iter_rows(named=True)]
    return sft.build_sft_dataset(annotation_requests, answers, params.annotation.system_prompt)
