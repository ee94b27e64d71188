"""Annotation requests from a DP synthetic set (privacy risk I: annotators, people or a
teacher model, only ever see DP data).

One request per distinct usable instruction; every input row is either a request or a
recorded drop with its reason, and an instruction longer than ``max_chars`` is cut at a
word boundary and flagged (the teacher's own context limit is counted by the backend).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import polars as pl

from dp_instructions.exceptions import InvalidInputError

__all__ = ["REQUEST_COLUMNS", "build_annotation_requests", "build_requests_for_sets", "request_id"]

REQUEST_COLUMNS = ("request_id", "source_id", "instruction", "chars", "truncated")


def request_id(instruction: str) -> str:
    """A stable id of the instruction text: the same text is one request in every run."""
    return "req-" + hashlib.sha256(instruction.encode("utf-8")).hexdigest()[:16]


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut


def build_annotation_requests(
    synthetic: pl.DataFrame, dataset: str, max_chars: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(requests, dropped)`` from ``dataset``'s ``id`` and ``text`` columns.

    requests: request_id, source_id, instruction, chars (before truncation), truncated.
    dropped: source_id, reason (``blank`` or ``duplicate of <source_id>``).
    """
    if not isinstance(synthetic, pl.DataFrame):
        raise InvalidInputError(f"dataset `{dataset}` must load as a polars DataFrame, got {type(synthetic).__name__}")
    for column in ("id", "text"):
        if column not in synthetic.columns:
            raise InvalidInputError(f"dataset `{dataset}` has no `{column}` column (columns: {synthetic.columns})")
    if synthetic.schema["text"] != pl.Utf8:
        raise InvalidInputError(f"column `text` of dataset `{dataset}` must be text, got {synthetic.schema['text']}")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
        raise InvalidInputError(
            f"parameter `alignment.annotation.max_instruction_chars` must be >= 1, got {max_chars!r}"
        )
    if synthetic.height == 0:
        raise InvalidInputError(f"dataset `{dataset}` is empty: there is nothing to annotate")

    kept: dict[str, dict] = {}
    first_source: dict[str, str] = {}
    dropped: list[dict[str, str]] = []
    for source_id, text in zip(synthetic["id"].cast(pl.Utf8).to_list(), synthetic["text"].to_list(), strict=True):
        instruction = (text or "").strip()
        if not instruction:
            dropped.append({"source_id": source_id, "reason": "blank"})
            continue
        if instruction in first_source:
            dropped.append({"source_id": source_id, "reason": f"duplicate of {first_source[instruction]}"})
            continue
        first_source[instruction] = source_id
        short = _truncate(instruction, max_chars)
        kept[instruction] = {
            "request_id": request_id(instruction),
            "source_id": source_id,
            "instruction": short,
            "chars": len(instruction),
            "truncated": short != instruction,
        }
    requests = pl.DataFrame(
        list(kept.values()),
        schema={
            "request_id": pl.Utf8,
            "source_id": pl.Utf8,
            "instruction": pl.Utf8,
            "chars": pl.Int64,
            "truncated": pl.Boolean,
        },
    )
    drops = pl.DataFrame(dropped, schema={"source_id": pl.Utf8, "reason": pl.Utf8})
    assert requests.height + drops.height == synthetic.height, "every row is a request or a recorded drop"
    if requests.height == 0:
        raise InvalidInputError(
            f"dataset `{dataset}` has no usable instruction ({drops.height} blank or duplicate rows)"
        )
    return requests, drops


def build_requests_for_sets(
    sets: Mapping[str, pl.DataFrame], max_chars: int, max_per_set: int | None, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Requests from several datasets (their names are the keys), with a ``source_set``
    column first. Each set keeps at most ``max_per_set`` requests, a sample seeded by
    ``seed`` in the set's order; the others are recorded as not selected."""
    requests, drops = [], []
    for name, frame in sets.items():
        kept, dropped = build_annotation_requests(frame, name, max_chars)
        if max_per_set is not None and kept.height > max_per_set:
            chosen = kept.with_row_index("_row").sample(n=max_per_set, seed=seed).sort("_row")
            left_out = kept.join(chosen.select("request_id"), on="request_id", how="anti")
            dropped = pl.concat(
                [
                    dropped,
                    left_out.select(
                        "source_id",
                        pl.lit(f"not selected: over alignment.annotation.max_per_set ({max_per_set})").alias("reason"),
                    ),
                ]
            )
            kept = chosen.drop("_row")
        requests.append(kept.select(pl.lit(name).alias("source_set"), pl.all()))
        drops.append(dropped.select(pl.lit(name).alias("source_set"), pl.all()))
    return pl.concat(requests), pl.concat(drops)
