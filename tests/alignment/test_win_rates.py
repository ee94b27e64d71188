"""Win rates: both orders, ties as 1/2, unparseable verdicts left out and counted, the
bootstrap interval, against plain Python oracles."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dp_instructions.alignment.judges import Comparison, JudgeVerdict, Verdict
from dp_instructions.alignment.students import REFERENCE_ANSWER_SCHEMA
from dp_instructions.alignment.win_rates import bootstrap_interval, judge_against, plot_win_rates, win_rate_summary
from dp_instructions.exceptions import InvalidInputError


def answers(models: dict[str, list[str]]) -> pl.DataFrame:
    rows = []
    for model, texts in models.items():
        for i, text in enumerate(texts):
            rows.append(
                {
                    "model": model,
                    "reference_id": f"ref-{i}",
                    "instruction": f"question {i}",
                    "answer": text,
                    "status": "ok",
                    "completion_tokens": len(text.split()),
                    "words": len(text.split()),
                }
            )
    return pl.DataFrame(rows, schema=REFERENCE_ANSWER_SCHEMA)


class ScriptedJudge:
    """Verdicts from a table keyed by (first answer, second answer)."""

    method = "scripted"

    def __init__(self, table: dict[tuple[str, str], Verdict]) -> None:
        self.table = table
        self.seen: list[Comparison] = []

    def judge(self, comparisons: Sequence[Comparison]) -> list[JudgeVerdict]:
        self.seen.extend(comparisons)
        return [JudgeVerdict(c.comparison_id, self.table[(c.answer_a, c.answer_b)], "") for c in comparisons]


def test_both_orders_are_judged_and_scored_from_the_models_side():
    data = answers({"student": ["good", "same", "bad"], "baseline": ["meh", "same", "fine"]})
    judge = ScriptedJudge(
        {
            ("good", "meh"): Verdict.A,
            ("meh", "good"): Verdict.B,
            ("same", "same"): Verdict.TIE,
            ("bad", "fine"): Verdict.B,
            ("fine", "bad"): Verdict.UNPARSEABLE,
        }
    )
    verdicts = judge_against(data, ["student"], "baseline", judge)
    assert len(judge.seen) == 6
    assert verdicts.height == 6
    [row] = win_rate_summary(verdicts, data, samples=200, confidence=0.9, seed=0)
    # per instruction: 1 (both orders), 0.5 (tie twice), 0 (one parseable order)
    assert row["win_rate"] == pytest.approx(0.5)
    assert (row["wins"], row["ties"], row["losses"], row["unparseable"]) == (2, 2, 1, 1)
    assert row["instructions"] == 3 and row["instructions_judged"] == 3
    assert row["mean_words"] == 1 and row["baseline_mean_words"] == 1


def test_an_instruction_with_no_parseable_verdict_is_left_out():
    data = answers({"student": ["x", "y"], "baseline": ["p", "q"]})
    table = {
        ("x", "p"): Verdict.UNPARSEABLE,
        ("p", "x"): Verdict.UNPARSEABLE,
        ("y", "q"): Verdict.A,
        ("q", "y"): Verdict.B,
    }
    [row] = win_rate_summary(judge_against(data, ["student"], "baseline", ScriptedJudge(table)), data, 100, 0.95, 0)
    assert row["win_rate"] == 1.0
    assert row["instructions_judged"] == 1 and row["unparseable"] == 2


def test_a_model_without_answers_is_named():
    with pytest.raises(InvalidInputError, match="absent"):
        judge_against(answers({"baseline": ["a"]}), ["absent"], "baseline", ScriptedJudge({}))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=1, max_size=40), st.integers(0, 2**31 - 1))
def test_bootstrap_interval_matches_a_plain_python_resampling(scores, seed):
    values = np.array(scores)
    low, high = bootstrap_interval(values, samples=300, confidence=0.9, seed=seed)
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, len(scores), size=(300, len(scores)))
    means = sorted(sum(scores[i] for i in row) / len(scores) for row in indices.tolist())
    assert low == pytest.approx(float(np.quantile(means, 0.05)))
    assert high == pytest.approx(float(np.quantile(means, 0.95)))
    assert low <= values.mean() + 1e-12 or low <= high


def test_plot_has_one_bar_per_model():
    data = answers({"a": ["x"], "b": ["y"], "baseline": ["z"]})
    table = {(p, q): Verdict.A for p in "xyz" for q in "xyz"}
    summary = win_rate_summary(judge_against(data, ["a", "b"], "baseline", ScriptedJudge(table)), data, 50, 0.95, 0)
    figure = plot_win_rates(summary, "scripted")
    assert len(figure.axes[0].patches) == 2
    random.seed(0)
