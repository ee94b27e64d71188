"""The optional view of the non-private control: None until a version exists, then the
latest version; never writable."""

from __future__ import annotations

import pytest
from kedro.io import DatasetError, Version

from dp_instructions.datasets.model_directories import GeneratorDataset
from dp_instructions.datasets.optional_generator import OptionalGeneratorDataset
from tests.evaluation import fakes


def test_loads_none_until_the_generator_is_saved_then_the_latest_version(tmp_path):
    path = str(tmp_path / "nonprivate_control_generator")
    view = OptionalGeneratorDataset(path=path, version=Version(None, None))
    assert view.load() is None
    GeneratorDataset(path=path, version=Version(None, "2024-01-01T00.00.00.000Z")).save(fakes.unexposed_generator())
    loaded = OptionalGeneratorDataset(path=path, version=Version(None, None)).load()
    assert loaded is not None and loaded.metadata == fakes.unexposed_generator().metadata
    with pytest.raises(DatasetError, match="read-only view"):
        view.save(loaded)
