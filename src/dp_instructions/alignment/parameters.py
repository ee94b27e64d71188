"""The ``alignment:`` parameters, typed (:class:`AlignmentParameters`).

Kedro validates ``params:alignment`` against this model before any node runs. Which
teacher answers (a local model or an OpenAI-compatible endpoint, and its key) is not a
parameter: it is the catalog entry ``teacher_endpoint``, so that credentials stay in
conf/local/credentials.yml.
"""

from __future__ import annotations

from pydantic import Field

from dp_instructions.alignment.teachers.base import GenerationSettings
from dp_instructions.parameters import Device, NonNegativeInt, Parameters, PositiveFloat, PositiveInt

__all__ = ["PARAMETER", "AlignmentParameters", "AnnotationConfig", "TeacherConfig", "TeacherGeneration"]

PARAMETER = "alignment"


class AnnotationConfig(Parameters):
    """Annotation requests built from ``synthetic_resampled``."""

    max_instruction_chars: PositiveInt = Field(
        2000, description="Longer instructions are cut at a word boundary, flagged and counted."
    )
    system_prompt: str | None = Field(
        None, description="A system message sent before each instruction; null sends the instruction alone."
    )


class TeacherGeneration(Parameters):
    """How the teacher writes its answers (part of the response cache key)."""

    max_tokens: PositiveInt = Field(256, description="New tokens per answer at most.")
    temperature: float = Field(0.7, ge=0.0, le=2.0, description="0 = greedy.")
    top_p: float = Field(0.95, gt=0.0, le=1.0, description="Nucleus sampling.")
    seed: NonNegativeInt | None = Field(0, description="Sent to the endpoint when set (not every server honours it).")

    def settings(self) -> GenerationSettings:
        return GenerationSettings(
            max_tokens=self.max_tokens, temperature=float(self.temperature), top_p=float(self.top_p), seed=self.seed
        )


class TeacherConfig(Parameters):
    """How the teacher is called; *which* teacher is the catalog entry ``teacher_endpoint``."""

    generation: TeacherGeneration = Field(default_factory=TeacherGeneration, description=TeacherGeneration.__doc__)
    concurrency: PositiveInt = Field(8, description="openai: requests in flight at most.")
    max_retries: NonNegativeInt = Field(5, description="openai: retries of a 429, 5xx, timeout or dropped connection.")
    timeout_s: PositiveFloat = Field(120.0, description="openai: seconds per attempt.")
    backoff_base_s: PositiveFloat = Field(0.5, description="openai: first retry delay (doubles, full jitter).")
    backoff_max_s: PositiveFloat = Field(30.0, description="openai: longest retry delay.")
    batch_size: PositiveInt = Field(16, description="transformers: prompts per generate call.")
    max_prompt_tokens: PositiveInt = Field(512, description="transformers: longer prompts are cut and counted.")
    device: Device = Field("auto", description="transformers: `auto` = CUDA when present, else CPU.")
    cache_path: str | None = Field(
        "data/04_feature/teacher_response_cache.sqlite",
        description="The persistent response cache (a re-run never asks twice); null = no cache.",
    )


class AlignmentParameters(Parameters):
    """``params:alignment``: annotation of the DP synthetic instructions by a teacher."""

    annotation: AnnotationConfig = Field(default_factory=AnnotationConfig, description=AnnotationConfig.__doc__)
    teacher: TeacherConfig = Field(default_factory=TeacherConfig, description=TeacherConfig.__doc__)
