"""Reuse of the embedded public base model across runs.

Why: the small GPT-2 pre-trained on public text (``public_pretraining_corpus``) is public and fully determined
by its inputs (the public texts, the pre-training settings, the seed, the tokenizer, the
device type and this code's format), yet pre-training it costs minutes on a CPU. So each
pre-trained model records an *identity*, a digest of exactly those inputs, in its
metadata, and a re-run whose identity matches an earlier saved version loads that version
instead of pre-training again (like a DP release found again by its key, but public: a
missed match only costs time, never privacy).

The earlier versions come from a read-only view of the versioned ``public_base_model``
dataset (:class:`~dp_instructions.datasets.earlier_base_models.EarlierBaseModelsDataset`);
this module knows nothing of Kedro: it sees :class:`EarlierBaseModel` entries whose
weights load only when one is reused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from transformers import PreTrainedTokenizerBase

from dp_instructions.models.dp_training.release import tokenizer_identity

__all__ = ["PUBLIC_BASE_FORMAT", "EarlierBaseModel", "EarlierBaseModels", "public_base_identity"]

PUBLIC_BASE_FORMAT = 2
"""Bump when the pre-training code changes what a given identity's inputs produce (model
construction, the loop, the RNG use), so that earlier models stop matching."""


def _texts_digest(texts: Sequence[str]) -> str:
    """Order-sensitive digest of the public texts: pre-training draws batches by index, so
    reordering the corpus changes the weights (unlike the ledger's order-insensitive
    fingerprint of a private dataset)."""
    digest = hashlib.sha256(b"dp-instructions/public-texts/v1\n")
    for text in texts:
        encoded = text.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return f"sha256:{digest.hexdigest()}"


def public_base_identity(
    texts: Sequence[str],
    pretraining: dict[str, Any],
    seed: int,
    tokenizer: PreTrainedTokenizerBase,
    device_type: str,
) -> str:
    """A digest of everything that determines the pre-trained public base model."""
    parts = {
        "format": PUBLIC_BASE_FORMAT,
        "public_texts": _texts_digest(texts),
        "pretraining": pretraining,
        "seed": seed,
        "tokenizer": tokenizer_identity(tokenizer),
        "device_type": device_type,
    }
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return f"public-base:{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:32]}"


@dataclass(frozen=True)
class EarlierBaseModel:
    """One saved version of the public base model: its metadata now, its weights on demand."""

    version: str
    metadata: dict[str, Any]
    loader: Callable[[], Any] = field(repr=False, compare=False)

    def load(self) -> Any:
        """The saved model: a :class:`BaseModel`, or a chat model for the embedded teacher's versions."""
        return self.loader()


@dataclass(frozen=True)
class EarlierBaseModels:
    """Every readable saved version of the public base model, oldest first."""

    entries: tuple[EarlierBaseModel, ...] = ()

    def __iter__(self) -> Iterator[EarlierBaseModel]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, identity: str) -> EarlierBaseModel | None:
        """The newest version pre-trained (or reused) under `identity`, if any."""
        matches = [e for e in self.entries if e.metadata.get("identity") == identity]
        return matches[-1] if matches else None
