"""Thin node wrappers for dp_generation; the work is in dp_instructions.models."""

from __future__ import annotations

import logging
from typing import Any

import polars as pl
from transformers import PreTrainedTokenizerBase

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import BaseModel, GeneratorArtifact
from dp_instructions.models.canaries import insert_canaries, make_canaries
from dp_instructions.models.device import limit_cpu_threads, pick_device
from dp_instructions.models.dp_training.release import base_identity
from dp_instructions.models.generator import build_small_gpt2, load_hub_tokenizer, pretrain
from dp_instructions.models.parameters import DPGenerationParameters
from dp_instructions.models.public_base import EarlierBaseModels, public_base_identity
from dp_instructions.models.sampling import sample_dataset
from dp_instructions.models.tokenizer import train_bpe_tokenizer
from dp_instructions.models.train_generator import materialise_base
from dp_instructions.models.train_generator import train_dp_generator as _train_dp
from dp_instructions.privacy.ledger import PrivacyLedger
from dp_instructions.privacy.parameters import PrivacyParameters

log = logging.getLogger(__name__)


def _texts_of(frame: pl.DataFrame, dataset: str) -> list[str]:
    if "text" not in frame.columns:
        raise InvalidInputError(f"dataset `{dataset}` has no column `text` (columns: {frame.columns})")
    texts = frame["text"].drop_nulls().to_list()
    if not texts:
        raise InvalidInputError(f"dataset `{dataset}` is empty: nothing to pre-train on")
    if len(texts) < frame.height:
        log.warning("dataset `%s`: %d rows without text left out of pre-training", dataset, frame.height - len(texts))
    return texts


def collect_public_pretraining_texts(
    public_pretraining_corpus: pl.DataFrame, public_instructions: pl.DataFrame, params: DPGenerationParameters
) -> list[str]:
    """The public text the embedded tokenizer and base model learn from:
    ``public_pretraining_corpus`` (help-seeking text of the kind the private prompts are),
    followed by ``public_instructions`` (classic NLP tasks) when
    ``public_pretraining.include_public_instructions`` says so. Empty with ``base_model``
    set: the hub model brings its own."""
    if params.base_model is not None:
        return []
    texts = _texts_of(public_pretraining_corpus, "public_pretraining_corpus")
    if params.public_pretraining.include_public_instructions:
        texts += _texts_of(public_instructions, "public_instructions")
    log.info("public pre-training text: %d texts", len(texts))
    return texts


def build_public_tokenizer(texts: list[str], params: DPGenerationParameters) -> PreTrainedTokenizerBase:
    """The base model's tokenizer (hub), or a BPE tokenizer trained on public text only."""
    if params.base_model is not None:
        return load_hub_tokenizer(params.base_model)
    return train_bpe_tokenizer(texts, vocab_size=params.public_pretraining.vocab_size)


def build_public_base_model(
    texts: list[str],
    tokenizer: PreTrainedTokenizerBase,
    earlier: EarlierBaseModels,
    params: DPGenerationParameters,
    seed: int,
) -> BaseModel:
    """A pointer to the hub model, or a small GPT-2 pre-trained on public text only; an
    earlier saved version with the same identity (public texts, settings, seed, tokenizer)
    is reused instead of pre-training again."""
    if params.base_model is not None:
        return BaseModel(model=None, hub_id=params.base_model, metadata={"source": "hub"})
    pre = params.public_pretraining
    device = pick_device(params.device)
    identity = public_base_identity(texts, pre.model_dump(), seed, tokenizer, device.type)
    found = earlier.find(identity)
    if found is not None:
        log.info("public base model: reusing version %s (identity %s) instead of pre-training", found.version, identity)
        reused = found.load()
        return BaseModel(model=reused.model, metadata={**reused.metadata, "reused_from": found.version})
    limit_cpu_threads()
    model = build_small_gpt2(tokenizer, pre.model, seed)
    stats = pretrain(
        model,
        tokenizer,
        texts,
        max_length=pre.max_length,
        epochs=pre.epochs,
        batch_size=pre.batch_size,
        learning_rate=pre.learning_rate,
        seed=seed,
        label_smoothing=pre.label_smoothing,
        device=device,
    )
    n_params = sum(p.numel() for p in model.parameters())
    corpora = "public_pretraining_corpus" + (" and public_instructions" if pre.include_public_instructions else "")
    return BaseModel(
        model=model.to("cpu"),
        metadata={
            "source": f"embedded: GPT-2 pre-trained on {corpora}",
            "config": pre.model_dump(),
            "parameters": n_params,
            "pretraining": stats,
            "identity": identity,
        },
    )


def prepare_training_data(
    instructions_train: pl.DataFrame, params: DPGenerationParameters, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The DP training set (instructions_train plus canary copies) and the canary list."""
    missing = {"id", "text"} - set(instructions_train.columns)
    if missing:
        raise InvalidInputError(f"dataset `instructions_train` lacks column(s) {sorted(missing)}")
    canaries = make_canaries(params.canaries)
    data = insert_canaries(instructions_train.select("id", "text"), canaries, seed)
    if canaries.height:
        log.info(
            "inserted %d canaries (%d rows) into %d training instructions",
            canaries.height,
            data.height - instructions_train.height,
            instructions_train.height,
        )
    return data, canaries


def train_dp_generator(
    base: BaseModel,
    tokenizer: PreTrainedTokenizerBase,
    training_data: pl.DataFrame,
    instructions_train: pl.DataFrame,
    ledger: PrivacyLedger,
    params: DPGenerationParameters,
    privacy: PrivacyParameters,
    seed: int,
) -> tuple[GeneratorArtifact, dict[str, Any]]:
    """The DP generator release (dp_mechanism): plan, charge the ledger, fine-tune."""
    limit_cpu_threads()
    return _train_dp(base, tokenizer, training_data, instructions_train, ledger, params.resolve(seed), privacy)


def sample_synthetic_instructions(
    generator: GeneratorArtifact, params: DPGenerationParameters, seed: int
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """M unconditional samples, cleaned; every generation is counted in the report."""
    limit_cpu_threads()
    model = generator.model.to(pick_device(params.device))
    privacy = generator.metadata.get("privacy", {})
    release_id = privacy.get("release_id", "")
    frame, report = sample_dataset(
        model,
        generator.tokenizer,
        params.sampling.config(seed),
        dataset="synthetic_initial",
        id_prefix="synthetic",
        generator=release_id,
        world_size=params.sampling.world_size,
    )
    return frame, {**report, "generator_release_id": release_id, "generator_epsilon": privacy.get("epsilon")}


def sample_public_base_model(
    base: BaseModel, tokenizer: PreTrainedTokenizerBase, params: DPGenerationParameters, seed: int
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The "public only" baseline: the public base model itself (no fine-tuning) sampled with
    the DP generator's sampling settings, ``sampling.public_only_samples`` times. Public: the
    model saw public data only. ``generator`` holds the base model's identity, the one the
    DP generator's ``metadata.json`` records as ``base_model.identity``."""
    limit_cpu_threads()
    model = materialise_base(base, pick_device(params.device))
    identity = base_identity(base)
    frame, report = sample_dataset(
        model,
        tokenizer,
        params.sampling.config(seed, params.sampling.public_only_samples),
        dataset="public_only_samples",
        id_prefix="public-only",
        generator=identity,
        world_size=params.sampling.world_size,
    )
    return frame, {**report, "base_model_identity": identity, "base_hub_id": base.hub_id}
