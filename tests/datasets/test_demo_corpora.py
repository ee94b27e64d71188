"""The read-only Kedro datasets that serve the demo corpora (dp_instructions.datasets.demo_corpora):
loading calls the generator, arguments are checked by name when the catalog is built, saving is refused."""

from __future__ import annotations

import re

import polars as pl
import pytest
from kedro.io import AbstractDataset, DatasetError

from dp_instructions.datasets import (
    DemoConversationsDataset,
    DemoEvalReferenceDataset,
    DemoPublicInstructionsDataset,
)
from dp_instructions.demo.corpus import (
    generate_conversations,
    generate_eval_reference,
    generate_public_instructions,
)


def test_datasets_load_and_describe():
    conv = DemoConversationsDataset(size=50, seed=2, metadata={"privacy": "private"})
    assert conv.metadata == {"privacy": "private"}
    assert conv.load().equals(generate_conversations(50, 2))
    assert conv._describe() == {"size": 50, "seed": 2}
    assert conv.exists()

    ev = DemoEvalReferenceDataset(size=20, conversations_size=500, overlap_fraction=0.25)
    assert ev.load().equals(generate_eval_reference(20, conversations_size=500, overlap_fraction=0.25))
    assert ev._describe()["overlap_fraction"] == 0.25

    pub = DemoPublicInstructionsDataset(size=30, seed=1, metadata={"privacy": "public"})
    assert pub.load().equals(generate_public_instructions(30, 1))


@pytest.mark.parametrize(
    "type_path",
    [
        "dp_instructions.datasets.demo_corpora.DemoConversationsDataset",
        "dp_instructions.datasets.DemoConversationsDataset",
    ],
)
def test_datasets_from_catalog_config(type_path):
    ds = AbstractDataset.from_config(
        "raw_conversations",
        {
            "type": type_path,
            "size": 10,
            "seed": 0,
            "metadata": {"privacy": "private"},
        },
    )
    assert isinstance(ds, DemoConversationsDataset) and ds.load().height == 10


@pytest.mark.parametrize(
    "dataset",
    [
        DemoConversationsDataset(size=5),
        DemoEvalReferenceDataset(size=5, conversations_size=100),
        DemoPublicInstructionsDataset(size=5),
    ],
)
def test_datasets_refuse_save(dataset):
    with pytest.raises(DatasetError, match="read-only"):
        dataset.save(pl.DataFrame({"x": [1]}))


@pytest.mark.parametrize(
    ("factory", "fragment"),
    [
        (lambda: DemoConversationsDataset(size=0), "`size`"),
        (lambda: DemoConversationsDataset(size="100"), "`size`"),
        (lambda: DemoConversationsDataset(seed=-1), "`seed`"),
        (lambda: DemoEvalReferenceDataset(overlap_fraction=-0.1), "`overlap_fraction`"),
        (lambda: DemoEvalReferenceDataset(conversations_size=0), "`conversations_size`"),
        (lambda: DemoEvalReferenceDataset(conversations_seed=1.5), "`conversations_seed`"),
        (lambda: DemoPublicInstructionsDataset(size=-5), "`size`"),
    ],
)
def test_datasets_validate_arguments_by_name(factory, fragment):
    with pytest.raises(DatasetError, match=re.escape(fragment)):
        factory()
