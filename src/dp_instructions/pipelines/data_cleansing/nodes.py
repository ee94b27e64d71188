"""Thin node wrappers: parameters are parsed here, the work is in dp_instructions.cleansing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import polars as pl

from dp_instructions.cleansing import dedup, extract, filters, pii, report, split, templates
from dp_instructions.cleansing.frames import DROPPED_SCHEMA
from dp_instructions.exceptions import InvalidInputError

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


@dataclass(frozen=True)
class CleansingParameters:
    language: str
    ngram_size: int
    templates: list[templates.TemplatePattern]
    detector: templates.FloodDetector
    split: split.SplitSizes
    pii_detectors: list[str] | None

    @classmethod
    def parse(cls, params: dict[str, Any]) -> CleansingParameters:
        p = "data_cleansing"
        if not isinstance(params, dict):
            raise InvalidInputError(f"parameter `{p}` must be a mapping")
        n = params.get("ngram_size", 10)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInputError(f"parameter `{p}.ngram_size` must be a positive int, got {n!r}")
        language = params.get("language", "English")
        if not isinstance(language, str) or not language:
            raise InvalidInputError(f"parameter `{p}.language` must be a non-empty string")
        pii_cfg = params.get("pii") or {}
        return cls(
            language=language,
            ngram_size=n,
            templates=templates.parse_templates(params.get("templates"), f"{p}.templates"),
            detector=templates.parse_detector(params.get("flood_detector"), f"{p}.flood_detector"),
            split=split.SplitSizes.parse(params.get("split"), f"{p}.split"),
            pii_detectors=pii_cfg.get("detectors"),
        )


def extract_first_user_turns(raw_conversations: pl.DataFrame, params: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    # Every parameter is checked here, before any work, so a bad split fails in seconds.
    cfg = CleansingParameters.parse(params)
    pii.load_detectors(cfg.pii_detectors)
    kept, dropped = extract.extract_first_user_turns(raw_conversations)
    log.info("extracted %d first user turns from %d conversations", kept.height, raw_conversations.height)
    return kept, dropped, raw_conversations.height


def keep_language(instructions: pl.DataFrame, params: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    return filters.keep_language(instructions, CleansingParameters.parse(params).language)


def drop_flagged_and_redacted(instructions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return filters.drop_flagged_and_redacted(instructions)


def drop_exact_duplicates(instructions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    return dedup.drop_exact_duplicates(instructions)


def drop_ngram_duplicates(instructions: pl.DataFrame, params: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    return dedup.drop_ngram_duplicates(instructions, CleansingParameters.parse(params).ngram_size)


def decontaminate(instructions: pl.DataFrame, eval_reference_instructions: pl.DataFrame, params: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    n = CleansingParameters.parse(params).ngram_size
    return dedup.decontaminate(instructions, eval_reference_instructions, n)


def drop_template_floods(instructions: pl.DataFrame, params: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    cfg = CleansingParameters.parse(params)
    return templates.drop_template_floods(instructions, cfg.templates, cfg.detector)


def split_instructions(instructions: pl.DataFrame, params: dict[str, Any], seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return split.split_instructions(instructions, CleansingParameters.parse(params).split, seed)


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


def build_pii_report(instructions_train: pl.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    detectors = pii.load_detectors(CleansingParameters.parse(params).pii_detectors)
    return pii.pii_prevalence(instructions_train["text"], detectors)
