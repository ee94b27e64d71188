"""Test doubles and tiny data for the resampling tests (no model download, no GPU)."""

from __future__ import annotations

import hashlib
import random
import re

import numpy as np
import polars as pl

from dp_instructions.resampling.embeddings import LoadedEncoder

TOPICS = {
    "code": "write a python function that sorts a list of numbers",
    "food": "give me a recipe for a vegetarian dinner with beans",
    "travel": "plan a three day trip to the mountains in spring",
    "poem": "write a short poem about the sea and the moon",
    "math": "prove that the square root of two is irrational",
}


class HashingEncoder:
    """Bag of hashed words, L2-normalised: texts about one topic land close together.
    ``poison`` texts (containing the word) embed to NaN."""

    def __init__(self, dim: int = 16, poison: str | None = None):
        self.dim = dim
        self.poison = poison
        self.calls: list[list[str]] = []

    def encode(self, sentences, **kwargs):
        self.calls.append(list(sentences))
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for i, text in enumerate(sentences):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
                out[i, h % self.dim] += 1.0
            if self.poison is not None and self.poison in text:
                out[i, 0] = np.nan
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def fake_encoder(dim: int = 16, poison: str | None = None) -> LoadedEncoder:
    return LoadedEncoder(
        model=HashingEncoder(dim, poison),
        name="hashing-test-encoder",
        source="tests",
        device="cpu",
        max_seq_length=None,
    )


def instructions(n: int, weights: dict[str, float], prefix: str, seed: int) -> pl.DataFrame:
    """``n`` instructions (``id``, ``text``) over TOPICS with the given mix, all distinct."""
    rng = random.Random(seed)
    names = list(weights)
    topics = rng.choices(names, [weights[t] for t in names], k=n)
    return pl.DataFrame(
        {
            "id": [f"{prefix}{i}" for i in range(n)],
            "text": [f"{TOPICS[t]} variant {prefix}{i}" for i, t in enumerate(topics)],
        }
    )


def synthetic(n: int, weights: dict[str, float], seed: int = 1) -> pl.DataFrame:
    frame = instructions(n, weights, "syn-", seed)
    return frame.with_columns(
        pl.Series("sample_index", list(range(n)), dtype=pl.Int64),
        pl.lit("dp_generator@test").alias("generator"),
    )


SKEWED_SYNTHETIC = {"code": 6.0, "food": 1.0, "travel": 1.0, "poem": 1.0, "math": 1.0}
SKEWED_REAL = {"code": 1.0, "food": 1.0, "travel": 1.0, "poem": 1.0, "math": 6.0}
