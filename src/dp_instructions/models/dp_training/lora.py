"""Which layers get LoRA adapters, and attaching them (paper: rank 8 on the attention
projections). Resolving the targets is separate from attaching them so that a release
can fail on an unknown architecture *before* the ledger is charged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import PreTrainedModel

from dp_instructions.exceptions import InvalidInputError

if TYPE_CHECKING:
    from dp_instructions.models.dp_training.loop import DPFineTuneConfig

#: Attention projections per architecture (``config.model_type``), as in the paper.
LORA_TARGETS: dict[str, list[str]] = {
    "gpt2": ["attn.c_attn", "attn.c_proj"],
    "gpt_neox": ["attention.query_key_value", "attention.dense"],
    "llama": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "mistral": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "qwen2": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "gemma": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "opt": ["q_proj", "k_proj", "v_proj", "out_proj"],
    "phi": ["q_proj", "k_proj", "v_proj", "dense"],
}


def lora_targets(model: PreTrainedModel, override: list[str] | None) -> list[str]:
    """`override` when given, else the attention projections of the model's architecture.

    An override must name modules the model has (peft's rule: the full name, or its
    last dotted parts): peft would only find out when attaching the adapters, after the
    release was charged."""
    if override:
        names = [name for name, _ in model.named_modules()]
        missing = [t for t in override if not any(n == t or n.endswith(f".{t}") for n in names)]
        if missing:
            raise InvalidInputError(
                f"LoRA target module(s) {missing} (`dp_generation.training.target_modules`, --target-modules) "
                f"match no module of the {getattr(model.config, 'model_type', '?')!r} base model"
            )
        return list(override)
    model_type = getattr(model.config, "model_type", "")
    if model_type not in LORA_TARGETS:
        raise InvalidInputError(
            f"no default LoRA target modules for model type {model_type!r}; set "
            f"`dp_generation.training.target_modules` (known: {sorted(LORA_TARGETS)})"
        )
    return LORA_TARGETS[model_type]


def add_lora(model: PreTrainedModel, config: DPFineTuneConfig) -> PeftModel:
    """Freeze the base model and attach rank-r LoRA adapters to its attention projections."""
    torch.manual_seed(config.seed)
    lora = LoraConfig(
        r=config.lora_rank,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=lora_targets(model, config.target_modules),
        fan_in_fan_out=getattr(model.config, "model_type", "") == "gpt2",
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)
