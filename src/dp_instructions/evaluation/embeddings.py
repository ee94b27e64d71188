"""Sentence embeddings of the evaluation's text sets, through the resampling stage's
encoder code (:mod:`dp_instructions.resampling.embeddings`: the bundled MiniLM loaded
offline, normalised float32 vectors checked for finiteness).

What this module adds: several sets embedded in one pass with each distinct text encoded
once, vectors already computed for another set reused (the resampled set is drawn from
the initial one), and the encoder's identity kept with the vectors so a consumer can
tell whether two sets live in the same embedding space.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from dp_instructions.evaluation.parameters import EmbeddingConfig
from dp_instructions.evaluation.samples import TextSet
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.resampling import embeddings as encoders
from dp_instructions.resampling.parameters import EmbeddingConfig as EncoderConfig

log = logging.getLogger(__name__)

LoadedEncoder = encoders.LoadedEncoder


def encoder_config(config: EmbeddingConfig) -> EncoderConfig:
    return EncoderConfig(
        model=config.model,
        mode="contextual",
        batch_size=config.batch_size,
        max_seq_length=config.max_seq_length,
        device=config.device,
        show_progress=True,
    )


def load_encoder(config: EmbeddingConfig | EncoderConfig, parameter: str = "evaluation.embedding") -> LoadedEncoder:
    """The encoder, loaded once per process; a model that cannot load is reported under
    ``parameter`` (the shared loader names the resampling parameter)."""
    cfg = encoder_config(config) if isinstance(config, EmbeddingConfig) else config
    try:
        return encoders.load_encoder(cfg)
    except InvalidInputError as exc:
        raise InvalidInputError(f"parameter `{parameter}.model` = {cfg.model!r} cannot be used: {exc}") from exc


@dataclass(frozen=True)
class EmbeddedTexts:
    """A text set with one unit vector per text (row i embeds ``texts.texts[i]``) and the
    identity of the encoder that made them."""

    texts: TextSet
    vectors: npt.NDArray[np.float32]
    space: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.vectors.shape[0] != len(self.texts.texts):
            raise InvalidInputError(
                f"{self.vectors.shape[0]} embeddings for {len(self.texts.texts)} texts of `{self.texts.name}`"
            )

    @property
    def name(self) -> str:
        return self.texts.name


def embed_sets(
    sets: Iterable[TextSet], encoder: LoadedEncoder, batch_size: int, known: Iterable[EmbeddedTexts] = ()
) -> dict[str, EmbeddedTexts]:
    """Embed several text sets in one encoder pass, each distinct text once; texts of
    ``known`` sets embedded by the same encoder are reused, not re-encoded."""
    sets = list(sets)
    space = encoder.identity()
    cache: dict[str, npt.NDArray[np.float32]] = {}
    for emb in known:
        if dict(emb.space) == space:
            cache.update(zip(emb.texts.texts, emb.vectors))
    todo = list(dict.fromkeys(t for s in sets for t in s.texts if t not in cache))
    names = ", ".join(s.name for s in sets)
    log.info(
        "embedding %d distinct texts of %s (%d already embedded)",
        len(todo),
        names,
        sum(len(s.texts) for s in sets) - len(todo),
    )
    if todo:
        vectors = encoders.embed_texts(encoder, todo, dataset=names, batch_size=batch_size)
        cache.update(zip(todo, vectors))
    return {s.name: EmbeddedTexts(s, np.ascontiguousarray(np.stack([cache[t] for t in s.texts])), space) for s in sets}
