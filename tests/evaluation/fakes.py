"""Small stand-ins for the upstream datasets of the evaluation pipeline: real-like and
synthetic-like instruction sets with different topic mixes, canaries, and tiny GPT-2
generators (one trained until it memorises, one that never saw the canaries)."""

from __future__ import annotations

import functools
import random

import polars as pl
from peft import LoraConfig, get_peft_model

from dp_instructions.models.artifact import GeneratorArtifact
from dp_instructions.models.canaries import TEMPLATES, CanaryParameters, insert_canaries, make_canaries
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2, pretrain
from dp_instructions.models.tokenizer import train_bpe_tokenizer

TOPICS = {
    "code": (
        "write a python function that {a} a list of {b}",
        ["sorts", "filters", "reverses", "merges"],
        ["numbers", "strings", "records", "files"],
    ),
    "cooking": (
        "give me a recipe for {a} with {b}",
        ["soup", "pasta", "bread", "salad"],
        ["garlic", "lemon", "basil", "cheese"],
    ),
    "travel": (
        "plan a {a} trip to {b} for my family",
        ["weekend", "summer", "budget", "ski"],
        ["paris", "tokyo", "lisbon", "denver"],
    ),
    "email": (
        "draft an email to my {a} about the {b}",
        ["boss", "landlord", "teacher", "neighbour"],
        ["meeting", "rent", "deadline", "party"],
    ),
}
REAL_MIX = {"code": 0.4, "cooking": 0.1, "travel": 0.2, "email": 0.3}
SYNTHETIC_MIX = {"code": 0.1, "cooking": 0.5, "travel": 0.3, "email": 0.1}


def texts(n: int, seed: int, mix: dict[str, float]) -> list[str]:
    """``n`` instructions drawn from the topic ``mix``, with a random tail so texts differ."""
    rng = random.Random(seed)
    names = list(mix)
    out = []
    for i in range(n):
        template, a, b = TOPICS[rng.choices(names, weights=[mix[k] for k in names])[0]]
        tail = " ".join(
            rng.choices(["please", "quickly", "today", "in detail", "briefly", "thanks"], k=rng.randint(0, 3))
        )
        out.append(f"{template.format(a=rng.choice(a), b=rng.choice(b))} {tail} #{i}".strip())
    return out


def frame(values: list[str], prefix: str) -> pl.DataFrame:
    return pl.DataFrame({"id": [f"{prefix}-{i}" for i in range(len(values))], "text": values})


def canaries(repetitions: tuple[int, ...] = (1, 30)) -> pl.DataFrame:
    return make_canaries(CanaryParameters(enabled=True, repetitions=repetitions, kinds=("phone",), seed=3))


MAX_LENGTH = 40


@functools.lru_cache(maxsize=1)
def tokenizer():
    # Trained on public-like text plus the canary templates (not the secrets), so a
    # canary is ~28 tokens and fits the tiny models' 40 positions.
    corpus = texts(400, 0, REAL_MIX) + [t.format(secret="(212) 555-0100") for t in TEMPLATES["phone"]] * 5
    return train_bpe_tokenizer(corpus, vocab_size=600)


def generator(tok, train: list[str], *, epochs: int, seed: int = 0, max_length: int = MAX_LENGTH) -> GeneratorArtifact:
    """A tiny GPT-2 trained (non-privately) on ``train``, wrapped with a LoRA adapter
    like the artefacts of dp_generation (the adapter starts at zero, so it changes
    nothing until trained)."""
    base = build_small_gpt2(tok, SmallGPT2Config(n_embd=64, n_layer=2, n_head=2, max_length=max_length), seed=seed)
    if epochs:
        pretrain(
            base,
            tok,
            train,
            max_length=max_length,
            epochs=epochs,
            batch_size=16,
            learning_rate=5e-3,
            seed=seed,
            device=None,
        )
    lora = LoraConfig(
        r=4, lora_alpha=8, target_modules=["attn.c_attn", "attn.c_proj"], fan_in_fan_out=True, task_type="CAUSAL_LM"
    )
    model = get_peft_model(base.to("cpu"), lora).eval()
    return GeneratorArtifact(model=model, tokenizer=tok, metadata={"training": {"max_length": max_length}})


@functools.lru_cache(maxsize=1)
def memorising_generator() -> GeneratorArtifact:
    """The non-private control's stand-in: trained without noise on 60 real-like texts
    with the canaries of :func:`canaries` inserted (x1 and x30) until it memorises."""
    train = insert_canaries(frame(texts(60, 1, REAL_MIX), "train"), canaries(), seed=0)
    return generator(tokenizer(), train["text"].to_list(), epochs=10)


@functools.lru_cache(maxsize=1)
def unexposed_generator() -> GeneratorArtifact:
    """A generator that never saw the canaries (the DP generator's stand-in: what DP
    promises is that the canaries make no measurable difference)."""
    return generator(tokenizer(), [], epochs=0, seed=1)
