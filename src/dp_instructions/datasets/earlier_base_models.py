"""``EarlierBaseModelsDataset``: every saved version of the public base model, lazily.

Why: a re-run with the same public inputs and settings reuses the pre-trained public base
model instead of pre-training again (:mod:`dp_instructions.models.public_base`). The
saved versions of ``public_base_model`` are the record of what was pre-trained; this
dataset lists them (``<path>/<version>/<name>/metadata.json``) with their metadata and
loads a model's weights only when the node reuses it. Point ``path`` at the same path as
``public_base_model``.

A version that cannot be read (no or malformed ``metadata.json``, e.g. a folder left by an
interrupted copy) is skipped with a warning: unlike a skipped DP release, a skipped public
model only costs a pre-training. Saving is refused: the node writes ``public_base_model``.

Catalog entry::

    earlier_public_base_models:
      type: dp_instructions.datasets.earlier_base_models.EarlierBaseModelsDataset
      path: data/06_models/public_base_model   # = public_base_model's path
      metadata: {privacy: public}
"""

from __future__ import annotations

import json
import logging
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from kedro.io import AbstractDataset, DatasetError

from dp_instructions.alignment import chat_model
from dp_instructions.models import artifact
from dp_instructions.models.public_base import EarlierBaseModel, EarlierBaseModels

__all__ = ["EarlierBaseModelsDataset"]

log = logging.getLogger(__name__)


_LOADERS = {"base_model": artifact.load_base_model, "chat_model": chat_model.load_chat_model}


class EarlierBaseModelsDataset(AbstractDataset[Any, EarlierBaseModels]):
    """Read-only view of every version of a versioned public model dataset:
    ``public_base_model`` (``layout: base_model``) or the embedded teacher (``layout:
    chat_model``)."""

    def __init__(self, path: str, layout: str = "base_model", metadata: dict[str, Any] | None = None):
        if layout not in _LOADERS:
            raise DatasetError(f"EarlierBaseModelsDataset: layout must be one of {sorted(_LOADERS)}, got {layout!r}")
        self._path = Path(path)
        self._loader = _LOADERS[layout]
        self._layout = layout
        self.metadata = metadata

    def _directories(self) -> list[Path]:
        if not self._path.is_dir():
            return []
        # Kedro's versioned layout: <path>/<version>/<basename>/ (".partial" siblings are unfinished saves).
        return sorted(d for d in self._path.glob(f"*/{self._path.name}") if d.is_dir())

    def load(self) -> EarlierBaseModels:
        entries = []
        for directory in self._directories():
            version = directory.parent.name
            try:
                meta = json.loads((directory / artifact.METADATA).read_text(encoding="utf-8"))
                if not isinstance(meta, dict):
                    raise ValueError(f"{artifact.METADATA} holds a {type(meta).__name__}, not an object")
            except (OSError, ValueError) as exc:
                log.warning(
                    "%s version %s (%s) is not readable and is ignored: %s", self._path.name, version, directory, exc
                )
                continue
            entries.append(EarlierBaseModel(version=version, metadata=meta, loader=partial(self._loader, directory)))
        return EarlierBaseModels(tuple(entries))

    def save(self, data: Any) -> NoReturn:
        raise DatasetError(
            f"the earlier versions of {self._path.name} are read-only: the model is saved through its own "
            "versioned dataset, which this dataset reads"
        )

    def _exists(self) -> bool:
        return bool(self._directories())

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "layout": self._layout}
