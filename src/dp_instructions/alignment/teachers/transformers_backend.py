"""A teacher that is a local causal LM (transformers): its chat template when it has one,
batched generation, the GPU when present. The embedded default's teacher runs here."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.alignment.teachers.base import (
    AnswerStatus,
    ChatAnswer,
    ChatRequest,
    GenerationSettings,
    TeacherRun,
    classify_text,
)
from dp_instructions.alignment.teachers.cache import ResponseCache, split_cached
from dp_instructions.exceptions import InvalidInputError

log = logging.getLogger(__name__)

__all__ = ["TransformersTeacher", "plain_chat_prompt", "weights_digest"]


ASSISTANT_TURN = "\nAssistant:"


def plain_chat_prompt(messages: Sequence[Mapping[str, str]]) -> str:
    """The prompt for a model without a chat template: one ``Role: text`` line per message,
    then ``Assistant:`` (the format the embedded teacher is trained on)."""
    return "\n".join(f"{m['role'].capitalize()}: {m['content']}" for m in messages) + ASSISTANT_TURN


def weights_digest(model: PreTrainedModel, samples_per_tensor: int = 4096) -> str:
    """A short digest of the weights, for the cache key of a local model: each tensor's name,
    shape and an evenly strided sample of its values (hashing every weight of a 7B model
    would read 28 GB; any training changes the sampled values too)."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        flat = tensor.detach().reshape(-1)
        stride = max(1, flat.numel() // samples_per_tensor)
        h.update(f"{name}{tuple(tensor.shape)}{tensor.dtype}".encode())
        h.update(flat[::stride].to("cpu", torch.float32).contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


class TransformersTeacher:
    """Answers with ``model.generate`` in batches of ``batch_size`` (left-padded prompts
    truncated to ``max_prompt_tokens``; a truncation is counted on the answer)."""

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        *,
        name: str,
        batch_size: int = 16,
        max_prompt_tokens: int = 512,
        cache: ResponseCache | None = None,
        device: torch.device | None = None,
    ) -> None:
        if batch_size < 1 or max_prompt_tokens < 1:
            raise InvalidInputError(
                f"`alignment.teacher`: batch_size and max_prompt_tokens must be >= 1, got {batch_size}, "
                f"{max_prompt_tokens}"
            )
        self.device = device or next(model.parameters()).device
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_prompt_tokens = max_prompt_tokens
        self.cache = cache if cache is not None else ResponseCache(None)
        self._identity = {"backend": "transformers", "model": name, "weights": weights_digest(model)}
        if tokenizer.pad_token_id is None:
            raise InvalidInputError(f"the teacher's tokenizer ({name}) has no pad token; batched generation needs one")

    @property
    def identity(self) -> Mapping[str, Any]:
        return self._identity

    def prompt(self, request: ChatRequest) -> str:
        return "".join(self._prompt_parts(request))

    def _prompt_parts(self, request: ChatRequest) -> tuple[str, str]:
        """``(conversation, assistant turn)``: the rendered prompt split where the turn the
        model must continue begins, so that a cut shortens the conversation, not that turn."""
        if not getattr(self.tokenizer, "chat_template", None):
            full = plain_chat_prompt(request.messages)
            return full[: -len(ASSISTANT_TURN)], ASSISTANT_TURN
        messages = request.as_list()
        full = str(self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False))
        body = str(self.tokenizer.apply_chat_template(messages, add_generation_prompt=False, tokenize=False))
        return (body, full[len(body) :]) if full.startswith(body) else (full, "")

    def _prompt_budget(self, settings: GenerationSettings) -> int:
        """Prompt tokens that fit: ``max_prompt_tokens``, less where the model's positions
        would not hold the prompt and ``max_tokens`` new tokens."""
        positions = getattr(self.model.config, "n_positions", None) or getattr(
            self.model.config, "max_position_embeddings", None
        )
        budget = (
            self.max_prompt_tokens
            if positions is None
            else min(self.max_prompt_tokens, positions - settings.max_tokens)
        )
        if budget < 1:
            raise InvalidInputError(
                f"the teacher {self._identity['model']!r} has {positions} positions: `alignment.teacher.generation."
                f"max_tokens` ({settings.max_tokens}) leaves no room for the prompt"
            )
        return budget

    def _encode(self, batch: list[ChatRequest], budget: int) -> tuple[dict[str, torch.Tensor], list[int]]:
        """Left-padded prompts of at most ``budget`` tokens and how many tokens each lost: a
        long conversation is cut at its end, and the assistant turn is kept whole after it."""
        rows, cut = [], []
        for request in batch:
            body, turn = self._prompt_parts(request)
            body_ids = self.tokenizer(body, add_special_tokens=False)["input_ids"]
            turn_ids = self.tokenizer(turn, add_special_tokens=False)["input_ids"] if turn else []
            keep = max(0, budget - len(turn_ids))
            rows.append((body_ids[:keep] + turn_ids)[-budget:])
            cut.append(len(body_ids) + len(turn_ids) - len(rows[-1]))
        side = self.tokenizer.padding_side
        self.tokenizer.padding_side = "left"  # generation continues at the right edge
        try:
            enc = self.tokenizer.pad({"input_ids": rows}, padding=True, return_tensors="pt")
        finally:
            self.tokenizer.padding_side = side
        return {k: v.to(self.device) for k, v in enc.items()}, cut

    def _generate(self, batch: list[ChatRequest], settings: GenerationSettings) -> list[ChatAnswer]:
        started = time.perf_counter()
        enc, cut = self._encode(batch, self._prompt_budget(settings))
        sample = settings.temperature > 0
        devices = [self.device] if self.device.type == "cuda" else []
        # Seeded sampling without touching the caller's global RNG state.
        with torch.random.fork_rng(devices=devices), torch.no_grad():
            torch.manual_seed(0 if settings.seed is None else settings.seed)
            out = self.model.generate(
                **enc,
                max_new_tokens=settings.max_tokens,
                do_sample=sample,
                temperature=settings.temperature if sample else None,
                top_p=settings.top_p if sample else None,
                pad_token_id=self.tokenizer.pad_token_id,
                eos_token_id=self.tokenizer.eos_token_id,
            )
        new = out[:, enc["input_ids"].shape[1] :]
        latency = (time.perf_counter() - started) / len(batch)
        answers = []
        for request, ids, truncated, mask in zip(batch, new, cut, enc["attention_mask"], strict=True):
            tokens = ids.tolist()
            if self.tokenizer.eos_token_id in tokens:
                finish, tokens = "stop", tokens[: tokens.index(self.tokenizer.eos_token_id)]
            else:
                finish = "length"
            text = self.tokenizer.decode(tokens, skip_special_tokens=True)
            status, reason = classify_text(text)
            answers.append(
                ChatAnswer(
                    request.request_id,
                    status,
                    text=text.strip() if status is AnswerStatus.OK else None,
                    reason=reason,
                    prompt_tokens=int(mask.sum()),
                    completion_tokens=len(tokens),
                    latency_s=latency,
                    attempts=1,
                    finish_reason=finish,
                    prompt_truncated_tokens=truncated,
                )
            )
        return answers

    def answer(self, requests: Sequence[ChatRequest], settings: GenerationSettings) -> TeacherRun:
        started = time.perf_counter()
        out, todo = split_cached(self.cache, self.identity, settings, requests)
        log.info(
            "teacher %s (local): %d requests, %d from the cache",
            self._identity["model"],
            len(requests),
            len(requests) - len(todo),
        )
        for begin in range(0, len(todo), self.batch_size):
            chunk = todo[begin : begin + self.batch_size]
            for (i, _, key), answer in zip(chunk, self._generate([r for _, r, _ in chunk], settings), strict=True):
                self.cache.put(key, answer)
                out[i] = answer
        answers = [a for a in out if a is not None]
        assert len(answers) == len(requests), "every request has an answer"
        return TeacherRun(answers=answers, wall_s=time.perf_counter() - started, requests_sent=len(todo))
