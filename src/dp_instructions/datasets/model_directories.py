"""Versioned Kedro datasets for model directories (tokenizer, base model, generator).

Why custom: a model is a directory (weights, config, tokenizer files, metadata), which no
kedro-datasets class versions as one unit. Each save writes ``<path>/<version>/<name>/``
like any versioned Kedro dataset, so ``kedro run --load-versions`` and the audit trail
work as for tables. The layouts live in :mod:`dp_instructions.models.artifact`.
"""

from __future__ import annotations

import shutil
from abc import abstractmethod
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar

from kedro.io import AbstractVersionedDataset, Version
from transformers import AutoModelForSequenceClassification

from dp_instructions.alignment import chat_model
from dp_instructions.models import artifact

T = TypeVar("T")

__all__ = ["BaseModelDataset", "ChatModelDataset", "GeneratorDataset", "RewardModelDataset", "TokenizerDataset"]


class _ModelDirectoryDataset(AbstractVersionedDataset[T, T], Generic[T]):
    def __init__(self, path: str, version: Version | None = None, metadata: dict[str, Any] | None = None):
        super().__init__(filepath=PurePosixPath(path), version=version, exists_function=self._dir_exists)
        self.metadata = metadata

    @staticmethod
    def _dir_exists(path: str) -> bool:
        return Path(path).is_dir()

    @abstractmethod
    def _write(self, data: T, directory: Path) -> None:
        """Write ``data`` as a model directory at ``directory``."""

    @abstractmethod
    def _read(self, directory: Path) -> T:
        """Load what ``_write`` wrote."""

    def load(self) -> T:
        return self._read(Path(str(self._get_load_path())))

    def save(self, data: T) -> None:
        target = Path(str(self._get_save_path()))
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        self._write(data, partial)
        partial.rename(target)  # a crash mid-save leaves no half-written version to load

    def _exists(self) -> bool:
        try:
            return Path(str(self._get_load_path())).is_dir()
        except Exception:  # no version saved yet
            return False

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._filepath), "version": self._version}


class TokenizerDataset(_ModelDirectoryDataset[Any]):
    """A transformers tokenizer (``save_pretrained`` / ``AutoTokenizer.from_pretrained``)."""

    def _write(self, data: Any, directory: Path) -> None:
        artifact.save_tokenizer(data, directory)

    def _read(self, directory: Path) -> Any:
        return artifact.load_tokenizer(directory)


class BaseModelDataset(_ModelDirectoryDataset[artifact.BaseModel]):
    """A public base model (:class:`~dp_instructions.models.artifact.BaseModel`)."""

    def _write(self, data: artifact.BaseModel, directory: Path) -> None:
        artifact.save_base_model(data, directory)

    def _read(self, directory: Path) -> artifact.BaseModel:
        return artifact.load_base_model(directory)


class GeneratorDataset(_ModelDirectoryDataset[artifact.GeneratorArtifact]):
    """A fine-tuned generator (:class:`~dp_instructions.models.artifact.GeneratorArtifact`),
    loaded on the CPU; move it with ``artifact.model.to(device)``."""

    def _write(self, data: artifact.GeneratorArtifact, directory: Path) -> None:
        artifact.save_generator(data, directory)

    def _read(self, directory: Path) -> artifact.GeneratorArtifact:
        return artifact.load_generator(directory)


class ChatModelDataset(_ModelDirectoryDataset["chat_model.ChatModel | chat_model.NotBuilt"]):
    """A chat model (:class:`~dp_instructions.alignment.chat_model.ChatModel`: weights and a
    tokenizer with a chat template under ``model/``, loadable by any Hugging Face tool), or
    a :class:`~dp_instructions.alignment.chat_model.NotBuilt`: a version that records why no
    model was built."""

    def _write(self, data: chat_model.ChatModel | chat_model.NotBuilt, directory: Path) -> None:
        chat_model.save_chat_model(data, directory)

    def _read(self, directory: Path) -> chat_model.ChatModel | chat_model.NotBuilt:
        return chat_model.load_chat_model(directory)


class RewardModelDataset(ChatModelDataset):
    """A reward model: a :class:`~dp_instructions.alignment.chat_model.ChatModel` whose model is
    a sequence classifier with one label (``AutoModelForSequenceClassification``), or
    :class:`~dp_instructions.alignment.chat_model.NotBuilt` for a run that needed none."""

    def _read(self, directory: Path) -> chat_model.ChatModel | chat_model.NotBuilt:
        return chat_model.load_chat_model(directory, AutoModelForSequenceClassification)
