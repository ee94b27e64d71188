"""Thin nodes of the alignment pipeline; the work is in :mod:`dp_instructions.alignment`."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import polars as pl
from matplotlib.figure import Figure
from transformers import PreTrainedTokenizerBase

from dp_instructions.alignment import embedded_teacher as public_teacher
from dp_instructions.alignment import label_studio, preferences, requests, sft, students, win_rates
from dp_instructions.alignment.chat_model import ChatModel, NotBuilt, built
from dp_instructions.alignment.embedded_teacher import WEAK_TEACHER_NOTE
from dp_instructions.alignment.judges import Judge, LikelihoodJudge, PromptJudge
from dp_instructions.alignment.parameters import SOURCE_SETS, AlignmentParameters
from dp_instructions.alignment.policy_optimisation import (
    DpoSettings,
    RlooSettings,
    optimise_with_dpo,
    optimise_with_rloo,
)
from dp_instructions.alignment.reward_model import RewardSettings
from dp_instructions.alignment.reward_model import train_reward_model as fit_reward_model
from dp_instructions.alignment.teachers.base import ChatAnswer, ChatRequest, GenerationSettings
from dp_instructions.alignment.teachers.endpoint import TeacherEndpoint, load_local_chat_model, make_teacher
from dp_instructions.alignment.teachers.report import summarise_run
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import BaseModel
from dp_instructions.models.device import limit_cpu_threads, pick_device
from dp_instructions.models.public_base import EarlierBaseModels

log = logging.getLogger(__name__)

ANSWER_SCHEMA = pl.Schema(
    {
        "request_id": pl.Utf8,
        "status": pl.Utf8,
        "text": pl.Utf8,
        "reason": pl.Utf8,
        "prompt_tokens": pl.Int64,
        "completion_tokens": pl.Int64,
        "latency_s": pl.Float64,
        "attempts": pl.Int64,
        "cached": pl.Boolean,
        "finish_reason": pl.Utf8,
        "prompt_truncated_tokens": pl.Int64,
    }
)


def build_embedded_teacher(
    public_base_model: BaseModel,
    public_tokenizer: PreTrainedTokenizerBase,
    public_qa_corpus: pl.DataFrame,
    earlier: EarlierBaseModels,
    teacher_endpoint: TeacherEndpoint,
    judge_endpoint: TeacherEndpoint,
    params: AlignmentParameters,
    seed: int,
) -> ChatModel | NotBuilt:
    """The embedded public teacher, when the teacher or the judge entry names no model;
    :class:`NotBuilt` (recorded, nothing trained) when both name one."""
    if not (teacher_endpoint.uses_embedded or judge_endpoint.uses_embedded):
        log.info("embedded teacher: not needed (teacher_endpoint and judge_endpoint name their models)")
        return NotBuilt("not needed: the catalog entries teacher_endpoint and judge_endpoint name their models")
    if public_base_model.model is None:
        raise InvalidInputError(
            "the embedded teacher is built from the embedded public base model, but `dp_generation.base_model` "
            f"is {public_base_model.hub_id!r}: set `model` in the catalog entries `teacher_endpoint` and "
            "`judge_endpoint` (or run with `--env openai`)"
        )
    limit_cpu_threads()
    return public_teacher.build_embedded_teacher(
        public_base_model.model,
        str(public_base_model.metadata.get("identity")),
        public_tokenizer,
        public_qa_corpus,
        params.embedded_teacher,
        seed,
        pick_device(params.device),
        earlier,
    )


def build_annotation_requests(
    synthetic_resampled: pl.DataFrame,
    synthetic_initial: pl.DataFrame,
    public_instructions: pl.DataFrame,
    params: AlignmentParameters,
    seed: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    sets = dict(zip(SOURCE_SETS, (synthetic_resampled, synthetic_initial, public_instructions), strict=True))
    return requests.build_requests_for_sets(
        sets, params.annotation.max_instruction_chars, params.annotation.max_per_set, seed
    )


def export_label_studio_tasks(annotation_requests: pl.DataFrame) -> tuple[list[dict[str, Any]], str]:
    return label_studio.label_studio_tasks(annotation_requests), label_studio.LABEL_CONFIG


def annotate_with_teacher(
    annotation_requests: pl.DataFrame,
    teacher_endpoint: TeacherEndpoint,
    embedded_teacher: ChatModel | NotBuilt,
    params: AlignmentParameters,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    limit_cpu_threads()
    teacher = make_teacher(teacher_endpoint, params.teacher, built(embedded_teacher))
    system = params.annotation.system_prompt
    batch = [
        ChatRequest.from_user_text(row["request_id"], row["instruction"], system)
        for row in annotation_requests.iter_rows(named=True)
    ]
    run = teacher.answer(batch, params.teacher.generation.settings())
    answers = pl.DataFrame([a.to_dict() for a in run.answers], schema=ANSWER_SCHEMA)
    report = summarise_run(run, teacher.identity) | {
        "generation": params.teacher.generation.model_dump(),
        "instructions_truncated": int(annotation_requests["truncated"].sum()),
        "requests_per_set": dict(annotation_requests.group_by("source_set").len().iter_rows()),
        "note": (
            "annotators (this teacher) saw only DP synthetic instructions (synthetic_resampled, synthetic_initial) "
            "and public ones (public_instructions); no private instruction"
        ),
    }
    if teacher_endpoint.uses_embedded:
        report["embedded_teacher"] = WEAK_TEACHER_NOTE
    log.info("teacher answers: %s", report["outcomes"])
    return answers, report


def build_sft_dataset(
    annotation_requests: pl.DataFrame, teacher_answers: pl.DataFrame, params: AlignmentParameters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    answers = [ChatAnswer.from_dict(row) for row in teacher_answers.iter_rows(named=True)]
    return sft.build_sft_dataset(annotation_requests, answers, params.annotation.system_prompt)


def fine_tune_student(
    sft_dataset: pl.DataFrame,
    public_base_model: BaseModel,
    public_tokenizer: PreTrainedTokenizerBase,
    params: AlignmentParameters,
    seed: int,
    *,
    source_set: str,
) -> ChatModel:
    limit_cpu_threads()
    device = pick_device(params.device)
    return students.fine_tune_student(
        sft_dataset, source_set, public_base_model, public_tokenizer, params.student, seed, device
    )


def answer_reference_instructions(
    eval_reference_instructions: pl.DataFrame, params: AlignmentParameters, **student_models: ChatModel
) -> pl.DataFrame:
    limit_cpu_threads()
    win = params.win_rate
    return students.answer_reference_instructions(
        student_models,
        eval_reference_instructions,
        win.max_instructions,
        dataclasses.replace(params.teacher.generation.settings(), max_tokens=win.max_new_tokens),
        win.batch_size,
        pick_device(params.device),
    )


def _judge(
    judge_endpoint: TeacherEndpoint, embedded_teacher: ChatModel | NotBuilt, params: AlignmentParameters
) -> Judge:
    method = params.win_rate.judge_method
    if method == "auto":
        method = "likelihood" if judge_endpoint.uses_embedded else "prompt"
    if method == "prompt":
        return PromptJudge(make_teacher(judge_endpoint, params.teacher, built(embedded_teacher)))
    if judge_endpoint.uses_embedded:
        teacher = built(embedded_teacher)
        if teacher is None:
            raise InvalidInputError("the embedded judge needs the embedded teacher, which was not built")
        chat = teacher
    else:
        if judge_endpoint.backend != "transformers":
            raise InvalidInputError(
                "parameter `alignment.win_rate.judge_method` = likelihood needs a local judge model "
                f"(catalog entry `judge_endpoint` is {judge_endpoint.backend}); use `prompt`"
            )
        chat = load_local_chat_model(judge_endpoint, None)
    return LikelihoodJudge(chat, params.win_rate.tie_margin, pick_device(params.device))


def judge_win_rates(
    reference_answers: pl.DataFrame,
    judge_endpoint: TeacherEndpoint,
    embedded_teacher: ChatModel | NotBuilt,
    params: AlignmentParameters,
    seed: int,
) -> tuple[pl.DataFrame, dict[str, Any], Figure]:
    limit_cpu_threads()
    win = params.win_rate
    judge = _judge(judge_endpoint, embedded_teacher, params)
    models = [m for m in reference_answers["model"].unique(maintain_order=True).to_list() if m != win.baseline]
    verdicts = win_rates.judge_against(reference_answers, models, win.baseline, judge)
    summary = win_rates.win_rate_summary(verdicts, reference_answers, win.bootstrap_samples, win.confidence, seed)
    report: dict[str, Any] = {
        "baseline": win.baseline,
        "rlhf_method": params.rl.method,
        "judge": {"method": judge.method, "endpoint": judge_endpoint.describe()},
        "models": summary,
        "protocol": (
            "each model's answer to each reference instruction is judged against the baseline's in both orders; "
            "win 1, tie 1/2, loss 0, averaged over the parseable orders, then over instructions; percentile "
            "bootstrap interval over instructions; unparseable verdicts are counted and left out"
        ),
    }
    if judge_endpoint.uses_embedded:
        report["note"] = WEAK_TEACHER_NOTE + (
            " The embedded judge prefers the answer the embedded teacher finds more likely per token: it measures how "
            "close a student's answers are to the teacher's, not whether they help."
        )
    for row in summary:
        log.info(
            "win rate of %s against %s: %s %s (%d unparseable)",
            row["model"],
            win.baseline,
            None if row["win_rate"] is None else f"{row['win_rate']:.3f}",
            row["interval"],
            row["unparseable"],
        )
    return verdicts, report, win_rates.plot_win_rates(summary, judge.method)


def build_preference_pairs(
    annotation_requests: pl.DataFrame,
    student_synthetic_resampled: ChatModel,
    judge_endpoint: TeacherEndpoint,
    embedded_teacher: ChatModel | NotBuilt,
    params: AlignmentParameters,
    seed: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two answers of the SFT student to each ``synthetic_resampled`` instruction, ranked by
    the judge in both orders; every instruction is a pair or a recorded drop."""
    limit_cpu_threads()
    config = params.rl.preferences
    prompts, not_selected = preferences.prompts_for_preferences(
        annotation_requests, config.max_prompts, params.annotation.system_prompt
    )
    settings = GenerationSettings(
        max_tokens=config.max_new_tokens, temperature=config.temperature, top_p=config.top_p, seed=seed
    )
    device = pick_device(params.device)
    answers = preferences.sample_answer_pairs(student_synthetic_resampled, prompts, settings, config.batch_size, device)
    pairs, dropped = preferences.rank_answer_pairs(prompts, answers, _judge(judge_endpoint, embedded_teacher, params))
    return pairs, pl.concat([dropped, not_selected])


def train_reward_model(
    preference_pairs: pl.DataFrame, student_synthetic_resampled: ChatModel, params: AlignmentParameters, seed: int
) -> ChatModel | NotBuilt:
    """The reward model (RLOO needs it); :class:`NotBuilt`, recorded, for DPO."""
    if params.rl.method != "rloo":
        log.info("reward model: not trained (alignment.rl.method = %s needs none)", params.rl.method)
        return NotBuilt(f"not needed: alignment.rl.method = {params.rl.method} trains no reward model")
    limit_cpu_threads()
    lora = students.lora_settings(params.student, student_synthetic_resampled)
    settings = RewardSettings(**params.rl.reward_model.model_dump(), seed=seed, lora=lora)
    examples = preferences.preference_examples(preference_pairs)
    reward, stats = fit_reward_model(student_synthetic_resampled, examples, settings, pick_device(params.device))
    reward.metadata = {
        **reward.metadata,
        "kind": "reward_model",
        "training": stats,
        "note": "the SFT student of synthetic_resampled with a scalar head, trained on preference_pairs",
    }
    return reward


def optimise_policy(
    student_synthetic_resampled: ChatModel,
    reward_model: ChatModel | NotBuilt,
    preference_pairs: pl.DataFrame,
    preference_pairs_dropped: pl.DataFrame,
    annotation_requests: pl.DataFrame,
    judge_endpoint: TeacherEndpoint,
    params: AlignmentParameters,
    seed: int,
) -> tuple[ChatModel, dict[str, Any]]:
    """RLHF of the ``synthetic_resampled`` student: RLOO with the reward model on every
    ``synthetic_resampled`` instruction, or DPO on the pairs; and the report of both stages."""
    limit_cpu_threads()
    rl = params.rl
    device = pick_device(params.device)
    reward = built(reward_model)
    lora = students.lora_settings(params.student, student_synthetic_resampled)
    if rl.method == "rloo":
        if reward is None:
            raise InvalidInputError(
                "`alignment.rl.method` is rloo but dataset `reward_model` holds no model (a version saved by a "
                "dpo run?): run the train_reward_model node again"
            )
        prompts, _ = preferences.prompts_for_preferences(annotation_requests, None, params.annotation.system_prompt)
        settings = RlooSettings(**rl.rloo.model_dump(), seed=seed, lora=lora)
        policy, stats = optimise_with_rloo(
            student_synthetic_resampled, reward, [p for _, _, p in prompts], settings, device
        )
    else:
        settings_dpo = DpoSettings(**rl.dpo.model_dump(), seed=seed, lora=lora)
        policy, stats = optimise_with_dpo(
            student_synthetic_resampled, preferences.preference_examples(preference_pairs), settings_dpo, device
        )
    policy.metadata = {
        **student_synthetic_resampled.metadata,
        "source_set": "synthetic_resampled",
        "rlhf": stats,
        "note": f"the SFT student of synthetic_resampled after RLHF ({rl.method})",
    }
    report: dict[str, Any] = {
        "method": rl.method,
        "preference_pairs": preference_pairs.height,
        "prompts_left_out": dict(preference_pairs_dropped.group_by("reason").len().sort("reason").iter_rows()),
        "judge": judge_endpoint.describe(),
        "reward_model": None if reward is None else reward.metadata.get("training"),
        "policy": stats,
    }
    if judge_endpoint.uses_embedded:
        report["note"] = WEAK_TEACHER_NOTE + (
            " The pairs are ranked by the embedded judge (the answer the embedded teacher finds more likely per "
            "token), so RLHF here pulls the student towards the teacher's style, not towards helpfulness."
        )
    return policy, report
