"""The Kedro project is discoverable: metadata, settings and the pipeline registry."""

from __future__ import annotations

from pathlib import Path

from kedro.framework.project import configure_project, pipelines
from kedro.framework.startup import bootstrap_project
from kedro.pipeline import Pipeline

from dp_instructions.pipeline_registry import OPTIONAL_PIPELINES

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_project_metadata_and_registry():
    metadata = bootstrap_project(PROJECT_ROOT)
    assert metadata.package_name == "dp_instructions"
    assert metadata.project_name == "dp-instructions"
    configure_project("dp_instructions")
    assert "__default__" in pipelines
    default = pipelines["__default__"]
    assert isinstance(default, Pipeline)
    for name, pipeline in pipelines.items():
        if name not in ("__default__", *OPTIONAL_PIPELINES):
            assert set(pipeline.nodes) <= set(default.nodes), name


def test_native_extension_is_importable_from_the_package():
    from dp_instructions import _native, native

    assert native.NO_MATCH == _native.NO_MATCH == -1
    assert Path(_native.__file__).suffix in {".so", ".pyd"}
