"""Steps 2 and 3: keep one language; drop moderation-flagged and redacted conversations."""

from __future__ import annotations

import polars as pl

from dp_instructions.cleansing.frames import dropped_rows

LANGUAGE_STEP = "keep_language"
MODERATION_STEP = "drop_flagged_and_redacted"


def keep_language(instructions: pl.DataFrame, language: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep rows whose `language` field equals `language`.

    The field is LMSYS-Chat-1M's own per-conversation language label, which is what the
    paper filters on; re-detecting language per prompt would disagree with the released
    labels on short or code-heavy prompts and is left to a custom step if wanted.
    """
    mask = pl.col("language") == language
    dropped = dropped_rows(
        instructions.filter(~mask), LANGUAGE_STEP, pl.lit("language_not_") + pl.lit(language), pl.col("language")
    )
    return instructions.filter(mask), dropped


def drop_flagged_and_redacted(instructions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Drop conversations whose first user turn is moderation-flagged, and redacted ones."""
    reason = (
        pl.when(pl.col("flagged"))
        .then(pl.lit("moderation_flagged"))
        .when(pl.col("redacted"))
        .then(pl.lit("redacted"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )
    frame = instructions.with_columns(reason.alias("_reason"))
    bad = frame.filter(pl.col("_reason").is_not_null())
    detail = pl.when(pl.col("_reason") == "moderation_flagged").then(pl.col("flagged_categories")).otherwise(pl.lit(""))
    dropped = dropped_rows(bad, MODERATION_STEP, pl.col("_reason"), detail)
    return frame.filter(pl.col("_reason").is_null()).drop("_reason"), dropped
