from __future__ import annotations

import pytest

from dp_instructions.demo.public_answers import generate_public_qa_corpus
from dp_instructions.models.artifact import BaseModel
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.models.tokenizer import train_bpe_tokenizer


@pytest.fixture(scope="package")
def public_base():
    """A tiny public base model and tokenizer, and the public Q&A they are trained from."""
    qa = generate_public_qa_corpus(60, seed=0)
    tokenizer = train_bpe_tokenizer(qa["question"].to_list() + qa["answer"].to_list(), vocab_size=400)
    model = build_small_gpt2(tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=32), seed=0)
    return BaseModel(model=model, metadata={"identity": "public-base:tiny"}), tokenizer, qa
