from __future__ import annotations

import polars as pl
import pytest

from dp_instructions.alignment.requests import build_annotation_requests
from dp_instructions.alignment.sft import build_sft_dataset
from dp_instructions.alignment.teachers.base import AnswerStatus, ChatAnswer
from dp_instructions.exceptions import InvalidInputError


def requests():
    frame = pl.DataFrame({"id": ["a", "b", "c"], "text": ["Plan a trip", "Write a poem", "Fix this"]})
    return build_annotation_requests(frame, "synthetic_resampled", max_chars=100)[0]


def test_ok_answers_become_conversations_and_the_rest_keep_their_reason(tmp_path):
    req = requests()
    ids = req["request_id"].to_list()
    answers = [
        ChatAnswer(ids[0], AnswerStatus.OK, text="Go to Lisbon."),
        ChatAnswer(ids[1], AnswerStatus.REFUSED, reason="refusal"),
        ChatAnswer(ids[2], AnswerStatus.FAILED, reason="HTTP 503"),
    ]
    sft, unused = build_sft_dataset(req, answers, system_prompt="Be brief.")
    assert sft.height == 1
    assert sft["prompt"].to_list()[0] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Plan a trip"},
    ]
    assert sft["completion"].to_list()[0] == [{"role": "assistant", "content": "Go to Lisbon."}]
    assert build_sft_dataset(req, answers)[0]["prompt"].to_list()[0] == [{"role": "user", "content": "Plan a trip"}]
    assert unused.select("status", "reason").rows() == [("refused", "refusal"), ("failed", "HTTP 503")]
    path = tmp_path / "sft.parquet"
    sft.write_parquet(path)
    assert pl.read_parquet(path).equals(sft)


def test_answers_must_match_the_requests():
    req = requests()
    with pytest.raises(InvalidInputError, match="3 annotation requests but 1"):
        build_sft_dataset(req, [ChatAnswer("x", AnswerStatus.OK, text="t")])
    wrong = [ChatAnswer(f"x{i}", AnswerStatus.OK, text="t") for i in range(3)]
    with pytest.raises(InvalidInputError, match="does not match"):
        build_sft_dataset(req, wrong)
