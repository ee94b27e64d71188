"""The reward model: TRL's RewardTrainer on the student with a scalar head learns a
preference it can see, measured on held-out pairs; pairs that do not fit are counted."""

from __future__ import annotations

import pytest
import torch

from dp_instructions.alignment.chat_model import chat_model_from_base
from dp_instructions.alignment.reward_model import RewardSettings, train_reward_model
from dp_instructions.exceptions import InvalidInputError

HELPFUL = ["rinse the rice then boil it gently", "check the chain then oil it", "write down the plan then start"]


def pairs(n: int, long: bool = False) -> list[dict]:
    filler = " very" * 80 if long else ""
    return [
        {
            "prompt": [{"role": "user", "content": f"how do I do task {i}{filler}"}],
            "chosen": [{"role": "assistant", "content": HELPFUL[i % 3]}],
            "rejected": [{"role": "assistant", "content": "no no no"}],
        }
        for i in range(n)
    ]


@torch.no_grad()
def score_answers(reward, conversations, device) -> list[float]:
    """Each conversation's reward as TRL's RLOO reads it: the chat template, right padding,
    the head's score at the last non-pad token."""
    tok = reward.tokenizer
    texts = [str(tok.apply_chat_template(c, tokenize=False)) for c in conversations]
    enc = tok(texts, return_tensors="pt", padding=True, padding_side="right", add_special_tokens=False)
    return reward.model.to(device).eval()(**enc).logits[:, 0].float().tolist()


def settings(**kw) -> RewardSettings:
    return RewardSettings(
        **{"epochs": 4, "batch_size": 4, "learning_rate": 0.005, "max_length": 64, "held_out": 0.25, "seed": 0} | kw
    )


def test_the_reward_model_learns_a_visible_preference(teacher_model, teacher_tokenizer):
    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 128, {})
    reward, stats = train_reward_model(chat, pairs(24) + pairs(3, long=True), settings(), torch.device("cpu"))
    assert type(reward.model).__name__ == "GPT2ForSequenceClassification" and reward.model.config.num_labels == 1
    assert stats["pairs_given"] == 27 and stats["pairs_too_long"] == 3
    assert stats["train_pairs"] + stats["held_out_pairs"] == 24 and stats["held_out_pairs"] == 6
    assert stats["held_out_accuracy"] == 1.0 and stats["last_loss"] < stats["first_loss"]
    example = pairs(1)[0]
    good, bad = score_answers(
        reward, [example["prompt"] + example["chosen"], example["prompt"] + example["rejected"]], torch.device("cpu")
    )
    assert good > bad
    # the student it started from is left as it was
    assert torch.equal(chat.model.transformer.wte.weight, teacher_model.transformer.wte.weight)


def test_too_few_pairs_that_fit_is_a_named_error(teacher_model, teacher_tokenizer):
    chat = chat_model_from_base(teacher_model, teacher_tokenizer, 128, {})
    with pytest.raises(InvalidInputError, match="alignment.rl.reward_model.max_length"):
        train_reward_model(chat, pairs(1) + pairs(4, long=True), settings(), torch.device("cpu"))
