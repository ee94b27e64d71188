"""Steps 4-6: exact de-duplication, 10-gram de-duplication, decontamination."""

from __future__ import annotations

import numpy as np
import polars as pl

from dp_instructions import native
from dp_instructions.cleansing.frames import dropped_rows
from dp_instructions.exceptions import InvalidInputError

EXACT_STEP = "exact_dedup"
NGRAM_STEP = "ngram_dedup"
DECONTAMINATION_STEP = "decontamination"


def whitespace_normalised(text: pl.Expr) -> pl.Expr:
    """Runs of whitespace collapsed to one space, ends stripped: the exact-dedup key."""
    return text.str.replace_all(r"\s+", " ").str.strip_chars()


def drop_exact_duplicates(instructions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first of every set of instructions equal up to whitespace; the text of the
    kept row is unchanged (case and inner whitespace preserved)."""
    frame = instructions.with_columns(whitespace_normalised(pl.col("text")).alias("_key"))
    frame = frame.with_columns(
        pl.col("_key").is_first_distinct().alias("_first"),
        pl.col("id").first().over("_key").alias("_first_id"),
    )
    dropped = dropped_rows(
        frame.filter(~pl.col("_first")), EXACT_STEP, "exact_duplicate", pl.lit("of ") + pl.col("_first_id")
    )
    return frame.filter(pl.col("_first")).drop("_key", "_first", "_first_id"), dropped


def drop_ngram_duplicates(instructions: pl.DataFrame, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The paper's rule: if an n-gram occurs in several instructions, only the first
    instruction that has it is kept (earlier rows win, whether kept or not)."""
    result = native.ngram_dedup(instructions["text"].to_list(), n)
    ids = instructions["id"]
    matched = result.matched
    first_ids = np.where(matched >= 0, matched, 0)
    detail = pl.Series("detail", ids.gather(first_ids) if len(ids) else ids).cast(pl.Utf8)
    frame = instructions.with_columns(
        pl.Series("_kept", result.kept),
        (pl.lit("shares a ") + pl.lit(str(n)) + pl.lit("-gram with ") + detail).alias("_detail"),
    )
    dropped = dropped_rows(frame.filter(~pl.col("_kept")), NGRAM_STEP, f"shares_{n}gram", pl.col("_detail"))
    return frame.filter(pl.col("_kept")).drop("_kept", "_detail"), dropped


def decontaminate(
    instructions: pl.DataFrame, reference: pl.DataFrame, n: int, reference_dataset: str = "eval_reference_instructions"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Drop instructions sharing an n-gram with the evaluation reference set."""
    if "text" not in reference.columns:
        raise InvalidInputError(f"dataset `{reference_dataset}` has no column `text`; it has {reference.columns}")
    if reference["text"].dtype != pl.Utf8:
        raise InvalidInputError(
            f"dataset `{reference_dataset}` column `text` has dtype {reference['text'].dtype}, expected string"
        )
    ref = reference.filter(pl.col("text").is_not_null())
    ref_ids = ref["id"].cast(pl.Utf8) if "id" in ref.columns else pl.Series("id", [str(i) for i in range(len(ref))])
    # Reference texts go first: a text's earliest match is then a reference text whenever
    # it shares any n-gram with one, whatever it shares with other instructions.
    result = native.ngram_dedup(ref["text"].to_list() + instructions["text"].to_list(), n)
    matched = result.matched[len(ref) :]
    contaminated = (matched >= 0) & (matched < len(ref))
    detail = [
        f"shares a {n}-gram with {reference_dataset} id {ref_ids[int(m)]}" if c else ""
        for m, c in zip(matched, contaminated)
    ]
    frame = instructions.with_columns(pl.Series("_contaminated", contaminated), pl.Series("_detail", detail))
    dropped = dropped_rows(
        frame.filter(pl.col("_contaminated")), DECONTAMINATION_STEP, "eval_contamination", pl.col("_detail")
    )
    return frame.filter(~pl.col("_contaminated")).drop("_contaminated", "_detail"), dropped
