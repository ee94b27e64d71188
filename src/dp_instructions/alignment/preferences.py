"""Preference pairs for RLHF (paper 4.4): the SFT student answers each DP synthetic
instruction twice (two seeded samples), and the judge compares the two answers in both
orders. The answer the judge prefers over both orders is ``chosen``; a tie, a pair whose
verdict flips with the order (position bias), a verdict that cannot be parsed, two identical
answers or an empty one are recorded with the reason and left out, never dropped silently.

The pairs are in TRL's conversational preference format (``prompt``, ``chosen``,
``rejected`` as message lists), which ``RewardTrainer`` and ``DPOTrainer`` take as they are.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

import polars as pl
import torch

from dp_instructions.alignment.chat_model import ChatModel
from dp_instructions.alignment.judges import Comparison, Judge, Verdict
from dp_instructions.alignment.sft import MESSAGE_TYPE
from dp_instructions.alignment.teachers.base import AnswerStatus, ChatAnswer, ChatRequest, GenerationSettings
from dp_instructions.alignment.teachers.transformers_backend import TransformersTeacher
from dp_instructions.exceptions import InvalidInputError

log = logging.getLogger(__name__)

__all__ = [
    "PAIR_DROPPED_SCHEMA",
    "PAIR_SCHEMA",
    "preference_examples",
    "prompts_for_preferences",
    "rank_answer_pairs",
    "sample_answer_pairs",
]

PAIR_SCHEMA = pl.Schema(
    {
        "request_id": pl.Utf8,
        "source_id": pl.Utf8,
        "prompt": MESSAGE_TYPE,
        "chosen": MESSAGE_TYPE,
        "rejected": MESSAGE_TYPE,
        "chosen_score": pl.Float64,
        "judge_detail": pl.Utf8,
    }
)
"""``chosen_score``: the chosen answer's mean score over the parseable orders (1 = it won in
both, 0.75 = a win and a tie)."""

PAIR_DROPPED_SCHEMA = pl.Schema(
    {
        "request_id": pl.Utf8,
        "source_id": pl.Utf8,
        "reason": pl.Utf8,
        "answer_1": pl.Utf8,
        "answer_2": pl.Utf8,
        "judge_detail": pl.Utf8,
    }
)

SOURCE_SET = "synthetic_resampled"

_FIRST_WINS = {Verdict.A: 1.0, Verdict.TIE: 0.5, Verdict.B: 0.0}


def prompts_for_preferences(
    annotation_requests: pl.DataFrame, max_prompts: int | None, system_prompt: str | None
) -> tuple[list[tuple[str, str, list[dict[str, str]]]], pl.DataFrame]:
    """``(request_id, source_id, prompt messages)`` of the first ``max_prompts`` requests of
    ``synthetic_resampled``, and the rest recorded as not selected (columns of
    :data:`PAIR_DROPPED_SCHEMA`)."""
    for column in ("source_set", "request_id", "source_id", "instruction"):
        if column not in annotation_requests.columns:
            raise InvalidInputError(
                f"dataset `annotation_requests` has no `{column}` column (columns: {annotation_requests.columns})"
            )
    rows = annotation_requests.filter(pl.col("source_set") == SOURCE_SET)
    if rows.height == 0:
        raise InvalidInputError(
            f"dataset `annotation_requests` holds no instruction of `{SOURCE_SET}`: there is nothing to build "
            "preference pairs from (is `synthetic_resampled` empty? see annotation_dropped)"
        )
    chosen = rows if max_prompts is None else rows.head(max_prompts)
    system = [{"role": "system", "content": system_prompt}] if system_prompt else []
    prompts = [
        (rid, sid, [*system, {"role": "user", "content": text}])
        for rid, sid, text in chosen.select("request_id", "source_id", "instruction").iter_rows()
    ]
    rest = rows.slice(chosen.height)
    not_selected = pl.DataFrame(
        {
            "request_id": rest["request_id"],
            "source_id": rest["source_id"],
            "reason": [f"not selected (alignment.rl.preferences.max_prompts = {max_prompts})"] * rest.height,
        },
        schema={"request_id": pl.Utf8, "source_id": pl.Utf8, "reason": pl.Utf8},
    ).with_columns(pl.lit(None, pl.Utf8).alias(c) for c in ("answer_1", "answer_2", "judge_detail"))
    return prompts, not_selected.select(PAIR_DROPPED_SCHEMA.names())


def sample_answer_pairs(
    policy: ChatModel,
    prompts: Sequence[tuple[str, str, list[dict[str, str]]]],
    settings: GenerationSettings,
    batch_size: int,
    device: torch.device,
) -> list[tuple[ChatAnswer, ChatAnswer]]:
    """Two independent samples of ``policy``'s answer to each prompt (seeds ``settings.seed``
    and the next one)."""
    answerer = TransformersTeacher(
        policy.model,
        policy.tokenizer,
        name="policy",
        batch_size=batch_size,
        max_prompt_tokens=policy.positions,
        device=device,
    )
    requests = [ChatRequest(rid, tuple(messages)) for rid, _, messages in prompts]
    seed = 0 if settings.seed is None else settings.seed
    first = answerer.answer(requests, dataclasses.replace(settings, seed=seed)).answers
    second = answerer.answer(requests, dataclasses.replace(settings, seed=seed + 1)).answers
    return list(zip(first, second, strict=True))


def _usable(answer: ChatAnswer) -> bool:
    return answer.status is AnswerStatus.OK and bool(answer.text)


def rank_answer_pairs(
    prompts: Sequence[tuple[str, str, list[dict[str, str]]]],
    answers: Sequence[tuple[ChatAnswer, ChatAnswer]],
    judge: Judge,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(pairs, dropped)``: every prompt ends up in one of them (columns of
    :data:`PAIR_SCHEMA` and :data:`PAIR_DROPPED_SCHEMA`)."""
    if len(prompts) != len(answers):
        raise InvalidInputError(f"{len(prompts)} prompts but {len(answers)} answer pairs")
    pairs: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    to_judge: list[int] = []
    for k, ((rid, sid, _), (one, two)) in enumerate(zip(prompts, answers, strict=True)):
        record = {"request_id": rid, "source_id": sid, "answer_1": one.text, "answer_2": two.text, "judge_detail": None}
        if not (_usable(one) and _usable(two)):
            which = "1" if not _usable(one) else "2"
            status = (one if which == "1" else two).status.value
            dropped.append(record | {"reason": f"sampled answer {which} is {status}"})
        elif (one.text or "").strip() == (two.text or "").strip():
            dropped.append(record | {"reason": "identical answers"})
        else:
            to_judge.append(k)
    comparisons = []
    for k in to_judge:
        instruction = prompts[k][2][-1]["content"]
        one, two = answers[k]
        comparisons.append(Comparison(f"{prompts[k][0]}|1", instruction, one.text or "", two.text or ""))
        comparisons.append(Comparison(f"{prompts[k][0]}|2", instruction, two.text or "", one.text or ""))
    verdicts = judge.judge(comparisons) if comparisons else []
    for j, k in enumerate(to_judge):
        rid, sid, messages = prompts[k]
        one, two = answers[k]
        first, second = verdicts[2 * j], verdicts[2 * j + 1]
        detail = f"1 first: {first.verdict.value} ({first.detail}); 2 first: {second.verdict.value} ({second.detail})"
        scores = [_FIRST_WINS[first.verdict]] if first.verdict is not Verdict.UNPARSEABLE else []
        if second.verdict is not Verdict.UNPARSEABLE:
            scores.append(1.0 - _FIRST_WINS[second.verdict])
        record = {"request_id": rid, "source_id": sid, "answer_1": one.text, "answer_2": two.text}
        if not scores:
            dropped.append(record | {"reason": "unparseable verdicts", "judge_detail": detail})
            continue
        score_one = sum(scores) / len(scores)
        if score_one == 0.5:
            reason = (
                "tie" if {first.verdict, second.verdict} <= {Verdict.TIE, Verdict.UNPARSEABLE} else "order-dependent"
            )
            dropped.append(record | {"reason": reason, "judge_detail": detail})
            continue
        better, worse = (one, two) if score_one > 0.5 else (two, one)
        pairs.append(
            {
                "request_id": rid,
                "source_id": sid,
                "prompt": messages,
                "chosen": [{"role": "assistant", "content": better.text}],
                "rejected": [{"role": "assistant", "content": worse.text}],
                "chosen_score": max(score_one, 1.0 - score_one),
                "judge_detail": detail,
            }
        )
    out = pl.DataFrame(pairs, schema=PAIR_SCHEMA)
    lost = pl.DataFrame(dropped, schema=PAIR_DROPPED_SCHEMA)
    assert out.height + lost.height == len(prompts)
    log.info(
        "preference pairs: %d of %d prompts (%s)",
        out.height,
        len(prompts),
        dict(lost.group_by("reason").len().iter_rows()) if lost.height else "none left out",
    )
    return out, lost


def preference_examples(preference_pairs: pl.DataFrame) -> list[dict[str, Any]]:
    """The pairs as TRL's conversational preference examples (``prompt``, ``chosen``, ``rejected``)."""
    for column in ("prompt", "chosen", "rejected"):
        if column not in preference_pairs.columns:
            raise InvalidInputError(
                f"dataset `preference_pairs` has no `{column}` column (columns: {preference_pairs.columns})"
            )
    if preference_pairs.height == 0:
        raise InvalidInputError(
            "dataset `preference_pairs` is empty: the judge preferred neither answer of any prompt (see "
            "preference_pairs_dropped for the reasons)"
        )
    return preference_pairs.select("prompt", "chosen", "rejected").to_dicts()
