from __future__ import annotations

import polars as pl


def instructions(texts: list[str], **columns) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame(
        schema={
            "id": pl.Utf8,
            "text": pl.Utf8,
            "language": pl.Utf8,
            "redacted": pl.Boolean,
            "flagged": pl.Boolean,
            "flagged_categories": pl.Utf8,
        },
        data={
            "id": columns.get("id", [f"c{i}" for i in range(n)]),
            "text": texts,
            "language": columns.get("language", ["English"] * n),
            "redacted": columns.get("redacted", [False] * n),
            "flagged": columns.get("flagged", [False] * n),
            "flagged_categories": columns.get("flagged_categories", [""] * n),
        },
    )
