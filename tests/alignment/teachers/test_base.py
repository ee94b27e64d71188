from __future__ import annotations

import pytest

from dp_instructions.alignment.teachers.base import (
    AnswerStatus,
    ChatAnswer,
    ChatRequest,
    GenerationSettings,
    classify_text,
    request_key,
)
from dp_instructions.exceptions import InvalidInputError


def test_classify_text_sorts_ok_empty_and_refused():
    assert classify_text("Here is a plan: ...") == (AnswerStatus.OK, None)
    assert classify_text("   \n")[0] is AnswerStatus.EMPTY
    assert classify_text(None)[0] is AnswerStatus.EMPTY
    status, reason = classify_text("I'm sorry, but I can't help with that request.")
    assert status is AnswerStatus.REFUSED and "refusal" in reason
    # A refusal phrase later in the answer is not a refusal of the request.
    assert classify_text("Sure. If it says I can't help with that, restart it.")[0] is AnswerStatus.OK


def test_request_key_ignores_the_id_but_not_the_teacher_settings_or_messages():
    teacher = {"backend": "openai", "model": "m"}
    settings = GenerationSettings()
    a = ChatRequest.from_user_text("a", "hello")
    assert request_key(teacher, settings, a) == request_key(teacher, settings, ChatRequest.from_user_text("b", "hello"))
    assert request_key(teacher, settings, a) != request_key(teacher, settings, ChatRequest.from_user_text("a", "hi"))
    assert request_key(teacher, settings, a) != request_key({**teacher, "model": "n"}, settings, a)
    other = GenerationSettings(temperature=0.0)
    assert request_key(teacher, settings, a) != request_key(teacher, other, a)


def test_chat_request_rejects_malformed_messages_by_request_id():
    with pytest.raises(InvalidInputError, match="'r1'"):
        ChatRequest("r1", ({"role": "robot", "content": "x"},))
    with pytest.raises(InvalidInputError, match="no messages"):
        ChatRequest("r2", ())
    assert ChatRequest.from_user_text("r3", "q", system="be brief").as_list()[0]["role"] == "system"


@pytest.mark.parametrize(
    "kwargs", [{"max_tokens": 0}, {"max_tokens": True}, {"temperature": -0.1}, {"top_p": 0.0}, {"top_p": 1.5}]
)
def test_generation_settings_name_the_bad_value(kwargs):
    with pytest.raises(InvalidInputError, match=next(iter(kwargs))):
        GenerationSettings(**kwargs)


def test_answers_round_trip_through_dicts():
    answer = ChatAnswer("r", AnswerStatus.REFUSED, reason="no", attempts=2)
    assert ChatAnswer.from_dict(answer.to_dict()) == answer
