"""The read-only Kedro datasets that serve the demo corpora (dp_instructions.datasets.demo_corpora):
loading calls the generator, arguments are checked by name when the catalog is built, saving is refused."""

from __future__ import annotations

import pathlib
import re

import polars as pl
import pytest
from kedro.io import AbstractDataset, DatasetError

from dp_instructions.datasets import (
    DemoConversationsDataset,
    DemoEvalReferenceDataset,
    DemoPublicInstructionsDataset,
    DemoPublicPretrainingCorpusDataset,
)
from dp_instructions.demo.corpus import (
    generate_conversations,
    generate_eval_reference,
    generate_public_instructions,
)
from dp_instructions.demo.pretraining import generate_public_pretraining_corpus


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

    pre = DemoPublicPretrainingCorpusDataset(size=40, seed=2, metadata={"privacy": "public"})
    assert pre.metadata == {"privacy": "public"}
    assert pre.load().equals(generate_public_pretraining_corpus(40, 2))
    assert pre._describe() == {"size": 40, "seed": 2}
    assert pre.exists()
    assert DemoPublicPretrainingCorpusDataset()._describe() == {"size": 30_000, "seed": 0}


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
        DemoPublicPretrainingCorpusDataset(size=5),
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
        (lambda: DemoPublicPretrainingCorpusDataset(size=1.5), "`size`"),
        (lambda: DemoPublicPretrainingCorpusDataset(seed=-3), "`seed`"),
    ],
)
def test_datasets_validate_arguments_by_name(factory, fragment):
    with pytest.raises(DatasetError, match=re.escape(fragment)):
        factory()


@pytest.mark.parametrize(
    "type_path",
    [
        "dp_instructions.datasets.demo_corpora.DemoPublicPretrainingCorpusDataset",
        "dp_instructions.datasets.DemoPublicPretrainingCorpusDataset",
    ],
)
def test_pretraining_corpus_from_catalog_config(type_path):
    ds = AbstractDataset.from_config(
        "public_pretraining_corpus",
        {"type": type_path, "size": 12, "seed": 0, "metadata": {"privacy": "public"}},
    )
    assert isinstance(ds, DemoPublicPretrainingCorpusDataset)
    assert ds.load().equals(generate_public_pretraining_corpus(12, 0))


@pytest.mark.parametrize("env", ["base", "paper"])
def test_project_catalog_serves_the_pretraining_corpus_as_public(env):
    """The catalog entry (conf/base, not overridden by conf/paper): the demo dataset,
    privacy class public, sized by the global demo.public_pretraining_corpus, which a run
    overrides with the runtime parameter demo_public_pretraining_corpus."""
    from kedro.config import OmegaConfigLoader

    from dp_instructions.settings import CONFIG_LOADER_ARGS

    conf = str(pathlib.Path(__file__).resolve().parents[2] / "conf")
    args = {**CONFIG_LOADER_ARGS, "default_run_env": env}
    entry = OmegaConfigLoader(conf, **args)["catalog"]["public_pretraining_corpus"]
    assert entry["type"] == "dp_instructions.datasets.demo_corpora.DemoPublicPretrainingCorpusDataset"
    assert entry["metadata"] == {"privacy": "public", "kedro-viz": {"layer": "raw"}}
    assert entry["size"] == 30_000 and entry["seed"] == 0
    loader = OmegaConfigLoader(conf, **args, runtime_params={"demo_public_pretraining_corpus": 123})
    assert loader["catalog"]["public_pretraining_corpus"]["size"] == 123
