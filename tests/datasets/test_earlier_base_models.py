"""The read-only view of earlier public base models: every saved version of
``public_base_model`` with its metadata, unreadable folders skipped with a warning, weights
loaded only for the version asked for; saving is refused."""

from __future__ import annotations

import logging

import pytest
import torch
from kedro.io import AbstractDataset, DatasetError

from dp_instructions.datasets.earlier_base_models import EarlierBaseModelsDataset
from dp_instructions.models.artifact import METADATA, BaseModel, save_base_model


def version_dir(root, version: str):
    return root / "public_base_model" / version / "public_base_model"


def test_lists_versions_ignores_broken_folders_and_loads_one_lazily(tmp_path, tiny_model, caplog):
    store = AbstractDataset.from_config(
        "earlier_public_base_models",
        {
            "type": "dp_instructions.datasets.earlier_base_models.EarlierBaseModelsDataset",
            "path": str(tmp_path / "public_base_model"),
        },
    )
    assert not store.exists() and len(store.load()) == 0

    save_base_model(BaseModel(model=tiny_model, metadata={"identity": "public-base:a"}), version_dir(tmp_path, "v1"))
    # Metadata but no weights: listing it must not touch the weights.
    version_dir(tmp_path, "v2").mkdir(parents=True)
    (version_dir(tmp_path, "v2") / METADATA).write_text('{"identity": "public-base:b", "hub_id": null}')
    version_dir(tmp_path, "v3").mkdir(parents=True)  # interrupted copy: no metadata.json
    version_dir(tmp_path, "v4").mkdir(parents=True)
    (version_dir(tmp_path, "v4") / METADATA).write_text("{not json")
    (tmp_path / "public_base_model" / "v5" / "public_base_model.partial").mkdir(parents=True)  # unfinished save

    with caplog.at_level(logging.WARNING):
        earlier = store.load()
    assert [e.version for e in earlier] == ["v1", "v2"]
    assert "v3" in caplog.text and "v4" in caplog.text and "v5" not in caplog.text
    assert earlier.find("public-base:b").version == "v2" and earlier.find("public-base:z") is None

    loaded = earlier.find("public-base:a").load()
    for name, tensor in tiny_model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[name], tensor)
    with pytest.raises(OSError):
        earlier.find("public-base:b").load()  # its weights were never read until now


def test_saving_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="read-only"):
        EarlierBaseModelsDataset(str(tmp_path / "public_base_model")).save({"anything": 1})
