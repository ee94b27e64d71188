"""Policy optimisation with TRL: RLOO with a reward model (online answers, the student's
weights move, prompts that leave no room are counted) and DPO (the chosen answer becomes
more likely than the rejected one)."""

from __future__ import annotations

import pytest
import torch

from dp_instructions.alignment.chat_model import chat_model_from_base
from dp_instructions.alignment.judges import LikelihoodJudge
from dp_instructions.alignment.policy_optimisation import (
    DpoSettings,
    RlooSettings,
    optimise_with_dpo,
    optimise_with_rloo,
)
from dp_instructions.alignment.reward_model import RewardSettings, train_reward_model
from dp_instructions.exceptions import InvalidInputError
from tests.alignment.test_reward_model import pairs

CPU = torch.device("cpu")


def margin(chat, examples) -> float:
    """Mean log-probability per token of chosen minus rejected answers."""
    judge = LikelihoodJudge(chat, 0.0, CPU)
    chosen = judge.scores([(e["prompt"][-1]["content"], e["chosen"][0]["content"]) for e in examples])
    rejected = judge.scores([(e["prompt"][-1]["content"], e["rejected"][0]["content"]) for e in examples])
    return sum(chosen) / len(chosen) - sum(rejected) / len(rejected)


def test_rloo_moves_the_policy_with_the_reward_model(teacher_model, teacher_tokenizer):
    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 128, {})
    reward, _ = train_reward_model(
        chat,
        pairs(12),
        RewardSettings(epochs=1, batch_size=4, learning_rate=0.005, max_length=64, held_out=0.0, seed=0),
        CPU,
    )
    prompts = [e["prompt"] for e in pairs(8)] + [[{"role": "user", "content": "long" + " very" * 200}]]
    settings = RlooSettings(
        steps=3,
        prompts_per_step=2,
        generations=2,
        max_new_tokens=12,
        learning_rate=0.001,
        beta=0.05,
        temperature=1.0,
        seed=0,
    )
    policy, stats = optimise_with_rloo(chat, reward, prompts, settings, CPU)
    assert stats["steps"] == 3 and stats["answers_sampled"] == 12
    assert stats["prompts"] == 8 and stats["prompts_too_long"] == 1
    assert stats["reward_first_logged"] is not None
    before, after = chat.model.state_dict(), policy.model.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)
    assert policy.tokenizer.padding_side == chat.tokenizer.padding_side  # the student's tokenizer is untouched
    with pytest.raises(InvalidInputError, match="max_new_tokens"):
        optimise_with_rloo(chat, reward, prompts[-1:], settings, CPU)


def test_dpo_makes_the_chosen_answers_more_likely(teacher_model, teacher_tokenizer):
    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 128, {})
    examples = pairs(16)
    settings = DpoSettings(epochs=3, batch_size=4, learning_rate=0.005, beta=0.1, max_length=64, seed=0)
    policy, stats = optimise_with_dpo(chat, examples, settings, CPU)
    assert stats["steps"] == 12 and stats["pairs"] == 16 and stats["last_loss"] < stats["first_loss"]
    assert margin(policy, examples) > margin(chat, examples) + 0.1
    with pytest.raises(InvalidInputError, match="preference_pairs_dropped"):
        optimise_with_dpo(chat, [], settings, CPU)


def test_lora_is_merged_into_a_plain_model(teacher_model, teacher_tokenizer):
    from peft import PeftModel

    from dp_instructions.alignment.fine_tuning import LoraSettings

    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 128, {})
    lora = LoraSettings(rank=4, alpha=8)
    reward, _ = train_reward_model(
        chat,
        pairs(8),
        RewardSettings(epochs=1, batch_size=4, learning_rate=0.005, max_length=64, held_out=0.0, seed=0, lora=lora),
        CPU,
    )
    assert not isinstance(reward.model, PeftModel) and type(reward.model).__name__ == "GPT2ForSequenceClassification"
    rloo = RlooSettings(
        steps=3,
        prompts_per_step=2,
        generations=2,
        max_new_tokens=8,
        learning_rate=0.01,
        beta=0.05,
        temperature=1.0,
        seed=0,
        lora=lora,
    )
    dpo = DpoSettings(epochs=1, batch_size=4, learning_rate=0.01, beta=0.1, max_length=64, seed=0, lora=lora)
    for policy, stats in (
        optimise_with_rloo(chat, reward, [e["prompt"] for e in pairs(4)], rloo, CPU),
        optimise_with_dpo(chat, pairs(8), dpo, CPU),
    ):
        assert not isinstance(policy.model, PeftModel)
        assert set(policy.model.state_dict()) == set(chat.model.state_dict())
        changed = [k for k, v in policy.model.state_dict().items() if not torch.equal(v, chat.model.state_dict()[k])]
        assert changed, stats
