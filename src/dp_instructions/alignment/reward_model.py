"""The reward model of RLHF (paper 4.4): the SFT student with a scalar head
(``AutoModelForSequenceClassification``, one label), trained with TRL's ``RewardTrainer``
on the preference pairs (Bradley-Terry: ``-log sigmoid(r(chosen) - r(rejected))``).

A held-out share of the pairs measures it: the fraction where the chosen answer scores
higher, before training (the random head: about one half) and after.
"""

from __future__ import annotations

import logging
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets
import torch
from transformers import AutoModelForSequenceClassification
from trl import RewardConfig, RewardTrainer

from dp_instructions.alignment.chat_model import ChatModel
from dp_instructions.alignment.fine_tuning import LoraSettings, peft_config
from dp_instructions.alignment.trl_runs import (
    MetricLog,
    merged_on_cpu,
    planned_steps,
    save_for_trainer,
    shared_arguments,
    timed_training,
)
from dp_instructions.exceptions import InvalidInputError

log = logging.getLogger(__name__)

__all__ = ["RewardSettings", "train_reward_model"]


@dataclass(frozen=True)
class RewardSettings:
    epochs: float
    batch_size: int
    learning_rate: float
    max_length: int
    held_out: float
    seed: int
    lora: LoraSettings | None = None
    """LoRA adapters (merged afterwards) instead of every weight; the head is trained in full."""


def _token_count(chat: ChatModel, messages: list[dict[str, str]]) -> int:
    return len(chat.tokenizer.apply_chat_template(messages, tokenize=True)["input_ids"])


def _fitting_pairs(
    chat: ChatModel, examples: Sequence[dict[str, Any]], max_length: int
) -> tuple[list[dict[str, Any]], int]:
    """The pairs whose both conversations fit ``max_length`` tokens (TRL would drop the
    others silently), and how many did not."""
    fitting = [
        e
        for e in examples
        if max(_token_count(chat, e["prompt"] + e["chosen"]), _token_count(chat, e["prompt"] + e["rejected"]))
        <= max_length
    ]
    return fitting, len(examples) - len(fitting)


def _accuracy(trainer: RewardTrainer, held_out: datasets.Dataset | None) -> float | None:
    if held_out is None:
        return None
    return float(trainer.evaluate(held_out)["eval_accuracy"])


def train_reward_model(
    policy: ChatModel, examples: Sequence[dict[str, Any]], settings: RewardSettings, device: torch.device
) -> tuple[ChatModel, dict[str, Any]]:
    """A reward model started from ``policy``'s weights and trained on ``examples`` (TRL's
    conversational preference format); returns it (a :class:`ChatModel` whose model is a
    sequence classifier) and its figures."""
    fitting, too_long = _fitting_pairs(policy, examples, settings.max_length)
    if too_long:
        log.warning(
            "reward model: %d of %d pairs exceed %d tokens and are left out",
            too_long,
            len(examples),
            settings.max_length,
        )
    if len(fitting) < 2:
        raise InvalidInputError(
            f"the reward model needs at least 2 preference pairs of at most {settings.max_length} tokens, got "
            f"{len(fitting)} (of {len(examples)}): raise `alignment.rl.reward_model.max_length` or "
            "`alignment.rl.preferences.max_prompts`"
        )
    shuffled = list(fitting)
    random.Random(settings.seed).shuffle(shuffled)
    n_held = int(round(settings.held_out * len(shuffled)))
    n_held = min(n_held, len(shuffled) - 1)
    datasets.disable_progress_bars()
    train = datasets.Dataset.from_list(shuffled[n_held:])
    held_out = datasets.Dataset.from_list(shuffled[:n_held]) if n_held else None
    steps = planned_steps(len(train), settings.batch_size, settings.epochs)
    with tempfile.TemporaryDirectory(prefix="reward-") as scratch:
        start_dir = save_for_trainer(policy.model, policy.tokenizer, Path(scratch) / "start")
        torch.manual_seed(settings.seed)  # the scalar head starts random
        model = AutoModelForSequenceClassification.from_pretrained(start_dir, num_labels=1)  # pad id from the config
        config = RewardConfig(
            **shared_arguments(str(Path(scratch) / "run"), device, settings.seed, steps),
            num_train_epochs=settings.epochs,
            per_device_train_batch_size=settings.batch_size,
            per_device_eval_batch_size=settings.batch_size,
            learning_rate=settings.learning_rate,
            lr_scheduler_type="cosine",
            warmup_steps=steps // 20,
            max_length=settings.max_length,
            center_rewards_coefficient=0.01,
            gradient_checkpointing=False,
        )
        metrics = MetricLog()
        trainer = RewardTrainer(
            model=model,
            args=config,
            train_dataset=train,
            processing_class=policy.tokenizer,
            callbacks=[metrics],
            peft_config=None if settings.lora is None else peft_config(settings.lora, "SEQ_CLS"),
        )
        before = _accuracy(trainer, held_out)
        result, seconds = timed_training(trainer)
        after = _accuracy(trainer, held_out)
    model = merged_on_cpu(trainer.model, settings.lora)
    first_loss, last_loss = metrics.first_last("loss")
    stats = {
        "pairs_given": len(examples),
        "pairs_too_long": too_long,
        "train_pairs": len(train),
        "held_out_pairs": n_held,
        "held_out_accuracy_before": before,
        "held_out_accuracy": after,
        "train_accuracy_last": metrics.first_last("accuracy")[1],
        "steps": int(result.global_step),
        "first_loss": first_loss,
        "last_loss": last_loss,
        "seconds": seconds,
    }
    log.info(
        "reward model: %d steps, loss %s -> %s, held-out accuracy %s -> %s (%d pairs)",
        stats["steps"],
        first_loss,
        last_loss,
        before,
        after,
        n_held,
    )
    return ChatModel(model=model, tokenizer=policy.tokenizer, metadata=dict(policy.metadata)), stats
