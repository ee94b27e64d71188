"""Preference pairs: every prompt becomes a pair or a recorded drop with its reason; the
judge's two orders decide which answer is chosen."""

from __future__ import annotations

import polars as pl
import pytest
import torch

from dp_instructions.alignment.chat_model import chat_model_from_base
from dp_instructions.alignment.judges import Comparison, JudgeVerdict, Verdict
from dp_instructions.alignment.preferences import (
    PAIR_DROPPED_SCHEMA,
    PAIR_SCHEMA,
    preference_examples,
    prompts_for_preferences,
    rank_answer_pairs,
    sample_answer_pairs,
)
from dp_instructions.alignment.teachers.base import AnswerStatus, ChatAnswer, GenerationSettings
from dp_instructions.exceptions import InvalidInputError


class ScriptedJudge:
    """Answers each comparison from a table keyed by (prompt id, order)."""

    method = "scripted"

    def __init__(self, verdicts: dict[str, tuple[Verdict, Verdict]]) -> None:
        self.verdicts = verdicts
        self.seen: list[Comparison] = []

    def judge(self, comparisons):
        self.seen.extend(comparisons)
        out = []
        for c in comparisons:
            rid, order = c.comparison_id.rsplit("|", 1)
            out.append(JudgeVerdict(c.comparison_id, self.verdicts[rid][int(order) - 1], "scripted"))
        return out


def ok(text: str) -> ChatAnswer:
    return ChatAnswer("x", AnswerStatus.OK, text=text)


def prompt(rid: str) -> tuple[str, str, list[dict[str, str]]]:
    return (rid, f"src-{rid}", [{"role": "user", "content": f"question {rid}"}])


def test_every_prompt_is_a_pair_or_a_reason():
    A, B, TIE, BAD = Verdict.A, Verdict.B, Verdict.TIE, Verdict.UNPARSEABLE
    cases = {
        # id: (answers, (verdict with answer 1 first, verdict with answer 2 first))
        "win1": ((ok("one"), ok("two")), (A, B)),  # answer 1 wins in both orders
        "win2": ((ok("one"), ok("two")), (B, A)),  # answer 2 wins in both orders
        "half": ((ok("one"), ok("two")), (A, TIE)),  # a win and a tie: answer 1, score 0.75
        "onebad": ((ok("one"), ok("two")), (BAD, A)),  # one order unparseable: answer 2 by the other
        "tie": ((ok("one"), ok("two")), (TIE, TIE)),
        "flip": ((ok("one"), ok("two")), (A, A)),  # the first shown always wins: position bias
        "bad": ((ok("one"), ok("two")), (BAD, BAD)),
        "same": ((ok("same"), ok(" same ")), (A, B)),
        "empty": ((ok("one"), ChatAnswer("x", AnswerStatus.EMPTY, reason="the answer is blank")), (A, B)),
    }
    prompts = [prompt(rid) for rid in cases]
    judge = ScriptedJudge({rid: v for rid, (_, v) in cases.items()})
    pairs, dropped = rank_answer_pairs(prompts, [a for a, _ in cases.values()], judge)
    assert pairs.schema == PAIR_SCHEMA and dropped.schema == PAIR_DROPPED_SCHEMA
    assert pairs.height + dropped.height == len(cases)
    chosen = {
        r["request_id"]: (r["chosen"][0]["content"], r["rejected"][0]["content"], r["chosen_score"])
        for r in pairs.to_dicts()
    }
    assert chosen == {
        "win1": ("one", "two", 1.0),
        "win2": ("two", "one", 1.0),
        "half": ("one", "two", 0.75),
        "onebad": ("two", "one", 1.0),
    }
    reasons = dict(dropped.select("request_id", "reason").iter_rows())
    assert reasons == {
        "tie": "tie",
        "flip": "order-dependent",
        "bad": "unparseable verdicts",
        "same": "identical answers",
        "empty": "sampled answer 2 is empty",
    }
    # identical and empty answers never reach the judge; the others are judged in both orders
    assert len(judge.seen) == 2 * 7
    shown = {c.comparison_id: (c.answer_a, c.answer_b) for c in judge.seen}
    assert shown["win1|1"] == ("one", "two") and shown["win1|2"] == ("two", "one")
    assert pairs.row(0, named=True)["prompt"] == [{"role": "user", "content": "question win1"}]


def test_prompts_come_from_synthetic_resampled_and_the_rest_is_recorded():
    requests = pl.DataFrame(
        {
            "source_set": ["synthetic_resampled"] * 3 + ["public_instructions"],
            "request_id": ["r0", "r1", "r2", "p0"],
            "source_id": ["s0", "s1", "s2", "q0"],
            "instruction": ["a", "b", "c", "d"],
        }
    )
    prompts, not_selected = prompts_for_preferences(requests, 2, "be brief")
    assert [p[0] for p in prompts] == ["r0", "r1"]
    assert prompts[0][2] == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "a"}]
    assert not_selected.schema == PAIR_DROPPED_SCHEMA and not_selected["request_id"].to_list() == ["r2"]
    assert "max_prompts = 2" in not_selected["reason"][0]
    everything, none_left = prompts_for_preferences(requests, None, None)
    assert len(everything) == 3 and none_left.height == 0
    with pytest.raises(InvalidInputError, match="synthetic_resampled"):
        prompts_for_preferences(requests.filter(pl.col("source_set") != "synthetic_resampled"), 2, None)
    with pytest.raises(InvalidInputError, match="`instruction`"):
        prompts_for_preferences(requests.drop("instruction"), 2, None)


def test_an_empty_pair_set_names_the_dataset():
    with pytest.raises(InvalidInputError, match="preference_pairs_dropped"):
        preference_examples(pl.DataFrame(schema=PAIR_SCHEMA))


def test_the_two_answers_are_independent_samples(teacher_model, teacher_tokenizer):
    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 128, {})
    prompts = [prompt(f"p{i}") for i in range(6)]
    settings = GenerationSettings(max_tokens=12, temperature=1.0, top_p=1.0, seed=3)
    pairs = sample_answer_pairs(chat, prompts, settings, 4, torch.device("cpu"))
    assert len(pairs) == 6
    assert any(a.text != b.text for a, b in pairs)
    again = sample_answer_pairs(chat, prompts, settings, 4, torch.device("cpu"))
    assert [(a.text, b.text) for a, b in pairs] == [(a.text, b.text) for a, b in again]  # seeded
