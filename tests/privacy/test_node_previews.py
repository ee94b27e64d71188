"""Every registered node's kedro-viz preview labels its datasets with their privacy class."""

from __future__ import annotations

import os

from kedro.framework.project import configure_project, pipelines
from kedro.framework.startup import bootstrap_project
from kedro.pipeline.preview_contract import MermaidPreview

from dp_instructions.privacy.node_previews import mermaid_of_node
from tests.kedro_session import ROOT

CATALOG = {
    "train": {"type": "kedro.io.MemoryDataset", "metadata": {"privacy": "private"}},
    "model": {"type": "kedro.io.MemoryDataset", "metadata": {"privacy": "dp_release"}},
    "{name}_report": {"type": "kedro.io.MemoryDataset", "metadata": {"privacy": "public"}},
}


def test_a_node_diagram_labels_and_colours_each_dataset_by_class():
    text = mermaid_of_node(
        "dp_generation.train", ["train", "params:x", "scratch"], ["model", "loss_report"], ["dp_mechanism"], CATALOG
    )
    assert 'node["dp_generation.train<br/>dp_mechanism"]' in text
    assert 'i0["train<br/>private"]:::private --> node' in text
    assert 'i1["scratch<br/>in memory"]:::memory --> node' in text  # uncataloged: carried in memory
    assert 'node --> o0["model<br/>dp_release"]:::dp_release' in text
    assert 'node --> o1["loss_report<br/>public"]:::public' in text  # a factory pattern's class
    assert "params:x" not in text and "classDef private" in text


def test_every_registered_node_previews_with_the_project_catalog():
    bootstrap_project(ROOT)
    configure_project("dp_instructions")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        node = next(n for n in pipelines["__default__"].nodes if n.name == "dp_generation.train_dp_generator")
        preview = node.preview()
        assert all(n.preview() is not None for n in pipelines["data_cleansing"].nodes)
    finally:
        os.chdir(cwd)
    assert isinstance(preview, MermaidPreview)
    assert '["instructions_train<br/>private"]:::private --> node' in preview.content
    assert '["dp_generator<br/>dp_release"]:::dp_release' in preview.content
    assert "dp_mechanism" in preview.content
