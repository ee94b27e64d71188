"""Pairwise judges for win rates (the AlpacaEval protocol): which of two answers to an
instruction is better, or a tie.

* :class:`PromptJudge` asks a chat model (any teacher backend: an OpenAI-compatible
  endpoint or a local model) with a judging prompt and parses its verdict; a verdict that
  cannot be parsed is recorded as such and left out of the win rate.
* :class:`LikelihoodJudge` prefers the answer that a local judge model finds more likely
  per token after the instruction, ties within a margin. It is how the embedded judge (a
  0.9M-parameter model, far too small to follow a judging prompt) judges: "which answer
  reads more like what the public teacher would say". It has no position bias by
  construction, and no verdict to parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import torch

from dp_instructions.alignment.chat_model import ChatModel
from dp_instructions.alignment.teachers.base import AnswerStatus, ChatRequest, GenerationSettings, Teacher

__all__ = [
    "JUDGE_SYSTEM_PROMPT",
    "Comparison",
    "Judge",
    "JudgeVerdict",
    "LikelihoodJudge",
    "PromptJudge",
    "Verdict",
    "parse_verdict",
]


class Verdict(str, Enum):
    A = "a"
    B = "b"
    TIE = "tie"
    UNPARSEABLE = "unparseable"


@dataclass(frozen=True)
class Comparison:
    """One judged pair: ``answer_a`` is shown first."""

    comparison_id: str
    instruction: str
    answer_a: str
    answer_b: str


@dataclass(frozen=True)
class JudgeVerdict:
    comparison_id: str
    verdict: Verdict
    detail: str
    """The judge's raw reply (prompt judge) or the two scores (likelihood judge)."""


class Judge(Protocol):
    method: str

    def judge(self, comparisons: Sequence[Comparison]) -> list[JudgeVerdict]: ...


JUDGE_SYSTEM_PROMPT = (
    "You compare two answers to the same user instruction. Judge helpfulness, correctness and clarity; ignore "
    "which answer comes first and do not favour longer answers. Reply with exactly one of: A, B, tie."
)

_VERDICT = re.compile(r"^\W*(?:answer\s+|output\s+|response\s+)?\[?\[?(a|b|tie)\]?\]?(?:\W|$)", re.IGNORECASE)


def parse_verdict(text: str | None) -> Verdict:
    """``A``, ``B`` or ``tie`` at the start of the reply (``[[A]]``, ``Answer B.``, ``Tie``),
    anything else is unparseable."""
    if not text:
        return Verdict.UNPARSEABLE
    match = _VERDICT.match(text.strip())
    return Verdict(match.group(1).lower()) if match else Verdict.UNPARSEABLE


def _judge_request(comparison: Comparison, system_prompt: str | None) -> ChatRequest:
    user = (
        f"Instruction:\n{comparison.instruction}\n\n[Answer A]\n{comparison.answer_a}\n\n"
        f"[Answer B]\n{comparison.answer_b}\n\nWhich answer is better? Reply A, B or tie."
    )
    return ChatRequest.from_user_text(comparison.comparison_id, user, system_prompt)


class PromptJudge:
    """A chat model asked to judge (greedy, a few tokens); its replies go through the
    teacher's response cache, so a re-run does not ask twice."""

    method = "prompt"

    def __init__(self, teacher: Teacher, max_tokens: int = 8, system_prompt: str | None = JUDGE_SYSTEM_PROMPT) -> None:
        self.teacher = teacher
        self.system_prompt = system_prompt
        self.settings = GenerationSettings(max_tokens=max_tokens, temperature=0.0, top_p=1.0, seed=0)

    def judge(self, comparisons: Sequence[Comparison]) -> list[JudgeVerdict]:
        run = self.teacher.answer([_judge_request(c, self.system_prompt) for c in comparisons], self.settings)
        out = []
        for comparison, answer in zip(comparisons, run.answers, strict=True):
            if answer.status is AnswerStatus.FAILED:
                out.append(JudgeVerdict(comparison.comparison_id, Verdict.UNPARSEABLE, f"failed: {answer.reason}"))
                continue
            text = answer.text or ""
            out.append(JudgeVerdict(comparison.comparison_id, parse_verdict(text), text[:200]))
        return out


class LikelihoodJudge:
    """Mean log-probability per answer token under ``chat`` after the instruction's chat
    prompt; the higher wins, closer than ``tie_margin`` (nats per token) ties."""

    method = "likelihood"

    def __init__(self, chat: ChatModel, tie_margin: float, device: torch.device, batch_size: int = 32) -> None:
        self.chat = chat
        self.tie_margin = tie_margin
        self.device = device
        self.batch_size = batch_size
        self.model = chat.model.to(device).eval()
        self._positions = chat.positions

    def _encode(self, instruction: str, answer: str) -> tuple[list[int], int]:
        tok = self.chat.tokenizer
        prompt = str(
            tok.apply_chat_template(
                [{"role": "user", "content": instruction}], add_generation_prompt=True, tokenize=False
            )
        )
        prompt_ids = tok(prompt, add_special_tokens=False)["input_ids"]
        answer_ids = tok(" " + answer.strip(), add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
        answer_ids = answer_ids[: self._positions - 1]
        prompt_ids = prompt_ids[-(self._positions - len(answer_ids)) :]
        return prompt_ids + answer_ids, len(prompt_ids)

    @torch.no_grad()
    def scores(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """Mean log-probability per token of each ``(instruction, answer)``'s answer."""
        out: list[float] = []
        pad = self.chat.tokenizer.pad_token_id
        for begin in range(0, len(pairs), self.batch_size):
            encoded = [self._encode(i, a) for i, a in pairs[begin : begin + self.batch_size]]
            width = max(len(ids) for ids, _ in encoded)
            ids = torch.full((len(encoded), width), pad, dtype=torch.long)
            mask = torch.zeros_like(ids)
            scored = torch.zeros(len(encoded), width, dtype=torch.bool)
            for row, (seq, start) in enumerate(encoded):
                ids[row, : len(seq)] = torch.tensor(seq)
                mask[row, : len(seq)] = 1
                scored[row, start : len(seq)] = True
            logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits.float()
            logp = torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, 1:, None].to(self.device))[..., 0]
            target = scored[:, 1:].to(self.device)
            out.extend(((logp * target).sum(1) / target.sum(1).clamp(min=1)).tolist())
        return out

    def judge(self, comparisons: Sequence[Comparison]) -> list[JudgeVerdict]:
        pairs = [(c.instruction, c.answer_a) for c in comparisons] + [(c.instruction, c.answer_b) for c in comparisons]
        scores = self.scores(pairs)
        n = len(comparisons)
        out = []
        for k, comparison in enumerate(comparisons):
            a, b = scores[k], scores[n + k]
            verdict = Verdict.TIE if abs(a - b) < self.tie_margin else (Verdict.A if a > b else Verdict.B)
            out.append(JudgeVerdict(comparison.comparison_id, verdict, f"A {a:.4f} B {b:.4f} nats/token"))
        return out
