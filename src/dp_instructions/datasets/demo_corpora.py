"""Read-only Kedro datasets that serve the embedded demo corpora from the catalog.

Why wrappers: the generators (:mod:`dp_instructions.demo.corpus`) are plain functions of
``(size, seed)``; the catalog needs a dataset class whose arguments are checked when the
catalog is built (a bad ``size`` names the entry's class before any node runs) and that
refuses to be saved. Loading calls the generator; nothing is cached or written.

Catalog entry::

    raw_conversations:
      type: dp_instructions.datasets.demo_corpora.DemoConversationsDataset
      size: 20000
      seed: 0
      metadata: {privacy: private}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import polars as pl
from kedro.io import AbstractDataset, DatasetError

from dp_instructions.demo import corpus, pretraining, public_answers
from dp_instructions.exceptions import InvalidInputError

__all__ = [
    "DemoConversationsDataset",
    "DemoEvalReferenceDataset",
    "DemoPublicInstructionsDataset",
    "DemoPublicPretrainingCorpusDataset",
    "DemoPublicQACorpusDataset",
]


class _GeneratedDataset(AbstractDataset[None, pl.DataFrame]):
    """Base of the read-only generated datasets: ``save`` is refused, ``exists`` is true."""

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata

    def save(self, data: pl.DataFrame) -> NoReturn:  # type: ignore[override]
        raise DatasetError(
            f"{type(self).__name__} is generated from its parameters and read-only; "
            "to persist the data, save it through another catalog entry (e.g. "
            "polars.EagerPolarsDataset)"
        )

    def _exists(self) -> bool:
        return True


def _dataset_arg(check: Callable[..., Any], value: Any, name: str, dataset: str) -> Any:
    """Run an argument check, re-raised as the DatasetError Kedro reports for a bad entry."""
    try:
        return check(value, name)
    except InvalidInputError as exc:
        raise DatasetError(f"{dataset}: {exc}") from None


class DemoConversationsDataset(_GeneratedDataset):
    """``size`` demo conversations in the LMSYS-Chat-1M schema (see
    :func:`~dp_instructions.demo.corpus.generate_conversations`); catalog ``type:
    dp_instructions.datasets.demo_corpora.DemoConversationsDataset``."""

    def __init__(self, size: int = 20_000, seed: int = 0, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(metadata)
        name = type(self).__name__
        self._size = _dataset_arg(corpus.check_size, size, "size", name)
        self._seed = _dataset_arg(corpus.check_seed, seed, "seed", name)

    def load(self) -> pl.DataFrame:
        return corpus.generate_conversations(self._size, self._seed)

    def _describe(self) -> dict[str, Any]:
        return {"size": self._size, "seed": self._seed}


class DemoEvalReferenceDataset(_GeneratedDataset):
    """The AlpacaEval-like reference set, part of it copied from the demo conversations
    (see :func:`~dp_instructions.demo.corpus.generate_eval_reference`)."""

    def __init__(
        self,
        size: int = 300,
        seed: int = 0,
        conversations_size: int = 20_000,
        conversations_seed: int = 0,
        overlap_fraction: float = 0.1,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(metadata)
        name = type(self).__name__
        self._size = _dataset_arg(corpus.check_size, size, "size", name)
        self._seed = _dataset_arg(corpus.check_seed, seed, "seed", name)
        self._conversations_size = _dataset_arg(corpus.check_size, conversations_size, "conversations_size", name)
        self._conversations_seed = _dataset_arg(corpus.check_seed, conversations_seed, "conversations_seed", name)
        self._overlap_fraction = _dataset_arg(corpus.check_fraction, overlap_fraction, "overlap_fraction", name)

    def load(self) -> pl.DataFrame:
        return corpus.generate_eval_reference(
            self._size,
            self._seed,
            conversations_size=self._conversations_size,
            conversations_seed=self._conversations_seed,
            overlap_fraction=self._overlap_fraction,
        )

    def _describe(self) -> dict[str, Any]:
        return {
            "size": self._size,
            "seed": self._seed,
            "conversations_size": self._conversations_size,
            "conversations_seed": self._conversations_seed,
            "overlap_fraction": self._overlap_fraction,
        }


class DemoPublicInstructionsDataset(_GeneratedDataset):
    """The FLAN-like public instruction corpus (see
    :func:`~dp_instructions.demo.corpus.generate_public_instructions`)."""

    def __init__(self, size: int = 5_000, seed: int = 0, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(metadata)
        name = type(self).__name__
        self._size = _dataset_arg(corpus.check_size, size, "size", name)
        self._seed = _dataset_arg(corpus.check_seed, seed, "seed", name)

    def load(self) -> pl.DataFrame:
        return corpus.generate_public_instructions(self._size, self._seed)

    def _describe(self) -> dict[str, Any]:
        return {"size": self._size, "seed": self._seed}


class DemoPublicPretrainingCorpusDataset(_GeneratedDataset):
    """The generated public pre-training corpus: text of people asking for help (columns
    ``id``, ``text``, ``genre``; see
    :func:`~dp_instructions.demo.pretraining.generate_public_pretraining_corpus`)."""

    def __init__(self, size: int = 30_000, seed: int = 0, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(metadata)
        name = type(self).__name__
        self._size = _dataset_arg(corpus.check_size, size, "size", name)
        self._seed = _dataset_arg(corpus.check_seed, seed, "seed", name)

    def load(self) -> pl.DataFrame:
        return pretraining.generate_public_pretraining_corpus(self._size, self._seed)

    def _describe(self) -> dict[str, Any]:
        return {"size": self._size, "seed": self._seed}


class DemoPublicQACorpusDataset(_GeneratedDataset):
    """The generated public question-and-answer corpus the embedded teacher learns from
    (columns ``id``, ``question``, ``answer``, ``genre``; see
    :func:`~dp_instructions.demo.public_answers.generate_public_qa_corpus`)."""

    def __init__(self, size: int = 2_000, seed: int = 0, metadata: dict[str, Any] | None = None) -> None:
        super().__init__(metadata)
        name = type(self).__name__
        self._size = _dataset_arg(corpus.check_size, size, "size", name)
        self._seed = _dataset_arg(corpus.check_seed, seed, "seed", name)

    def load(self) -> pl.DataFrame:
        return public_answers.generate_public_qa_corpus(self._size, self._seed)

    def _describe(self) -> dict[str, Any]:
        return {"size": self._size, "seed": self._seed}
