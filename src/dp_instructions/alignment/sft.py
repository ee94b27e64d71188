"""The supervised fine-tuning set: (instruction, teacher answer) pairs in TRL's
conversational *prompt-completion* format: a ``prompt`` column (the user turn, after the
system turn when there is one) and a ``completion`` column (the teacher's answer as an
assistant turn). ``SFTTrainer`` then puts the loss on the completion only
(``completion_only_loss``) with any chat template; the ``messages`` format would need a
template that marks the assistant's tokens.

Only OK answers become pairs; every other request is recorded with the teacher's reason."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from dp_instructions.alignment.teachers.base import AnswerStatus, ChatAnswer
from dp_instructions.exceptions import InvalidInputError

__all__ = ["MESSAGE_TYPE", "build_sft_dataset"]

MESSAGE_TYPE = pl.List(pl.Struct({"role": pl.Utf8, "content": pl.Utf8}))


def build_sft_dataset(
    requests: pl.DataFrame, answers: Sequence[ChatAnswer], system_prompt: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(sft_dataset, not_used)``: sft rows are source_set, request_id, source_id, prompt,
    completion; not_used rows are source_set, request_id, status, reason (``source_set`` is
    null when the requests have none). ``system_prompt`` is the one the teacher
    was asked with, so the student learns from the same prompt."""
    if requests.height != len(answers):
        raise InvalidInputError(f"{requests.height} annotation requests but {len(answers)} teacher answers")
    pairs: list[dict] = []
    unused: list[dict] = []
    for row, answer in zip(requests.iter_rows(named=True), answers, strict=True):
        if answer.request_id != row["request_id"]:
            raise InvalidInputError(
                f"teacher answer {answer.request_id!r} does not match annotation request {row['request_id']!r}"
            )
        if answer.status is AnswerStatus.OK and answer.text:
            pairs.append(
                {
                    "source_set": row.get("source_set"),
                    "request_id": row["request_id"],
                    "source_id": row["source_id"],
                    "prompt": [
                        *([{"role": "system", "content": system_prompt}] if system_prompt else []),
                        {"role": "user", "content": row["instruction"]},
                    ],
                    "completion": [{"role": "assistant", "content": answer.text}],
                }
            )
        else:
            unused.append(
                {
                    "source_set": row.get("source_set"),
                    "request_id": row["request_id"],
                    "status": answer.status.value,
                    "reason": answer.reason,
                }
            )
    sft = pl.DataFrame(
        pairs,
        schema={
            "source_set": pl.Utf8,
            "request_id": pl.Utf8,
            "source_id": pl.Utf8,
            "prompt": MESSAGE_TYPE,
            "completion": MESSAGE_TYPE,
        },
    )
    not_used = pl.DataFrame(
        unused, schema={"source_set": pl.Utf8, "request_id": pl.Utf8, "status": pl.Utf8, "reason": pl.Utf8}
    )
    assert sft.height + not_used.height == requests.height
    return sft, not_used
