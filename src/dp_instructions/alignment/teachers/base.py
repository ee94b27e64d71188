"""What every teacher backend takes and returns.

A teacher answers chat requests built from DP synthetic instructions (annotation, paper
4.3) and judges pairs of answers (win rates). Two backends share these types: an
OpenAI-compatible endpoint (:mod:`.openai_backend`) and a local causal LM
(:mod:`.transformers_backend`). Every request ends up answered or recorded as failed with
its reason: nothing is dropped silently.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from dp_instructions.exceptions import InvalidInputError

__all__ = [
    "AnswerStatus",
    "ChatAnswer",
    "ChatRequest",
    "GenerationSettings",
    "Teacher",
    "request_key",
]


@dataclass(frozen=True)
class GenerationSettings:
    """How the teacher generates; part of the cache key (a change means new answers)."""

    max_tokens: int = 256
    temperature: float = 0.7
    top_p: float = 0.95
    seed: int | None = 0

    def __post_init__(self) -> None:
        if isinstance(self.max_tokens, bool) or not isinstance(self.max_tokens, int) or self.max_tokens < 1:
            raise InvalidInputError(f"teacher `max_tokens` must be a positive int, got {self.max_tokens!r}")
        if not 0.0 <= float(self.temperature) <= 2.0:
            raise InvalidInputError(f"teacher `temperature` must be in [0, 2], got {self.temperature!r}")
        if not 0.0 < float(self.top_p) <= 1.0:
            raise InvalidInputError(f"teacher `top_p` must be in (0, 1], got {self.top_p!r}")


@dataclass(frozen=True)
class ChatRequest:
    """One conversation to complete: ``messages`` as the chat-completions API takes them."""

    request_id: str
    messages: tuple[Mapping[str, str], ...]

    def __post_init__(self) -> None:
        if not self.request_id:
            raise InvalidInputError("a teacher request needs a non-empty request_id")
        if not self.messages:
            raise InvalidInputError(f"teacher request {self.request_id!r} has no messages")
        for m in self.messages:
            if set(m) != {"role", "content"} or m["role"] not in ("system", "user", "assistant"):
                raise InvalidInputError(
                    f"teacher request {self.request_id!r}: a message must be {{role, content}} with role "
                    f"system, user or assistant, got {dict(m)!r}"
                )
            if not isinstance(m["content"], str):
                raise InvalidInputError(f"teacher request {self.request_id!r}: message content must be text")

    @classmethod
    def from_user_text(cls, request_id: str, text: str, system: str | None = None) -> ChatRequest:
        messages: list[Mapping[str, str]] = []
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": text})
        return cls(request_id=request_id, messages=tuple(messages))

    def as_list(self) -> list[dict[str, str]]:
        return [dict(m) for m in self.messages]


class AnswerStatus(str, enum.Enum):
    OK = "ok"
    EMPTY = "empty"
    """The teacher answered with nothing but white space."""
    REFUSED = "refused"
    """The answer is a refusal (a known refusal phrase at its start)."""
    FAILED = "failed"
    """No answer after the retries (the reason says why)."""


@dataclass
class ChatAnswer:
    """The outcome of one request. ``text`` is set for OK answers only; every other status
    has a ``reason``. ``cached``: served from the response cache, nothing sent."""

    request_id: str
    status: AnswerStatus
    text: str | None = None
    reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_s: float = 0.0
    attempts: int = 0
    cached: bool = False
    finish_reason: str | None = None
    prompt_truncated_tokens: int = 0
    """Tokens cut off the prompt to fit the teacher's context (local models)."""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status.value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChatAnswer:
        return cls(**{**data, "status": AnswerStatus(data["status"])})


# A teacher that opens with one of these declined the request: the answer would teach the
# student to refuse, so it is recorded as refused instead of used.
REFUSAL_OPENINGS = (
    "i'm sorry, but i can't",
    "i am sorry, but i cannot",
    "i can't help with",
    "i cannot help with",
    "i can't assist with",
    "i cannot assist with",
    "sorry, i can't",
    "as an ai language model, i cannot",
)


def classify_text(text: str | None) -> tuple[AnswerStatus, str | None]:
    """OK, EMPTY or REFUSED for a completion's text, with the reason for the last two."""
    if text is None or not text.strip():
        return AnswerStatus.EMPTY, "the teacher returned an empty answer"
    opening = " ".join(text.strip().lower().split())[:60]
    for phrase in REFUSAL_OPENINGS:
        if opening.startswith(phrase):
            return AnswerStatus.REFUSED, f"the answer opens with a refusal ({phrase!r})"
    return AnswerStatus.OK, None


def request_key(identity: Mapping[str, Any], settings: GenerationSettings, request: ChatRequest) -> str:
    """The response cache key: the teacher's identity (backend, model), the generation
    settings and the messages. The request id is not part of it: the same conversation
    asked twice is answered once."""
    payload = {"teacher": dict(identity), "settings": asdict(settings), "messages": request.as_list()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class TeacherRun:
    """Answers in request order plus what the run cost."""

    answers: list[ChatAnswer]
    wall_s: float
    requests_sent: int
    extra: dict[str, Any] = field(default_factory=dict)


class Teacher(Protocol):
    """A backend: ``identity`` names it in cache keys and reports (never a secret)."""

    @property
    def identity(self) -> Mapping[str, Any]: ...

    def answer(self, requests: Sequence[ChatRequest], settings: GenerationSettings) -> TeacherRun: ...
