from __future__ import annotations

import pytest
import torch

from dp_instructions.alignment.teachers.base import AnswerStatus, ChatRequest, GenerationSettings
from dp_instructions.alignment.teachers.cache import ResponseCache
from dp_instructions.alignment.teachers.report import summarise_run
from dp_instructions.alignment.teachers.transformers_backend import TransformersTeacher, plain_chat_prompt
from dp_instructions.exceptions import InvalidInputError


def requests(n: int) -> list[ChatRequest]:
    return [ChatRequest.from_user_text(f"r{i}", f"write a python function that sorts a list {i}") for i in range(n)]


def test_every_request_is_answered_in_order_and_a_rerun_sends_nothing(teacher_model, teacher_tokenizer, tmp_path):
    settings = GenerationSettings(max_tokens=8, temperature=1.0, seed=3)
    cache = ResponseCache(tmp_path / "c.sqlite")
    teacher = TransformersTeacher(teacher_model, teacher_tokenizer, name="tiny", batch_size=3, cache=cache)
    state = torch.random.get_rng_state()
    first = teacher.answer(requests(7), settings)
    assert torch.equal(state, torch.random.get_rng_state())  # the caller's RNG is untouched
    assert [a.request_id for a in first.answers] == [f"r{i}" for i in range(7)]
    assert first.requests_sent == 7
    assert all(a.completion_tokens is not None and a.completion_tokens <= 8 for a in first.answers)
    assert all((a.text is not None) == (a.status is AnswerStatus.OK) for a in first.answers)
    again = teacher.answer(requests(7), settings)
    assert again.requests_sent == 0 and all(a.cached for a in again.answers)
    assert [a.to_dict() | {"cached": False} for a in again.answers] == [a.to_dict() for a in first.answers]
    report = summarise_run(again, teacher.identity)
    assert report["from_cache"] == 7 and report["sent"] == 0 and sum(report["outcomes"].values()) == 7


def test_a_long_prompt_is_truncated_and_the_truncation_is_recorded(teacher_model, teacher_tokenizer):
    teacher = TransformersTeacher(teacher_model, teacher_tokenizer, name="tiny", max_prompt_tokens=16)
    long = ChatRequest.from_user_text("long", " ".join(["translate this sentence into french"] * 20))
    answer = teacher.answer([long], GenerationSettings(max_tokens=4, temperature=0.0)).answers[0]
    assert answer.prompt_tokens == 16 and answer.prompt_truncated_tokens > 0
    assert answer.finish_reason in ("stop", "length")


def test_the_plain_prompt_ends_with_the_assistant_turn():
    prompt = plain_chat_prompt([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}])
    assert prompt == "System: be brief\nUser: hi\nAssistant:"


def test_the_identity_changes_with_the_weights(teacher_model, teacher_tokenizer):
    import copy

    a = TransformersTeacher(teacher_model, teacher_tokenizer, name="tiny").identity
    other = copy.deepcopy(teacher_model)
    with torch.no_grad():
        next(other.parameters()).add_(1.0)
    assert TransformersTeacher(other, teacher_tokenizer, name="tiny").identity != a


def test_the_prompt_is_cut_to_leave_room_for_the_answer_in_the_model_positions(teacher_model, teacher_tokenizer):
    # The tiny model has 128 positions: 120 new tokens leave 8 for the prompt.
    teacher = TransformersTeacher(teacher_model, teacher_tokenizer, name="tiny", max_prompt_tokens=512)
    long = ChatRequest.from_user_text("long", " ".join(["give me ideas for dinner"] * 30))
    answer = teacher.answer([long], GenerationSettings(max_tokens=120, temperature=0.0)).answers[0]
    assert answer.prompt_tokens == 8 and answer.prompt_truncated_tokens > 100
    with pytest.raises(InvalidInputError, match="max_tokens"):
        teacher.answer([long], GenerationSettings(max_tokens=128, temperature=0.0))


@pytest.mark.parametrize(
    "template",
    [None, "{% for m in messages %}{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<reply>{% endif %}"],
)
def test_a_cut_prompt_keeps_the_turn_the_model_must_continue(teacher_model, teacher_tokenizer, template):
    import copy

    tokenizer = copy.deepcopy(teacher_tokenizer)
    tokenizer.chat_template = template
    teacher = TransformersTeacher(teacher_model, tokenizer, name="tiny", max_prompt_tokens=16)
    long = ChatRequest.from_user_text("long", " ".join(["summarise the article"] * 30))
    enc, cut = teacher._encode([long], 16)
    kept = tokenizer.decode(enc["input_ids"][0], skip_special_tokens=True)
    assert len(enc["input_ids"][0]) == 16 and cut[0] > 0
    assert kept.endswith("Assistant:" if template is None else "<reply>")
    assert kept.startswith("User: summarise" if template is None else "summarise")
