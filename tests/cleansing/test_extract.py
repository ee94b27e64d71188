from __future__ import annotations

import polars as pl
import pytest

from dp_instructions.cleansing.extract import extract_first_user_turns
from dp_instructions.exceptions import InvalidInputError
from tests.cleansing.conftest import moderation


def test_first_user_turn_and_drop_reasons(make_raw, row):
    raw = make_raw(
        [
            row("a", "  How do I sort a list in Python?  "),
            row("b", None, turns=[("assistant", "Hello!"), ("user", "Write a haiku about rain.")]),
            row("c", None, turns=[("assistant", "Hello!")]),
            row("d", "   \n "),
            row("e", None, turns=[("user", None), ("assistant", "?")]),
            row("f", "fine", moderation_entries=[moderation()]),  # one entry for two messages
            row("a", "duplicate id"),
            row("g", None, turns=[]),
        ]
    )
    kept, dropped = extract_first_user_turns(raw)
    assert kept["id"].to_list() == ["a", "b"]
    assert kept["text"].to_list() == ["How do I sort a list in Python?", "Write a haiku about rain."]
    assert list(zip(dropped["id"], dropped["reason"])) == [
        ("c", "no_user_turn"),
        ("d", "empty_content"),
        ("e", "empty_content"),
        ("f", "malformed_moderation"),
        ("a", "duplicate_conversation_id"),
        ("g", "no_user_turn"),
    ]
    assert kept.height + dropped.height == raw.height
    assert set(dropped["step"]) == {"extract_first_user_turn"}


def test_null_moderation_and_flag_categories(make_raw, row):
    raw = make_raw([row("x", "hi there", moderation_entries=None, flagged=True), row("y", "ok")])
    raw = raw.with_columns(
        pl.when(pl.col("conversation_id") == "y")
        .then(None)
        .otherwise(pl.col("openai_moderation"))
        .alias("openai_moderation")
    )
    kept, dropped = extract_first_user_turns(raw)
    assert kept["id"].to_list() == ["x"]
    assert kept["flagged"].to_list() == [True]
    assert kept["flagged_categories"].to_list() == ["harassment"]
    assert dropped["reason"].to_list() == ["malformed_moderation"]


def test_missing_column_is_named(make_raw, row):
    raw = make_raw([row("a", "hi")]).drop("language")
    with pytest.raises(InvalidInputError, match="`raw_conversations` has no column `language`"):
        extract_first_user_turns(raw)


def test_mistyped_column_is_named(make_raw, row):
    raw = make_raw([row("a", "hi")]).with_columns(pl.col("redacted").cast(pl.Int64))
    with pytest.raises(InvalidInputError, match="column `redacted` has dtype"):
        extract_first_user_turns(raw)


def test_a_ten_megabyte_prompt_is_dropped_as_too_long(make_raw, row):
    huge = "word " * 2_000_000  # 10 MB in one first user turn
    raw = make_raw([row("a", "short one"), row("big", huge)])
    kept, dropped = extract_first_user_turns(raw, max_chars=20_000)
    assert kept["id"].to_list() == ["a"]
    assert dropped.row(0, named=True) == {
        "id": "big",
        "step": "extract_first_user_turn",
        "reason": "too_long",
        "detail": "10000000 characters > max_chars 20000",
    }
    kept_all, _ = extract_first_user_turns(raw)  # no limit: kept
    assert kept_all.height == 2
