"""Supervised fine-tuning with TRL: LoRA merged into a plain model, every weight, and the
examples whose prompt leaves no room for an answer counted, not silently dropped."""

from __future__ import annotations

import pytest
import torch
from peft import PeftModel

from dp_instructions.alignment.chat_model import chat_model_from_base
from dp_instructions.alignment.fine_tuning import FineTuneSettings, LoraSettings, supervised_fine_tune
from dp_instructions.exceptions import InvalidInputError


def examples(n: int, long_prompt: bool = False) -> list[dict]:
    prompt = "explain " + ("very " * 80 if long_prompt else "") + "how the transformer works"
    return [
        {
            "prompt": [{"role": "user", "content": f"{prompt} {i}"}],
            "completion": [{"role": "assistant", "content": f"it attends to tokens {i}"}],
        }
        for i in range(n)
    ]


def settings(lora: LoraSettings | None) -> FineTuneSettings:
    return FineTuneSettings(epochs=1, batch_size=4, learning_rate=0.01, max_length=64, seed=0, lora=lora)


@pytest.mark.parametrize("lora", [None, LoraSettings(rank=4, alpha=8)])
def test_fine_tuning_changes_the_weights_and_returns_a_plain_model(teacher_model, teacher_tokenizer, lora):
    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 160, {})
    before = {k: v.clone() for k, v in chat.model.state_dict().items()}
    trained, stats = supervised_fine_tune(chat, examples(12), settings(lora), torch.device("cpu"), "test")
    assert not isinstance(trained.model, PeftModel)
    assert set(trained.model.state_dict()) == set(before)  # LoRA merged: the plain architecture's weights
    changed = [k for k, v in trained.model.state_dict().items() if not torch.equal(v, before[k])]
    assert changed and (lora is None or "transformer.wpe.weight" in changed)
    assert stats["steps"] == 3 and stats["examples"] == 12 and stats["tokens"] > 0
    assert stats["trainable_parameters"] < sum(v.numel() for v in before.values()) or lora is None


def test_prompts_that_fill_the_context_are_counted_or_named(teacher_model, teacher_tokenizer):
    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 160, {})
    _, stats = supervised_fine_tune(
        chat, examples(8) + examples(3, long_prompt=True), settings(None), torch.device("cpu"), "t"
    )
    assert stats["examples"] == 8 and stats["prompt_too_long"] == 3 and stats["examples_given"] == 11
    with pytest.raises(InvalidInputError, match="max_length"):
        supervised_fine_tune(chat, examples(3, long_prompt=True), settings(None), torch.device("cpu"), "t")
