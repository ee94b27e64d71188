from __future__ import annotations

import random

import pytest

from dp_instructions.models.dp_training.loop import DPFineTuneConfig
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.models.tokenizer import train_bpe_tokenizer

WORDS = (
    "write a python function that sorts a list explain how the transformer works give me ideas "
    "for dinner translate this sentence into french summarise the article"
).split()


def finetune_config(**overrides) -> DPFineTuneConfig:
    """Trainer settings sized for the tiny test models; tests override what they exercise."""
    values = {
        "expected_batch_size": 20,
        "physical_batch_size": 8,
        "learning_rate": 2e-3,
        "max_grad_norm": 0.5,
        "max_length": 24,
        "lora_rank": 8,
        "lora_alpha": 16,
        "lora_dropout": 0.0,
        "target_modules": None,
        "seed": 0,
        "checkpoint_every": 10,
    }
    return DPFineTuneConfig(**{**values, **overrides})


def corpus(n: int, seed: int, vocab: list[str] = WORDS) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(vocab, k=rng.randint(4, 14))) for _ in range(n)]


@pytest.fixture(scope="session")
def tiny_tokenizer():
    return train_bpe_tokenizer(corpus(300, 0), vocab_size=400)


@pytest.fixture
def tiny_model(tiny_tokenizer):
    return build_small_gpt2(tiny_tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24), seed=0)
