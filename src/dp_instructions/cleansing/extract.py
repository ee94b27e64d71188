"""Step 1: the first user turn of each conversation, with schema validation."""

from __future__ import annotations

import polars as pl

from dp_instructions.cleansing.frames import dropped_rows
from dp_instructions.exceptions import InvalidInputError

STEP = "extract_first_user_turn"

#: Required columns of the raw conversations and the dtype family each must have.
RAW_COLUMNS: dict[str, str] = {
    "conversation_id": "string",
    "conversation": "list of {role, content}",
    "language": "string",
    "openai_moderation": "list of {flagged, categories}",
    "redacted": "boolean",
}


def validate_raw_schema(raw: pl.DataFrame, dataset: str = "raw_conversations") -> None:
    """Raise an error naming the dataset and column when the LMSYS-Chat-1M schema is not met."""
    schema = raw.schema
    for column, expected in RAW_COLUMNS.items():
        if column not in schema:
            raise InvalidInputError(
                f"dataset `{dataset}` has no column `{column}` ({expected}); it has {sorted(schema.names())}"
            )
    problems = []
    if schema["conversation_id"] != pl.Utf8:
        problems.append("conversation_id")
    if schema["language"] != pl.Utf8:
        problems.append("language")
    if schema["redacted"] != pl.Boolean:
        problems.append("redacted")
    conv = schema["conversation"]
    if not (
        isinstance(conv, pl.List)
        and isinstance(conv.inner, pl.Struct)
        and {"role", "content"} <= {f.name for f in conv.inner.fields}
    ):
        problems.append("conversation")
    mod = schema["openai_moderation"]
    if not (
        isinstance(mod, pl.List)
        and isinstance(mod.inner, pl.Struct)
        and "flagged" in {f.name for f in mod.inner.fields}
    ):
        problems.append("openai_moderation")
    if problems:
        column = problems[0]
        raise InvalidInputError(
            f"dataset `{dataset}` column `{column}` has dtype {schema[column]}, expected {RAW_COLUMNS[column]}"
        )


def _categories_expr(mod_entry: pl.Expr, category_names: list[str]) -> pl.Expr:
    """Comma-separated names of the moderation categories set on a message."""
    if not category_names:
        return pl.lit("", dtype=pl.Utf8)
    cats = mod_entry.struct.field("categories")
    parts = [
        pl.when(cats.struct.field(name).fill_null(False)).then(pl.lit(name)).otherwise(pl.lit(None))
        for name in category_names
    ]
    return pl.concat_str(parts, separator=",", ignore_nulls=True)


def extract_first_user_turns(
    raw: pl.DataFrame, dataset: str = "raw_conversations", max_chars: int | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(instructions, dropped): one instruction per conversation that has a usable first
    user turn; conversations without one, with empty content, with malformed moderation
    entries, with a first turn longer than ``max_chars`` or with a repeated id are dropped
    with the reason."""
    validate_raw_schema(raw, dataset)
    mod_inner = raw.schema["openai_moderation"].inner
    category_names: list[str] = []
    for field in mod_inner.fields:
        if field.name == "categories" and isinstance(field.dtype, pl.Struct):
            category_names = [f.name for f in field.dtype.fields]

    is_user = pl.col("conversation").list.eval(pl.element().struct.field("role") == "user")
    position = is_user.list.arg_max()
    frame = raw.select(
        pl.col("conversation_id").alias("id"),
        pl.col("language"),
        pl.col("redacted"),
        is_user.list.any().fill_null(False).alias("_has_user"),
        position.alias("_pos"),
        pl.col("conversation").list.len().alias("_n_messages"),
        pl.col("openai_moderation").list.len().alias("_n_moderation"),
    )
    # Pull the message and its moderation entry at the first-user position.
    first_message = raw.select(
        pl.col("conversation").list.get(position, null_on_oob=True).alias("_msg"),
        pl.col("openai_moderation").list.get(position, null_on_oob=True).alias("_mod"),
    )
    frame = frame.with_columns(
        first_message["_msg"].struct.field("content").alias("text"),
        first_message["_mod"].struct.field("flagged").alias("flagged"),
    ).with_columns(
        first_message.select(_categories_expr(pl.col("_mod"), category_names)).to_series().alias("flagged_categories")
    )

    reason = (
        pl.when(pl.col("id").is_null())
        .then(pl.lit("missing_conversation_id"))
        .when(~pl.col("_has_user"))
        .then(pl.lit("no_user_turn"))
        .when(pl.col("text").is_null() | (pl.col("text").str.strip_chars() == ""))
        .then(pl.lit("empty_content"))
        .when(pl.lit(max_chars is not None) & (pl.col("text").str.len_chars() > (max_chars or 0)))
        .then(pl.lit("too_long"))
        .when(
            pl.col("_n_moderation").is_null()
            | (pl.col("_n_moderation") != pl.col("_n_messages"))
            | pl.col("flagged").is_null()
        )
        .then(pl.lit("malformed_moderation"))
        .when(pl.col("language").is_null())
        .then(pl.lit("missing_language"))
        .when(pl.col("redacted").is_null())
        .then(pl.lit("missing_redacted_flag"))
        .when(pl.col("id").is_first_distinct().not_())
        .then(pl.lit("duplicate_conversation_id"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )
    frame = frame.with_columns(reason.alias("_reason"))
    bad = frame.filter(pl.col("_reason").is_not_null())
    detail = (
        pl.when(pl.col("_reason") == "too_long")
        .then(pl.format("{} characters > max_chars {}", pl.col("text").str.len_chars(), pl.lit(max_chars)))
        .otherwise(pl.lit(""))
    )
    dropped = dropped_rows(bad.with_columns(pl.col("id").fill_null(pl.lit("<null>"))), STEP, pl.col("_reason"), detail)
    kept = frame.filter(pl.col("_reason").is_null()).select(
        "id",
        pl.col("text").str.strip_chars(),
        "language",
        "redacted",
        "flagged",
        pl.col("flagged_categories").fill_null(""),
    )
    return kept, dropped
