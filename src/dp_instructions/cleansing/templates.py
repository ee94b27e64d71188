"""Step 7: unusual repetitions (template floods).

The paper removes two "chemical industry" templates by pattern. Users' logs have other
floods, so the patterns are parameters, and an optional conservative detector finds
masked-template floods: prompts that become identical once every token carrying an
upper-case letter or a digit (names, products, numbers) is masked, that keep at least
``min_fixed_words`` unmasked words, and that occur at least ``min_count`` times and
``min_share`` of the rows. The patterns and the detector's thresholds are checked by
:class:`~dp_instructions.cleansing.parameters.DataCleansingParameters`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dp_instructions.cleansing.frames import dropped_rows
from dp_instructions.cleansing.parameters import FloodDetector, TemplatePattern

STEP = "template_floods"
MASK = "*"


def masked_shape(text: pl.Expr) -> pl.Expr:
    """The prompt with names, numbers and other capitalised tokens masked, lower-cased."""
    masked = text.str.replace_all(r"\S*[\p{Lu}\p{N}]\S*", MASK)
    collapsed = masked.str.replace_all(r"\*(?:[\s,.;:()\-]+\*)+", MASK)
    return collapsed.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def drop_template_floods(
    instructions: pl.DataFrame, templates: list[TemplatePattern], detector: FloodDetector
) -> tuple[pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    """(kept, dropped, findings). Findings list each pattern and each detected flood
    with its row count (the detected masked shape is reported, never a raw prompt)."""
    findings: list[dict[str, Any]] = []
    reason = pl.lit(None, dtype=pl.Utf8)
    # Earlier patterns win when several match: build the chain from the last one.
    for tpl in reversed(templates):
        reason = (
            pl.when(pl.col("text").str.contains(tpl.pattern)).then(pl.lit(f"template:{tpl.name}")).otherwise(reason)
        )
    frame = instructions.with_columns(reason.alias("_reason"))
    for tpl in templates:
        findings.append(
            {
                "kind": "pattern",
                "name": tpl.name,
                "pattern": tpl.pattern,
                "rows": int((frame["_reason"] == f"template:{tpl.name}").sum()),
            }
        )
    if detector.enabled and frame.height:
        frame = frame.with_columns(masked_shape(pl.col("text")).alias("_shape"))
        threshold = max(detector.min_count, int(detector.min_share * frame.height))
        fixed_words = pl.col("_shape").str.split(" ").list.eval(pl.element() != MASK).list.sum()
        counts = (
            frame.filter(pl.col("_reason").is_null())
            .group_by("_shape")
            .agg(pl.len().alias("rows"))
            .filter(pl.col("rows") >= threshold)
            .with_columns(fixed_words.alias("fixed_words"))
            .filter(pl.col("fixed_words") >= detector.min_fixed_words)
            .sort(["rows", "_shape"], descending=[True, False])
        )
        shapes = counts["_shape"].to_list()
        for no, row in enumerate(counts.iter_rows(named=True)):
            findings.append({"kind": "detected", "name": f"flood_{no}", "shape": row["_shape"], "rows": row["rows"]})
        name_of = {shape: f"flood_{no}" for no, shape in enumerate(shapes)}
        frame = frame.with_columns(
            pl.when(pl.col("_reason").is_null() & pl.col("_shape").is_in(shapes))
            .then(pl.lit("detected:") + pl.col("_shape").replace_strict(name_of, default=None))
            .otherwise(pl.col("_reason"))
            .alias("_reason")
        ).drop("_shape")
    dropped = dropped_rows(frame.filter(pl.col("_reason").is_not_null()), STEP, pl.col("_reason"))
    return frame.filter(pl.col("_reason").is_null()).drop("_reason"), dropped, findings
