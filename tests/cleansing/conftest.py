"""Small hand-built raw conversation frames in the LMSYS-Chat-1M schema."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

CATEGORY_NAMES = ["harassment", "hate", "self-harm", "sexual", "violence"]
RAW_SCHEMA = {
    "conversation_id": pl.Utf8,
    "model": pl.Utf8,
    "conversation": pl.List(pl.Struct({"content": pl.Utf8, "role": pl.Utf8})),
    "turn": pl.Int64,
    "language": pl.Utf8,
    "openai_moderation": pl.List(
        pl.Struct({"categories": pl.Struct({c: pl.Boolean for c in CATEGORY_NAMES}), "flagged": pl.Boolean})
    ),
    "redacted": pl.Boolean,
}


def moderation(flagged: bool = False, category: str | None = None) -> dict[str, Any]:
    return {"categories": {c: (c == category) for c in CATEGORY_NAMES}, "flagged": flagged}


def conversation_row(
    cid: str,
    text: str | None,
    *,
    language: str = "English",
    flagged: bool = False,
    redacted: bool = False,
    turns: list[tuple[str, str | None]] | None = None,
    moderation_entries: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    messages = turns if turns is not None else [("user", text), ("assistant", "Sure, here it is.")]
    conv = [{"role": r, "content": c} for r, c in messages]
    mods = moderation_entries
    if mods is None:
        mods = [moderation(flagged and i == 0, "harassment" if flagged and i == 0 else None) for i in range(len(conv))]
    return {
        "conversation_id": cid,
        "model": "vicuna-13b",
        "conversation": conv,
        "turn": sum(1 for r, _ in messages if r == "user"),
        "language": language,
        "openai_moderation": mods,
        "redacted": redacted,
    }


def raw_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=RAW_SCHEMA)


@pytest.fixture
def make_raw():
    return raw_frame


@pytest.fixture
def row():
    return conversation_row
