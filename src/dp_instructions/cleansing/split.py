"""Step 8: the seeded train / validation / test split."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from dp_instructions.exceptions import InvalidInputError

SPLIT_COLUMNS = ["id", "text"]


@dataclass(frozen=True)
class SplitSizes:
    """Each size is a fraction in (0, 1) of the cleaned rows or an absolute count;
    the test split takes the rest."""

    train: int | float
    val: int | float

    @classmethod
    def parse(cls, raw: Any, parameter: str = "data_cleansing.split") -> SplitSizes:
        if not isinstance(raw, dict) or not {"train", "val"} <= set(raw):
            raise InvalidInputError(f"parameter `{parameter}` must have `train` and `val` sizes")
        values = {}
        for key in ("train", "val"):
            v = raw[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise InvalidInputError(f"parameter `{parameter}.{key}` must be a number, got {v!r}")
            if isinstance(v, float) and not 0 < v < 1:
                raise InvalidInputError(
                    f"parameter `{parameter}.{key}` = {v}: a fraction must be in (0, 1), a count an int"
                )
            if isinstance(v, int) and v < 0:
                raise InvalidInputError(f"parameter `{parameter}.{key}` must be >= 0, got {v}")
            values[key] = v
        fractions = [v for v in values.values() if isinstance(v, float)]
        if sum(fractions) >= 1:
            raise InvalidInputError(
                f"parameter `{parameter}`: train + val fractions sum to {sum(fractions):.3f}, leaving no test split"
            )
        return cls(**values)

    def counts(self, n: int, parameter: str = "data_cleansing.split") -> tuple[int, int, int]:
        def size(v: int | float) -> int:
            return int(round(v * n)) if isinstance(v, float) else v

        train, val = size(self.train), size(self.val)
        if train + val > n:
            raise InvalidInputError(
                f"parameter `{parameter}` asks for train={train} + val={val} rows but only {n} "
                "instructions survive cleansing"
            )
        return train, val, n - train - val


def split_instructions(instructions: pl.DataFrame, sizes: SplitSizes, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    train_n, val_n, _ = sizes.counts(instructions.height)
    shuffled = instructions.select(SPLIT_COLUMNS).sample(fraction=1.0, shuffle=True, seed=seed)
    return (
        shuffled.slice(0, train_n),
        shuffled.slice(train_n, val_n),
        shuffled.slice(train_n + val_n),
    )
