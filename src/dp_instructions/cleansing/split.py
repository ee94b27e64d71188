"""Step 8: the seeded train / validation / test split."""

from __future__ import annotations

import polars as pl

from dp_instructions.cleansing.parameters import SplitSizes

SPLIT_COLUMNS = ["id", "text"]


def split_instructions(
    instructions: pl.DataFrame, sizes: SplitSizes, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    train_n, val_n, _ = sizes.counts(instructions.height)
    shuffled = instructions.select(SPLIT_COLUMNS).sample(fraction=1.0, shuffle=True, seed=seed)
    return (
        shuffled.slice(0, train_n),
        shuffled.slice(train_n, val_n),
        shuffled.slice(train_n + val_n),
    )
