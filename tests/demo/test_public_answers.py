"""The public question-and-answer corpus of the embedded teacher."""

from __future__ import annotations

import ast
import random

import polars as pl
import pytest

from dp_instructions import native
from dp_instructions.demo.corpus import generate_conversations
from dp_instructions.demo.pretraining import GENRE_NAMES
from dp_instructions.demo.public_answers import PUBLIC_QA_SCHEMA, answer_for, generate_public_qa_corpus
from dp_instructions.exceptions import InvalidInputError
from tests.demo.test_pretraining import DEMO_SRC, PRIVATE_MODULES


def test_is_deterministic_and_prefix_stable():
    small, large = generate_public_qa_corpus(50, seed=3), generate_public_qa_corpus(80, seed=3)
    assert small.schema == PUBLIC_QA_SCHEMA
    assert small.equals(large.head(50))
    assert not small.equals(generate_public_qa_corpus(50, seed=4))


def test_every_pair_has_a_question_an_answer_and_a_known_genre():
    qa = generate_public_qa_corpus(400, seed=0)
    assert qa.filter(pl.col("question").str.strip_chars() == "").height == 0
    assert qa.filter(pl.col("answer").str.strip_chars() == "").height == 0
    assert set(qa["genre"]) <= set(GENRE_NAMES)
    assert qa["id"].n_unique() == qa.height


def test_answers_restate_the_request():
    question = "How do I stop my sourdough from sticking to the banneton?"
    answer = answer_for(question, "cooking", random.Random(0))
    assert "sourdough from sticking to the banneton" in answer
    assert "1. " in answer and "2. " in answer


def test_a_draft_to_rewrite_is_copied_into_the_answer():
    answer = answer_for(
        "Proofread this: the meeting is moved to thursday at noon.", "proofreading_rewriting", random.Random(1)
    )
    assert "the meeting is moved to thursday at noon." in answer


def test_shares_no_word_10gram_with_any_private_message():
    """Questions and answers of the default corpus against every message of the default
    private demo conversations, tokenised as the cleansing step's 10-gram de-duplication."""
    messages = (
        generate_conversations(20_000, seed=0)
        .select(pl.col("conversation").explode().struct.field("content"))
        .to_series()
        .drop_nulls()
        .unique()
        .to_list()
    )
    private: set[str] = set()
    for message in messages:
        words = native.tokenize(message)
        private.update(" ".join(words[i : i + 10]) for i in range(len(words) - 9))
    qa = generate_public_qa_corpus(4000, seed=0)
    shared = []
    for text in qa["question"].to_list() + qa["answer"].to_list():
        words = native.tokenize(text)
        shared.extend(g for g in (" ".join(words[i : i + 10]) for i in range(len(words) - 9)) if g in private)
    assert not shared, shared[:3]


def test_uses_no_private_module():
    source = (DEMO_SRC / "public_answers.py").read_text(encoding="utf-8")
    imported = {
        n.module.rsplit(".", 1)[-1] for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom) and n.module
    }
    imported |= {a.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not imported & PRIVATE_MODULES


def test_bad_size_is_named():
    with pytest.raises(InvalidInputError, match="size"):
        generate_public_qa_corpus(-1)
