from __future__ import annotations

import pytest

from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.models.tokenizer import train_bpe_tokenizer
from tests.models.conftest import corpus


@pytest.fixture(scope="session")
def teacher_tokenizer():
    return train_bpe_tokenizer(corpus(300, 0), vocab_size=400)


@pytest.fixture(scope="session")
def teacher_model(teacher_tokenizer):
    config = SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=128)
    return build_small_gpt2(teacher_tokenizer, config, seed=0)
