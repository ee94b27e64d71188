"""Judges: verdict parsing, the prompt judge over a teacher, the likelihood judge."""

from __future__ import annotations

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from dp_instructions.alignment.chat_model import ChatModel, chat_model_from_base
from dp_instructions.alignment.judges import Comparison, LikelihoodJudge, PromptJudge, Verdict, parse_verdict
from dp_instructions.alignment.teachers.base import AnswerStatus, ChatAnswer, TeacherRun


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("A", Verdict.A),
        ("b", Verdict.B),
        ("[[A]]", Verdict.A),
        ("Answer B is better.", Verdict.B),
        ("Tie", Verdict.TIE),
        ("tie.", Verdict.TIE),
        ("  B\nbecause", Verdict.B),
        ("Both are fine", Verdict.UNPARSEABLE),
        ("Absolutely A", Verdict.UNPARSEABLE),
        ("", Verdict.UNPARSEABLE),
        (None, Verdict.UNPARSEABLE),
    ],
)
def test_parse_verdict(reply, verdict):
    assert parse_verdict(reply) is verdict


class CannedTeacher:
    identity = {"backend": "canned"}

    def __init__(self, replies):
        self.replies = replies
        self.requests = []

    def answer(self, requests, settings):
        self.requests.extend(requests)
        answers = []
        for request, reply in zip(requests, self.replies, strict=True):
            if reply is None:
                answers.append(ChatAnswer(request.request_id, AnswerStatus.FAILED, reason="HTTP 500 after 5 retries"))
            else:
                answers.append(ChatAnswer(request.request_id, AnswerStatus.OK, text=reply))
        return TeacherRun(answers=answers, wall_s=0.0, requests_sent=len(requests))


def test_prompt_judge_shows_both_answers_and_records_what_it_cannot_parse():
    teacher = CannedTeacher(["A", "I like both", None])
    comparisons = [Comparison(f"c{i}", "how?", f"first {i}", f"second {i}") for i in range(3)]
    verdicts = PromptJudge(teacher).judge(comparisons)
    assert [v.verdict for v in verdicts] == [Verdict.A, Verdict.UNPARSEABLE, Verdict.UNPARSEABLE]
    assert verdicts[2].detail.startswith("failed")
    user = teacher.requests[0].messages[-1]["content"]
    assert user.index("first 0") < user.index("second 0")


@pytest.fixture(scope="module")
def tiny_chat(tmp_path_factory) -> ChatModel:
    from transformers import AutoTokenizer

    from tests.alignment.teachers.openai_server import save_tiny_chat_model

    path = save_tiny_chat_model(tmp_path_factory.mktemp("judge") / "tiny")
    tokenizer = AutoTokenizer.from_pretrained(path)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=32, n_embd=16, n_layer=1, n_head=2))
    return chat_model_from_base(model, tokenizer, 64, {})


def test_likelihood_judge_prefers_the_likelier_answer_and_is_order_free(tiny_chat):
    judge = LikelihoodJudge(tiny_chat, tie_margin=0.0, device=torch.device("cpu"))
    a, b = "one two three", "zebra quantum"
    score_a, score_b = judge.scores([("say something", a), ("say something", b)])
    better, worse = (a, b) if score_a > score_b else (b, a)
    v1, v2 = judge.judge(
        [Comparison("1", "say something", better, worse), Comparison("2", "say something", worse, better)]
    )
    assert (v1.verdict, v2.verdict) == (Verdict.A, Verdict.B)
    wide = LikelihoodJudge(tiny_chat, tie_margin=100.0, device=torch.device("cpu"))
    assert wide.judge([Comparison("3", "x", a, b)])[0].verdict is Verdict.TIE


def test_likelihood_scores_match_a_one_at_a_time_oracle(tiny_chat):
    judge = LikelihoodJudge(tiny_chat, tie_margin=0.0, device=torch.device("cpu"), batch_size=3)
    pairs = [("hi", "a b c d e"), ("a much longer instruction " * 5, "short"), ("q", "")]
    batched = judge.scores(pairs)
    for pair, got in zip(pairs, batched, strict=True):
        ids, start = judge._encode(*pair)
        with torch.no_grad():
            logits = tiny_chat.model(torch.tensor([ids])).logits[0].float()
        logp = torch.log_softmax(logits[:-1], -1)[torch.arange(len(ids) - 1), torch.tensor(ids[1:])]
        assert got == pytest.approx(float(logp[start - 1 :].mean()), abs=1e-5)
