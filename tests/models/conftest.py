from __future__ import annotations

import random

import pytest

from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.models.tokenizer import train_bpe_tokenizer

WORDS = (
    "write a python function that sorts a list explain how the transformer works give me ideas "
    "for dinner translate this sentence into french summarise the article"
).split()


def corpus(n: int, seed: int, vocab: list[str] = WORDS) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(vocab, k=rng.randint(4, 14))) for _ in range(n)]


@pytest.fixture(scope="session")
def tiny_tokenizer():
    return train_bpe_tokenizer(corpus(300, 0), vocab_size=400)


@pytest.fixture
def tiny_model(tiny_tokenizer):
    return build_small_gpt2(tiny_tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24), seed=0)
