"""The shared table shapes of the cleansing steps."""

from __future__ import annotations

import polars as pl

#: Columns of every instruction table between the steps.
INSTRUCTION_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Utf8(),
    "text": pl.Utf8(),
    "language": pl.Utf8(),
    "redacted": pl.Boolean(),
    "flagged": pl.Boolean(),
    "flagged_categories": pl.Utf8(),
}

#: Columns of every dropped-rows table: which conversation, at which step, and why.
DROPPED_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Utf8(),
    "step": pl.Utf8(),
    "reason": pl.Utf8(),
    "detail": pl.Utf8(),
}


def dropped_rows(
    frame: pl.DataFrame, step: str, reason: pl.Expr | str, detail: pl.Expr | str | None = None
) -> pl.DataFrame:
    """The dropped-rows table for `frame`'s rows, dropped at `step` for `reason`."""

    def as_expr(value: pl.Expr | str | None) -> pl.Expr:
        if isinstance(value, pl.Expr):
            return value.cast(pl.Utf8)
        return pl.lit(value, dtype=pl.Utf8)

    return frame.select(
        pl.col("id").cast(pl.Utf8),
        pl.lit(step, dtype=pl.Utf8).alias("step"),
        as_expr(reason).alias("reason"),
        as_expr(detail).alias("detail"),
    )
