"""Thin node wrappers; the work is in dp_instructions.cleansing.

``params:data_cleansing`` arrives as :class:`DataCleansingParameters`, validated by Kedro
before the first node runs (a bad split or pattern fails in seconds, before any work).
"""

from __future__ import annotations

import logging
from typing import Any

import matplotlib.pyplot as plt
import polars as pl

from dp_instructions.cleansing import dedup, extract, filters, pii, report, split, templates
from dp_instructions.cleansing.frames import DROPPED_SCHEMA
from dp_instructions.cleansing.parameters import DataCleansingParameters

log = logging.getLogger(__name__)

#: The steps in funnel order; each names the `step` of its dropped rows.
STEPS = [
    extract.STEP,
    filters.LANGUAGE_STEP,
    filters.MODERATION_STEP,
    dedup.EXACT_STEP,
    dedup.NGRAM_STEP,
    dedup.DECONTAMINATION_STEP,
    templates.STEP,
]


def extract_first_user_turns(
    raw_conversations: pl.DataFrame, params: DataCleansingParameters
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    kept, dropped = extract.extract_first_user_turns(raw_conversations, max_chars=params.max_chars)
    log.info("extracted %d first user turns from %d conversations", kept.height, raw_conversations.height)
    return kept, dropped, raw_conversations.height


def keep_language(instructions: pl.DataFrame, params: DataCleansingParameters) -> tuple[pl.DataFrame, pl.DataFrame]:
    return filters.keep_language(instructions, params.language)


def drop_flagged_and_redacted(instructions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return filters.drop_flagged_and_redacted(instructions)


def drop_exact_duplicates(instructions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return dedup.drop_exact_duplicates(instructions)


def drop_ngram_duplicates(
    instructions: pl.DataFrame, params: DataCleansingParameters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return dedup.drop_ngram_duplicates(instructions, params.ngram_size)


def decontaminate(
    instructions: pl.DataFrame, eval_reference_instructions: pl.DataFrame, params: DataCleansingParameters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return dedup.decontaminate(instructions, eval_reference_instructions, params.ngram_size)


def drop_template_floods(
    instructions: pl.DataFrame, params: DataCleansingParameters
) -> tuple[pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    return templates.drop_template_floods(instructions, params.templates, params.flood_detector)


def split_instructions(
    instructions: pl.DataFrame, params: DataCleansingParameters, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return split.split_instructions(instructions, params.split, seed)


def collect_dropped(*dropped: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([d.select(list(DROPPED_SCHEMA)) for d in dropped], how="vertical")


def build_cleansing_report(
    input_rows: int,
    cleansing_dropped: pl.DataFrame,
    instructions_train: pl.DataFrame,
    instructions_val: pl.DataFrame,
    instructions_test: pl.DataFrame,
    flood_findings: list[dict[str, Any]],
) -> tuple[dict[str, Any], plt.Figure]:
    splits = {
        "instructions_train": instructions_train.height,
        "instructions_val": instructions_val.height,
        "instructions_test": instructions_test.height,
    }
    result = report.funnel(input_rows, cleansing_dropped, STEPS, splits)
    result["template_floods"] = flood_findings
    log.info("cleansing funnel: %s", " -> ".join(f"{s['remaining']:,}" for s in result["funnel"]))
    return result, report.funnel_plot(result)


def build_pii_report(instructions_train: pl.DataFrame, params: DataCleansingParameters) -> dict[str, Any]:
    detectors = pii.load_detectors(params.pii.detectors)
    return pii.pii_prevalence(instructions_train["text"], detectors)
