"""The cleansing funnel (paper, Appendix E) as a report and a plot."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402

from dp_instructions.exceptions import DPInstructionsError  # noqa: E402


def funnel(input_rows: int, dropped: pl.DataFrame, steps: list[str], splits: dict[str, int]) -> dict[str, Any]:
    """Counts after each step, drops per reason, split sizes, and the conservation check
    (input = kept + dropped) that must hold for every run."""
    per_step = {s: 0 for s in steps}
    for row in dropped.group_by("step").agg(pl.len().alias("n")).iter_rows(named=True):
        if row["step"] not in per_step:
            raise DPInstructionsError(f"dropped rows name an unknown step {row['step']!r}")
        per_step[row["step"]] = row["n"]
    remaining = input_rows
    stages = [{"step": "input_conversations", "dropped": 0, "remaining": remaining}]
    for s in steps:
        remaining -= per_step[s]
        stages.append({"step": s, "dropped": per_step[s], "remaining": remaining})
    kept = sum(splits.values())
    if kept + dropped.height != input_rows:
        raise DPInstructionsError(
            f"row conservation violated: {input_rows} input conversations but {kept} kept + {dropped.height} dropped"
        )
    reasons = (
        dropped.with_columns(pl.col("reason").str.replace(r"^(detected):.*$", "$1"))
        .group_by(["step", "reason"])
        .agg(pl.len().alias("rows"))
        .sort(["step", "rows"], descending=[False, True])
    )
    return {
        "input_conversations": input_rows,
        "kept_instructions": kept,
        "dropped_rows": dropped.height,
        "conserved": True,
        "funnel": stages,
        "drop_reasons": reasons.to_dicts(),
        "splits": splits,
    }


def funnel_plot(report: dict[str, Any]) -> plt.Figure:
    stages = report["funnel"]
    labels = [s["step"] for s in stages]
    values = [s["remaining"] for s in stages]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) + 1.2))
    bars = ax.barh(labels[::-1], values[::-1], color="#4c72b0")
    for bar, v in zip(bars, values[::-1]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:,}", va="center", fontsize=8)
    ax.set_xlabel("rows remaining")
    ax.set_title("Cleansing funnel (paper, Appendix E)")
    ax.set_xlim(0, max(values) * 1.15 if values and max(values) else 1)
    fig.tight_layout()
    return fig
