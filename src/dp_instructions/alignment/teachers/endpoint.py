"""Which teacher answers: a local causal LM or an OpenAI-compatible endpoint
(:class:`TeacherEndpoint`, loaded from the catalog entry ``teacher_endpoint``), and
building the backend for it (:func:`make_teacher`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from transformers import AutoModelForCausalLM, AutoTokenizer

from dp_instructions.alignment.chat_model import ChatModel
from dp_instructions.alignment.parameters import TeacherConfig
from dp_instructions.alignment.teachers.base import Teacher
from dp_instructions.alignment.teachers.cache import ResponseCache
from dp_instructions.alignment.teachers.openai_backend import CREDENTIALS_ENTRY, OpenAIChatTeacher
from dp_instructions.alignment.teachers.transformers_backend import TransformersTeacher
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.device import pick_device

log = logging.getLogger(__name__)

__all__ = ["EMBEDDED_TEACHER_NAME", "TeacherEndpoint", "load_local_chat_model", "make_teacher"]

EMBEDDED_TEACHER_NAME = "embedded-public-teacher"

Backend = Literal["transformers", "openai"]


@dataclass(frozen=True)
class TeacherEndpoint:
    """``backend`` ``transformers``: ``model`` is a local path or hub id. ``openai``:
    ``model`` is the endpoint's model name, ``base_url`` and ``api_key`` come from the
    credentials. The key is never printed."""

    backend: Backend
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.backend not in ("transformers", "openai"):
            raise InvalidInputError(
                f"catalog entry `teacher_endpoint`: backend must be transformers or openai, got {self.backend!r}"
            )
        if self.backend == "openai":
            for name in ("base_url", "model"):
                if not getattr(self, name):
                    raise InvalidInputError(
                        f"catalog entry `teacher_endpoint` (openai): `{name}` is missing; put it in "
                        f"`{CREDENTIALS_ENTRY}` in conf/local/credentials.yml"
                    )

    @property
    def uses_embedded(self) -> bool:
        """A local entry that names no model: the embedded public teacher answers."""
        return self.backend == "transformers" and self.model is None

    def describe(self) -> dict[str, str | None]:
        """For reports: never the key."""
        model = EMBEDDED_TEACHER_NAME if self.uses_embedded else self.model
        return {"backend": self.backend, "model": model, "base_url": self.base_url}


def load_local_chat_model(endpoint: TeacherEndpoint, embedded: ChatModel | None) -> ChatModel:
    """The local model an entry names, or the embedded teacher when it names none."""
    if endpoint.model is None:
        if embedded is None:
            raise InvalidInputError(
                "catalog entry `teacher_endpoint` or `judge_endpoint` names no model and the embedded public teacher "
                "was not built. Set `model` to a local causal LM (a path or hub id) in conf/local/catalog.yml, "
                f"or run with `--env openai` and the credentials `{CREDENTIALS_ENTRY}`"
            )
        return embedded
    try:
        tokenizer = AutoTokenizer.from_pretrained(endpoint.model)
        model = AutoModelForCausalLM.from_pretrained(endpoint.model)
    except OSError as exc:
        raise InvalidInputError(f"the local teacher or judge model {endpoint.model!r} cannot be loaded: {exc}") from exc
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token  # batched generation pads; the pad is masked out
    return ChatModel(model=model, tokenizer=tokenizer, metadata={"source": endpoint.model})


def make_teacher(endpoint: TeacherEndpoint, config: TeacherConfig, embedded: ChatModel | None = None) -> Teacher:
    """The backend for ``endpoint``; a local entry without a model uses ``embedded``."""
    cache = ResponseCache(config.cache_path)
    if endpoint.backend == "openai":
        assert endpoint.base_url is not None and endpoint.model is not None
        return OpenAIChatTeacher(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key or "",
            model=endpoint.model,
            concurrency=config.concurrency,
            max_retries=config.max_retries,
            timeout_s=config.timeout_s,
            backoff_base_s=config.backoff_base_s,
            backoff_max_s=config.backoff_max_s,
            cache=cache,
        )
    chat = load_local_chat_model(endpoint, embedded)
    return TransformersTeacher(
        chat.model,
        chat.tokenizer,
        name=endpoint.model or f"{EMBEDDED_TEACHER_NAME}:{chat.metadata.get('identity', 'unsaved')}",
        batch_size=config.batch_size,
        max_prompt_tokens=config.max_prompt_tokens,
        cache=cache,
        device=pick_device(config.device),
    )
