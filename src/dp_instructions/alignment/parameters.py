"""The ``alignment:`` parameters, typed (:class:`AlignmentParameters`).

Kedro validates ``params:alignment`` against this model before any node runs. Which
teacher answers (a local model or an OpenAI-compatible endpoint, and its key) is not a
parameter: it is the catalog entry ``teacher_endpoint``, so that credentials stay in
conf/local/credentials.yml.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from dp_instructions.alignment.teachers.base import GenerationSettings
from dp_instructions.parameters import (
    Device,
    ModelName,
    NonNegativeInt,
    Parameters,
    PositiveFloat,
    PositiveInt,
    Probability,
)

__all__ = [
    "PARAMETER",
    "SOURCE_SETS",
    "AlignmentParameters",
    "AnnotationConfig",
    "EmbeddedTeacherConfig",
    "DpoConfig",
    "LoraConfig",
    "PreferenceConfig",
    "RewardModelConfig",
    "RlConfig",
    "RlooConfig",
    "StudentConfig",
    "TeacherConfig",
    "TeacherGeneration",
    "WinRateConfig",
]

PARAMETER = "alignment"

SOURCE_SETS = ("synthetic_resampled", "synthetic_initial", "public_instructions")
"""The instruction sets that are annotated and that each train one student (paper 4.3): the
DP synthetic set after resampling, the baseline without resampling, and the FLAN-like public
classic-task set (the paper's FLAN baseline)."""

PositionCount = Annotated[int, Field(ge=16)]


class AnnotationConfig(Parameters):
    """Annotation requests built from ``synthetic_resampled``."""

    max_instruction_chars: PositiveInt = Field(
        2000, description="Longer instructions are cut at a word boundary, flagged and counted."
    )
    system_prompt: str | None = Field(
        None, description="A system message sent before each instruction; null sends the instruction alone."
    )
    max_per_set: PositiveInt | None = Field(
        400,
        description="Requests per instruction set at most, a seeded sample (the rest are recorded as not "
        "selected); null = every instruction (the paper). The demo's 400 keeps the CPU run within minutes.",
    )


class TeacherGeneration(Parameters):
    """How the teacher writes its answers (part of the response cache key)."""

    max_tokens: PositiveInt = Field(
        96, description="New tokens per answer at most (the embedded teacher's answers fit; conf/openai: 512)."
    )
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
    batch_size: PositiveInt = Field(64, description="transformers: prompts per generate call.")
    max_prompt_tokens: PositiveInt = Field(512, description="transformers: longer prompts are cut and counted.")
    device: Device = Field("auto", description="transformers: `auto` = CUDA when present, else CPU.")
    cache_path: str | None = Field(
        "data/04_feature/teacher_response_cache.sqlite",
        description="The persistent response cache (a re-run never asks twice); null = no cache.",
    )


class EmbeddedTeacherConfig(Parameters):
    """The embedded public teacher (used when ``teacher_endpoint`` or ``judge_endpoint``
    names no model): the public base model with more positions, every weight fine-tuned on
    ``public_qa_corpus``. Public data only; reused when nothing that determines it changed."""

    positions: PositionCount = Field(160, description="Context of the teacher: instruction plus answer.")
    max_length: PositionCount = Field(128, description="Tokens per training example (question + answer).")
    epochs: PositiveFloat = Field(1.5, description="Passes over public_qa_corpus.")
    batch_size: PositiveInt = Field(16, description="Examples per step.")
    learning_rate: PositiveFloat = Field(0.002, description="Peak of the cosine schedule (AdamW).")


class LoraConfig(Parameters):
    """LoRA adapters of the students (peft)."""

    rank: PositiveInt = Field(16, description="r")
    alpha: PositiveInt = Field(32, description="scaling alpha")
    dropout: float = Field(0.0, ge=0, lt=1, description="dropout on the LoRA input")
    target_modules: Annotated[tuple[str, ...], Field(min_length=1)] | None = Field(
        None,
        strict=False,
        description="module names to adapt; null = every linear layer of the blocks (peft's all-linear): on the "
        "embedded model, LoRA on the attention alone barely moves the loss",
    )
    trainable_positions: bool = Field(
        True,
        description="also train the position table in full (the embedded base's added positions start as "
        "copies); only for models with a learned table",
    )


class StudentConfig(Parameters):
    """Supervised fine-tuning of one student per instruction set (TRL ``SFTTrainer``, LoRA)."""

    model: ModelName | None = Field(
        None,
        description="a Hugging Face causal LM id or path (paper: LLaMA 7B/13B, conf/paper); null = the embedded "
        "public base model with `positions` positions",
    )
    positions: PositionCount = Field(160, description="embedded student only: its context (instruction + answer).")
    max_length: PositionCount = Field(128, description="tokens per training example (prompt + completion).")
    epochs: PositiveFloat = Field(2.0, description="passes over the SFT set")
    batch_size: PositiveInt = Field(16, description="examples per step")
    learning_rate: PositiveFloat = Field(
        0.002, description="peak of the cosine schedule (AdamW); LoRA wants more (0.005-0.01)"
    )
    lora: LoraConfig | None = Field(
        None,
        description="LoRA adapters through peft, merged into the saved student (conf/paper: rank 8 on the "
        "attention of a 7B model); null = fine-tune every weight, the demo's default: on the 0.9M-parameter "
        "embedded model, 50 steps of LoRA (rank 16, every linear layer) take the completion loss from 6.3 to 2.9 "
        "and the student writes fragments, every weight takes it to 1.7 (README, alignment)",
    )


class PreferenceConfig(Parameters):
    """Preference pairs: two sampled answers of the SFT student of ``synthetic_resampled`` to
    each of its instructions, ranked by the judge in both orders."""

    max_prompts: PositiveInt | None = Field(
        200,
        description="synthetic_resampled instructions used at most (the first of annotation_requests; the rest are "
        "recorded as not selected); null = every one",
    )
    max_new_tokens: PositiveInt = Field(64, description="tokens per sampled answer at most")
    temperature: float = Field(1.0, gt=0.0, le=2.0, description="sampling temperature of the two answers")
    top_p: float = Field(1.0, gt=0.0, le=1.0, description="nucleus sampling of the two answers")
    batch_size: PositiveInt = Field(64, description="prompts per generate call")


class RewardModelConfig(Parameters):
    """The reward model (TRL ``RewardTrainer``): the SFT student with a scalar head, trained on
    the preference pairs (Bradley-Terry loss)."""

    epochs: PositiveFloat = Field(4.0, description="passes over the training pairs")
    batch_size: PositiveInt = Field(16, description="pairs per step")
    learning_rate: PositiveFloat = Field(0.002, description="peak of the cosine schedule (AdamW)")
    max_length: PositionCount = Field(
        160, description="tokens of prompt + answer at most; longer pairs are left out and counted"
    )
    held_out: float = Field(
        0.2, ge=0.0, lt=0.5, description="fraction of the pairs kept out of training to measure its accuracy"
    )


class RlooConfig(Parameters):
    """Online policy optimisation with the reward model: TRL ``RLOOTrainer`` (REINFORCE with a
    leave-one-out baseline over ``generations`` answers per prompt, KL to the SFT student)."""

    steps: PositiveInt = Field(24, description="optimiser steps")
    prompts_per_step: PositiveInt = Field(8, description="prompts per step; each is answered `generations` times")
    generations: Annotated[int, Field(ge=2)] = Field(
        4, description="answers per prompt (k); the baseline of each is the mean reward of the other k-1"
    )
    max_new_tokens: PositiveInt = Field(64, description="tokens per generated answer at most")
    learning_rate: PositiveFloat = Field(0.0002, description="constant after warm-up (AdamW)")
    beta: float = Field(0.05, ge=0.0, description="KL penalty to the SFT student; 0 = no reference model")
    temperature: float = Field(1.0, gt=0.0, le=2.0, description="sampling temperature of the online answers")


class DpoConfig(Parameters):
    """Direct preference optimisation on the preference pairs (TRL ``DPOTrainer``): no reward
    model, no online generation."""

    epochs: PositiveFloat = Field(2.0, description="passes over the pairs")
    batch_size: PositiveInt = Field(16, description="pairs per step")
    learning_rate: PositiveFloat = Field(0.0002, description="peak of the cosine schedule (AdamW)")
    beta: PositiveFloat = Field(0.1, description="strength of the implicit KL to the SFT student")
    max_length: PositionCount = Field(160, description="tokens of prompt + answer at most (TRL cuts the rest)")


class RlConfig(Parameters):
    """RLHF of the ``synthetic_resampled`` student (paper 4.4)."""

    method: Literal["rloo", "dpo"] = Field(
        "rloo",
        description="rloo: a reward model trained on the pairs, then online RLOO with it (TRL 1.x has no PPO; RLOO "
        "is its REINFORCE-style replacement for reward-model RLHF and needs no value network); dpo: direct "
        "preference optimisation on the same pairs, no reward model and no online sampling (cheaper)",
    )
    preferences: PreferenceConfig = Field(default_factory=PreferenceConfig, description=PreferenceConfig.__doc__)
    reward_model: RewardModelConfig = Field(default_factory=RewardModelConfig, description=RewardModelConfig.__doc__)
    rloo: RlooConfig = Field(default_factory=RlooConfig, description=RlooConfig.__doc__)
    dpo: DpoConfig = Field(default_factory=DpoConfig, description=DpoConfig.__doc__)


class WinRateConfig(Parameters):
    """Win rates on ``eval_reference_instructions`` (the AlpacaEval analog)."""

    max_instructions: PositiveInt | None = Field(200, description="reference instructions used; null = all.")
    max_new_tokens: PositiveInt = Field(96, description="tokens per answer at most")
    batch_size: PositiveInt = Field(32, description="answers per generate call")
    baseline: Literal["public_instructions", "synthetic_initial"] = Field(
        "public_instructions", description="the student every other model is compared with (paper: FLAN)"
    )
    judge_method: Literal["auto", "likelihood", "prompt"] = Field(
        "auto",
        description="prompt: the judge model reads both answers and names the better one (an OpenAI-compatible "
        "judge); likelihood: the better answer is the one the judge model finds more likely, per token (the "
        "embedded judge, too small to follow a judging prompt); auto: likelihood for the embedded judge, prompt "
        "otherwise",
    )
    tie_margin: float = Field(
        0.05, ge=0, description="likelihood judge: mean log-probabilities closer than this (nats/token) tie"
    )
    bootstrap_samples: PositiveInt = Field(2000, description="resamples of the instructions for the interval")
    confidence: Probability = Field(0.95, description="of the bootstrap interval")


class AlignmentParameters(Parameters):
    """``params:alignment``: annotation of the DP synthetic instructions by a teacher, the
    students' supervised fine-tuning and their win rates."""

    device: Device = Field("auto", description="students and the embedded teacher: auto = CUDA when present")
    annotation: AnnotationConfig = Field(default_factory=AnnotationConfig, description=AnnotationConfig.__doc__)
    teacher: TeacherConfig = Field(default_factory=TeacherConfig, description=TeacherConfig.__doc__)
    embedded_teacher: EmbeddedTeacherConfig = Field(
        default_factory=EmbeddedTeacherConfig, description=EmbeddedTeacherConfig.__doc__
    )
    student: StudentConfig = Field(default_factory=StudentConfig, description=StudentConfig.__doc__)
    rl: RlConfig = Field(default_factory=RlConfig, description=RlConfig.__doc__)
    win_rate: WinRateConfig = Field(default_factory=WinRateConfig, description=WinRateConfig.__doc__)

    @model_validator(mode="after")
    def _answers_fit(self) -> AlignmentParameters:
        """The embedded student's context must hold a prompt and the longest answer it writes
        (the teacher's is checked when it answers: whether it is embedded is the catalog's say)."""
        if self.student.model is None and self.student.positions < self.win_rate.max_new_tokens + 16:
            raise ValueError(
                f"`{PARAMETER}.student.positions` ({self.student.positions}) leaves no room for a prompt before "
                f"`{PARAMETER}.win_rate.max_new_tokens` ({self.win_rate.max_new_tokens}) new tokens"
            )
        rl = self.rl
        for key, new_tokens in (
            ("preferences.max_new_tokens", rl.preferences.max_new_tokens),
            ("rloo.max_new_tokens", rl.rloo.max_new_tokens),
        ):
            if self.student.model is None and self.student.positions < new_tokens + 16:
                raise ValueError(
                    f"`{PARAMETER}.student.positions` ({self.student.positions}) leaves no room for a prompt before "
                    f"`{PARAMETER}.rl.{key}` ({new_tokens}) new tokens"
                )
        return self
