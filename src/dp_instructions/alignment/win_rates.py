"""Win rates against a baseline (the AlpacaEval protocol, paper 4.3-4.4).

Each model's answer to each reference instruction is judged against the baseline's answer
in both orders (the model's answer first, then the baseline's), which cancels a judge's
position bias. Per instruction the model scores 1 for a win, 1/2 for a tie and 0 for a loss,
averaged over the orders whose verdict could be parsed; an instruction with no parseable
verdict is left out and counted. The win rate is the mean over instructions, with a
percentile bootstrap interval over instructions, beside each model's mean answer length
(judges favour long answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen first: no display)
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from dp_instructions.alignment.judges import Comparison, Judge, Verdict  # noqa: E402
from dp_instructions.exceptions import InvalidInputError  # noqa: E402

__all__ = ["VERDICT_SCHEMA", "bootstrap_interval", "comparisons_against", "plot_win_rates", "win_rate_summary"]

VERDICT_SCHEMA = pl.Schema(
    {
        "model": pl.Utf8,
        "baseline": pl.Utf8,
        "reference_id": pl.Utf8,
        "order": pl.Utf8,
        "verdict": pl.Utf8,
        "model_score": pl.Float64,
        "detail": pl.Utf8,
    }
)

_SCORE_FIRST = {Verdict.A: 1.0, Verdict.TIE: 0.5, Verdict.B: 0.0}
_SCORE_SECOND = {Verdict.A: 0.0, Verdict.TIE: 0.5, Verdict.B: 1.0}


def comparisons_against(answers: pl.DataFrame, model: str, baseline: str) -> list[tuple[str, str, Comparison]]:
    """``(reference_id, order, comparison)`` for every instruction both answered, in both orders."""
    mine = answers.filter(pl.col("model") == model).select("reference_id", "instruction", "answer")
    theirs = answers.filter(pl.col("model") == baseline).select("reference_id", pl.col("answer").alias("baseline"))
    if mine.height == 0 or theirs.height == 0:
        missing = model if mine.height == 0 else baseline
        raise InvalidInputError(f"dataset `reference_answers` holds no answer of `{missing}`")
    out = []
    for rid, instruction, a, b in mine.join(theirs, on="reference_id").iter_rows():
        out.append((rid, "model_first", Comparison(f"{model}|{baseline}|{rid}|1", instruction, a, b)))
        out.append((rid, "baseline_first", Comparison(f"{model}|{baseline}|{rid}|2", instruction, b, a)))
    return out


def judge_against(answers: pl.DataFrame, models: Sequence[str], baseline: str, judge: Judge) -> pl.DataFrame:
    """Every verdict (columns of :data:`VERDICT_SCHEMA`); ``model_score`` is null when unparseable."""
    rows: list[dict[str, Any]] = []
    for model in models:
        pairs = comparisons_against(answers, model, baseline)
        verdicts = judge.judge([c for _, _, c in pairs])
        for (rid, order, _), verdict in zip(pairs, verdicts, strict=True):
            table = _SCORE_FIRST if order == "model_first" else _SCORE_SECOND
            rows.append(
                {
                    "model": model,
                    "baseline": baseline,
                    "reference_id": rid,
                    "order": order,
                    "verdict": verdict.verdict.value,
                    "model_score": table.get(verdict.verdict),
                    "detail": verdict.detail,
                }
            )
    return pl.DataFrame(rows, schema=VERDICT_SCHEMA)


def bootstrap_interval(scores: np.ndarray, samples: int, confidence: float, seed: int) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``scores`` (one per instruction)."""
    if scores.size == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    means = scores[rng.integers(0, scores.size, size=(samples, scores.size))].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def win_rate_summary(
    verdicts: pl.DataFrame, answers: pl.DataFrame, samples: int, confidence: float, seed: int
) -> list[dict[str, Any]]:
    """One row per model: win rate and interval, verdict counts, unparseable verdicts and
    instructions left out, mean answer length (the baseline's too)."""
    lengths = answers.group_by("model").agg(
        pl.col("words").mean().alias("mean_words"), pl.col("completion_tokens").mean().alias("mean_tokens")
    )
    length_of = {r["model"]: r for r in lengths.iter_rows(named=True)}
    out = []
    for model in verdicts["model"].unique(maintain_order=True).to_list():
        mine = verdicts.filter(pl.col("model") == model)
        per_instruction = (
            mine.filter(pl.col("model_score").is_not_null())
            .group_by("reference_id", maintain_order=True)
            .agg(pl.col("model_score").mean())
        )
        scores = per_instruction["model_score"].to_numpy()
        low, high = bootstrap_interval(scores, samples, confidence, seed)
        counts = mine["verdict"].value_counts()
        count_of = dict(zip(counts["verdict"].to_list(), counts["count"].to_list(), strict=True))
        baseline = mine["baseline"][0]
        wins = int(mine.filter(pl.col("model_score") == 1.0).height)
        losses = int(mine.filter(pl.col("model_score") == 0.0).height)
        out.append(
            {
                "model": model,
                "baseline": baseline,
                "win_rate": float(scores.mean()) if scores.size else None,
                "interval": [low, high],
                "confidence": confidence,
                "instructions": int(mine["reference_id"].n_unique()),
                "instructions_judged": int(scores.size),
                "verdicts": int(mine.height),
                "wins": wins,
                "ties": int(count_of.get(Verdict.TIE.value, 0)),
                "losses": losses,
                "unparseable": int(count_of.get(Verdict.UNPARSEABLE.value, 0)),
                "mean_words": length_of.get(model, {}).get("mean_words"),
                "mean_tokens": length_of.get(model, {}).get("mean_tokens"),
                "baseline_mean_words": length_of.get(baseline, {}).get("mean_words"),
            }
        )
    return out


def plot_win_rates(summary: Sequence[dict[str, Any]], judge: str) -> plt.Figure:
    """Win rate per model with its bootstrap interval; 0.5 is a draw with the baseline."""
    fig, ax = plt.subplots(figsize=(6.5, 0.9 + 0.7 * max(1, len(summary))))
    names = [
        f"{row['model']}\n({row['mean_words']:.0f} words)" if row["mean_words"] is not None else row["model"]
        for row in summary
    ]
    rates = [np.nan if row["win_rate"] is None else row["win_rate"] for row in summary]
    errors = np.array(
        [
            [r - row["interval"][0], row["interval"][1] - r] if row["win_rate"] is not None else [0, 0]
            for r, row in zip(rates, summary, strict=True)
        ]
    ).T
    y = np.arange(len(summary))
    ax.barh(y, rates, xerr=errors, color="#4c72b0", capsize=4)
    ax.axvline(0.5, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 1)
    baseline = summary[0]["baseline"] if summary else "?"
    ax.set_xlabel(f"win rate against the student of {baseline} ({judge} judge; ties count 1/2)")
    ax.set_title("Students on eval_reference_instructions")
    fig.tight_layout()
    return fig
