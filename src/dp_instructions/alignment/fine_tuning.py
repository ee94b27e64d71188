"""Supervised fine-tuning of a chat model with TRL (paper 4.3): ``SFTTrainer`` on
prompt-completion examples, so the loss falls on the completion only whatever the chat
template; LoRA through peft for students, every weight for the embedded teacher.

The trained model comes back merged (LoRA folded into the weights), as an ordinary model
that saves as one Hugging Face directory and generates without peft.
"""

from __future__ import annotations

import logging
import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import datasets
import torch
from peft import LoraConfig
from transformers import TrainerCallback
from trl import SFTConfig, SFTTrainer

from dp_instructions.alignment.chat_model import ChatModel
from dp_instructions.alignment.trl_runs import merged_on_cpu, timed_training
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.device import autocast_dtype

log = logging.getLogger(__name__)

__all__ = ["FineTuneSettings", "LoraSettings", "peft_config", "supervised_fine_tune"]


@dataclass(frozen=True)
class LoraSettings:
    """LoRA adapters on ``target_modules`` (None: every linear layer of the blocks);
    ``trainable_positions`` also trains the position table fully (the embedded models'
    extended positions start as copies and need to learn where they are)."""

    rank: int = 16
    alpha: int = 32
    dropout: float = 0.0
    target_modules: tuple[str, ...] | None = None
    trainable_positions: bool = True


@dataclass(frozen=True)
class FineTuneSettings:
    epochs: float
    batch_size: int
    learning_rate: float
    max_length: int
    seed: int
    lora: LoraSettings | None = None
    warmup_ratio: float = 0.05
    weight_decay: float = 0.0
    gradient_checkpointing: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class _LossLog(TrainerCallback):
    def __init__(self) -> None:
        self.losses: list[float] = []

    def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: ANN001, ANN003 (transformers' signature)
        if logs and "loss" in logs:
            self.losses.append(float(logs["loss"]))


def peft_config(lora: LoraSettings, task_type: str = "CAUSAL_LM") -> LoraConfig:
    """peft's LoRA settings; ``SEQ_CLS`` (a reward model) also trains the scalar head in full."""
    return LoraConfig(
        r=lora.rank,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules="all-linear" if lora.target_modules is None else list(lora.target_modules),
        modules_to_save=["wpe"] if lora.trainable_positions else None,
        task_type=task_type,
    )


def _fitting_examples(
    chat: ChatModel, examples: Sequence[dict[str, Any]], max_length: int
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The examples whose prompt leaves room for at least one answer token within
    ``max_length`` (TRL would drop the others silently), and how many were left out or will
    have their answer cut."""
    tokenizer = chat.tokenizer
    usable, counts = [], {"prompt_too_long": 0, "answer_truncated": 0}
    for example in examples:
        prompt = tokenizer.apply_chat_template(example["prompt"], add_generation_prompt=True, tokenize=True)[
            "input_ids"
        ]
        if len(prompt) >= max_length:
            counts["prompt_too_long"] += 1
            continue
        full = tokenizer.apply_chat_template(example["prompt"] + example["completion"], tokenize=True)["input_ids"]
        counts["answer_truncated"] += len(full) > max_length
        usable.append(example)
    if counts["prompt_too_long"]:
        log.warning(
            "%d of %d examples left out: their prompt alone fills the %d training tokens",
            counts["prompt_too_long"],
            len(examples),
            max_length,
        )
    return usable, counts


def supervised_fine_tune(
    chat: ChatModel,
    examples: Sequence[dict[str, Any]],
    settings: FineTuneSettings,
    device: torch.device,
    what: str,
) -> tuple[ChatModel, dict[str, Any]]:
    """Fine-tune ``chat`` in place on ``examples`` (``prompt`` and ``completion`` message
    lists); returns the trained model and figures. ``what`` names the run in logs and errors."""
    if not examples:
        raise InvalidInputError(f"{what}: no (instruction, answer) example to fine-tune on")
    usable, counts = _fitting_examples(chat, examples, settings.max_length)
    if not usable:
        raise InvalidInputError(
            f"{what}: every prompt fills the {settings.max_length} training tokens, leaving no answer to learn; raise "
            "the `max_length` of the fine-tuning parameters or shorten the instructions"
        )
    datasets.disable_progress_bars()
    train = datasets.Dataset.from_list([{"prompt": e["prompt"], "completion": e["completion"]} for e in usable])
    amp = autocast_dtype(device)
    steps_per_epoch = math.ceil(len(train) / settings.batch_size)
    with tempfile.TemporaryDirectory(prefix="sft-") as scratch:
        config = SFTConfig(
            output_dir=scratch,
            num_train_epochs=settings.epochs,
            per_device_train_batch_size=settings.batch_size,
            learning_rate=settings.learning_rate,
            lr_scheduler_type="cosine",
            warmup_steps=max(1, int(settings.warmup_ratio * steps_per_epoch * settings.epochs)),
            weight_decay=settings.weight_decay,
            max_length=settings.max_length,
            completion_only_loss=True,
            packing=False,
            seed=settings.seed,
            data_seed=settings.seed,
            save_strategy="no",
            report_to=[],
            logging_steps=max(1, steps_per_epoch // 4),
            disable_tqdm=True,
            bf16=amp is torch.bfloat16,
            fp16=amp is torch.float16,
            use_cpu=device.type == "cpu",
            dataloader_num_workers=0,
            include_num_input_tokens_seen=True,
            # TRL turns it on by default to save GPU memory; it recomputes every activation,
            # which costs a third of the time of a small model that fits anyway.
            gradient_checkpointing=settings.gradient_checkpointing,
            **settings.extra,
        )
        losses = _LossLog()
        trainer = SFTTrainer(
            model=chat.model,
            args=config,
            train_dataset=train,
            processing_class=chat.tokenizer,
            peft_config=None if settings.lora is None else peft_config(settings.lora),
            callbacks=[losses],
        )
        trainable = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
        log.info("%s: fine-tuning on %d examples (%d trainable parameters)", what, len(train), trainable)
        result, seconds = timed_training(trainer)
        model = merged_on_cpu(trainer.model, settings.lora)
    tokens = int(getattr(trainer.state, "num_input_tokens_seen", 0) or 0)
    stats = {
        "examples": len(train),
        "examples_given": len(examples),
        "prompt_too_long": counts["prompt_too_long"],
        "answer_truncated": counts["answer_truncated"],
        "steps": int(result.global_step),
        "trainable_parameters": int(trainable),
        "first_loss": losses.losses[0] if losses.losses else None,
        "last_loss": losses.losses[-1] if losses.losses else None,
        "train_loss": float(result.training_loss),
        "seconds": seconds,
        "tokens": tokens,
        "tokens_per_second": tokens / seconds if seconds else 0.0,
        "lora": None if settings.lora is None else vars(settings.lora),
    }
    log.info(
        "%s: %d steps, loss %s -> %s, %.0f tokens/s",
        what,
        stats["steps"],
        stats["first_loss"],
        stats["last_loss"],
        stats["tokens_per_second"],
    )
    return ChatModel(model=model, tokenizer=chat.tokenizer, metadata=dict(chat.metadata)), stats
