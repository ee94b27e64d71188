"""Previews for public and dp_release datasets only, whatever the catalog says."""

from __future__ import annotations

import json

import polars as pl
import pytest
from kedro.io import DatasetError

from dp_instructions.datasets.atomic import EagerPolarsDataset, JSONDataset


@pytest.mark.parametrize("privacy", ["private", None, "secret"])
def test_a_private_or_unclassified_dataset_has_no_preview(tmp_path, privacy):
    metadata = {"privacy": privacy} if privacy else None
    table = EagerPolarsDataset(filepath=str(tmp_path / "t.parquet"), file_format="parquet", metadata=metadata)
    table.save(pl.DataFrame({"text": ["my phone number is 555-0100"]}))
    with pytest.raises(DatasetError, match="no preview of a"):
        table.preview(nrows=1)


def test_a_dp_release_table_with_a_list_column_previews_as_plain_values(tmp_path):
    table = EagerPolarsDataset(
        filepath=str(tmp_path / "t.parquet"), file_format="parquet", metadata={"privacy": "dp_release"}
    )
    table.save(pl.DataFrame({"id": ["a"], "messages": [["hi", "hello"]], "n": [3]}))
    preview = table.preview(nrows=1)
    assert preview["data"] == [["a", ["hi", "hello"], 3]]  # no numpy arrays: kedro-viz can serialise it
    report = JSONDataset(filepath=str(tmp_path / "r.json"), metadata={"privacy": "public"})
    report.save({"epsilon": 1.5})
    assert json.loads(report.preview()) == {"epsilon": 1.5}  # JSONPreview is the JSON text
