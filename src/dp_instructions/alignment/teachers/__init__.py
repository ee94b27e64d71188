"""Teacher backends: one interface (:class:`~.base.Teacher`), two implementations (an
OpenAI-compatible endpoint and a local transformers model), one response cache."""

from dp_instructions.alignment.teachers.base import (
    AnswerStatus,
    ChatAnswer,
    ChatRequest,
    GenerationSettings,
    Teacher,
    TeacherRun,
)
from dp_instructions.alignment.teachers.cache import ResponseCache
from dp_instructions.alignment.teachers.report import summarise_run

__all__ = [
    "AnswerStatus",
    "ChatAnswer",
    "ChatRequest",
    "GenerationSettings",
    "ResponseCache",
    "Teacher",
    "TeacherRun",
    "summarise_run",
]
