"""Policy optimisation of RLHF (paper 4.4), from the SFT student:

* :func:`optimise_with_rloo`: online, with the reward model: TRL's ``RLOOTrainer`` samples
  ``k`` answers per prompt, scores them with the reward model, and takes a REINFORCE step
  with each answer's advantage over the mean of its ``k-1`` siblings (leave-one-out), with
  a KL penalty to the SFT student. The paper used PPO, which TRL 1.x removed; RLOO was
  proposed as its replacement for reward-model RLHF (Ahmadian et al. 2024): the same reward
  and KL, no value network to train, and an unbiased baseline from as few as 2 samples. GRPO
  differs mainly by dividing advantages by the group's reward spread, which suits
  verifiable 0/1 rewards more than a learned reward's scale.
* :func:`optimise_with_dpo`: offline, on the preference pairs (TRL's ``DPOTrainer``): no
  reward model, no sampling, so much cheaper.

Both train every weight, or LoRA adapters merged afterwards (``alignment.student.lora``, as
the students), and return an ordinary causal LM with the student's tokenizer.
"""

from __future__ import annotations

import copy
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets
import torch
from trl import DPOConfig, DPOTrainer, RLOOConfig, RLOOTrainer

from dp_instructions.alignment.chat_model import ChatModel
from dp_instructions.alignment.fine_tuning import LoraSettings, peft_config
from dp_instructions.alignment.trl_runs import (
    MetricLog,
    merged_on_cpu,
    planned_steps,
    save_for_trainer,
    settings_record,
    shared_arguments,
    timed_training,
)
from dp_instructions.exceptions import InvalidInputError

log = logging.getLogger(__name__)

__all__ = ["DpoSettings", "RlooSettings", "optimise_with_dpo", "optimise_with_rloo"]


@dataclass(frozen=True)
class RlooSettings:
    steps: int
    prompts_per_step: int
    generations: int
    max_new_tokens: int
    learning_rate: float
    beta: float
    temperature: float
    seed: int
    lora: LoraSettings | None = None
    """LoRA adapters (merged afterwards; the reference is the adapter switched off)."""


@dataclass(frozen=True)
class DpoSettings:
    epochs: float
    batch_size: int
    learning_rate: float
    beta: float
    max_length: int
    seed: int
    lora: LoraSettings | None = None


def _left_padding(chat: ChatModel) -> Any:
    tokenizer = copy.deepcopy(chat.tokenizer)
    tokenizer.padding_side = "left"  # generation continues at the right edge
    return tokenizer


def _fitting_prompts(
    chat: ChatModel, prompts: Sequence[list[dict[str, str]]], new_tokens: int
) -> tuple[list[list[dict[str, str]]], int]:
    """The prompts that leave room for ``new_tokens`` in the policy's positions (RLOO does
    not cut prompts; a learned position table would overflow), and how many did not."""
    room = chat.positions - new_tokens
    fitting = [
        p
        for p in prompts
        if len(chat.tokenizer.apply_chat_template(p, add_generation_prompt=True, tokenize=True)["input_ids"]) <= room
    ]
    return fitting, len(prompts) - len(fitting)


def optimise_with_rloo(
    policy: ChatModel,
    reward: ChatModel,
    prompts: Sequence[list[dict[str, str]]],
    settings: RlooSettings,
    device: torch.device,
) -> tuple[ChatModel, dict[str, Any]]:
    """``policy`` after ``settings.steps`` RLOO steps on ``prompts`` (message lists) with
    ``reward``'s scores; returns the new model and its figures (reward per step, KL)."""
    fitting, too_long = _fitting_prompts(policy, prompts, settings.max_new_tokens)
    if too_long:
        log.warning("RLOO: %d of %d prompts leave no room for an answer and are left out", too_long, len(prompts))
    if not fitting:
        raise InvalidInputError(
            f"RLOO: no prompt leaves room for `alignment.rl.rloo.max_new_tokens` ({settings.max_new_tokens}) new "
            f"tokens in the student's {policy.positions} positions"
        )
    datasets.disable_progress_bars()
    train = datasets.Dataset.from_list([{"prompt": p} for p in fitting])
    batch = settings.prompts_per_step * settings.generations
    with tempfile.TemporaryDirectory(prefix="rloo-") as scratch:
        start_dir = save_for_trainer(policy.model, policy.tokenizer, Path(scratch) / "start")
        config = RLOOConfig(
            **shared_arguments(str(Path(scratch) / "run"), device, settings.seed, settings.steps),
            max_steps=settings.steps,
            per_device_train_batch_size=batch,
            num_generations=settings.generations,
            max_completion_length=settings.max_new_tokens,
            learning_rate=settings.learning_rate,
            lr_scheduler_type="constant_with_warmup",
            warmup_steps=settings.steps // 10,
            beta=settings.beta,
            temperature=settings.temperature,
            top_p=1.0,
            gradient_checkpointing=False,
            log_completions=False,
        )
        metrics = MetricLog()
        reward_model = reward.model.to(device).eval()
        trainer = RLOOTrainer(
            model=start_dir,
            reward_funcs=reward_model,
            args=config,
            train_dataset=train,
            processing_class=_left_padding(policy),
            reward_processing_classes=reward.tokenizer,
            callbacks=[metrics],
            peft_config=None if settings.lora is None else peft_config(settings.lora),
        )
        log.info(
            "RLOO: %d steps of %d prompts x %d answers (%d prompts)",
            settings.steps,
            settings.prompts_per_step,
            settings.generations,
            len(train),
        )
        result, seconds = timed_training(trainer)
        model = merged_on_cpu(trainer.model, settings.lora)
    first_reward, last_reward = metrics.first_last("reward")
    stats = {
        "method": "rloo",
        "prompts": len(train),
        "prompts_too_long": too_long,
        "steps": int(result.global_step),
        "answers_sampled": int(result.global_step) * batch,
        "reward_first_logged": first_reward,
        "reward_last_logged": last_reward,
        "kl_last_logged": metrics.first_last("kl")[1],
        "mean_answer_tokens_last": metrics.first_last("completions/mean_length")[1],
        "seconds": seconds,
        **settings_record(settings),
    }
    log.info("RLOO: reward %s -> %s, KL %s, %.0f s", first_reward, last_reward, stats["kl_last_logged"], seconds)
    return ChatModel(model=model, tokenizer=policy.tokenizer, metadata=dict(policy.metadata)), stats


def optimise_with_dpo(
    policy: ChatModel, examples: Sequence[dict[str, Any]], settings: DpoSettings, device: torch.device
) -> tuple[ChatModel, dict[str, Any]]:
    """``policy`` after DPO on ``examples`` (TRL's conversational preference format)."""
    if not examples:
        raise InvalidInputError("DPO: no preference pair to learn from (see preference_pairs_dropped)")
    datasets.disable_progress_bars()
    train = datasets.Dataset.from_list(list(examples))
    steps = planned_steps(len(train), settings.batch_size, settings.epochs)
    with tempfile.TemporaryDirectory(prefix="dpo-") as scratch:
        start_dir = save_for_trainer(policy.model, policy.tokenizer, Path(scratch) / "start")
        config = DPOConfig(
            **shared_arguments(str(Path(scratch) / "run"), device, settings.seed, steps),
            num_train_epochs=settings.epochs,
            per_device_train_batch_size=settings.batch_size,
            learning_rate=settings.learning_rate,
            lr_scheduler_type="cosine",
            warmup_steps=steps // 20,
            beta=settings.beta,
            max_length=settings.max_length,
            gradient_checkpointing=False,
        )
        metrics = MetricLog()
        trainer = DPOTrainer(
            model=start_dir,
            args=config,
            train_dataset=train,
            processing_class=policy.tokenizer,
            callbacks=[metrics],
            peft_config=None if settings.lora is None else peft_config(settings.lora),
        )
        result, seconds = timed_training(trainer)
        model = merged_on_cpu(trainer.model, settings.lora)
    first_loss, last_loss = metrics.first_last("loss")
    stats = {
        "method": "dpo",
        "pairs": len(train),
        "steps": int(result.global_step),
        "first_loss": first_loss,
        "last_loss": last_loss,
        "reward_accuracy_last": metrics.first_last("rewards/accuracies")[1],
        "reward_margin_last": metrics.first_last("rewards/margins")[1],
        "seconds": seconds,
        **settings_record(settings),
    }
    log.info("DPO: %d steps, loss %s -> %s, %.0f s", stats["steps"], first_loss, last_loss, seconds)
    return ChatModel(model=model, tokenizer=policy.tokenizer, metadata=dict(policy.metadata)), stats
