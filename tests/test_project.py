"""The Kedro project is discoverable: metadata, settings and the pipeline registry."""

from __future__ import annotations

from pathlib import Path

from kedro.framework.project import configure_project, pipelines
from kedro.framework.startup import bootstrap_project
from kedro.pipeline import Pipeline

from dp_instructions.pipeline_registry import OPTIONAL_PIPELINES
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG

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


def test_privacy_report_runs_after_every_release_of_the_default_run():
    # Kedro orders nodes by data only: without a dependency on every release, the default
    # run built the report before the resampling histogram was charged (seen in a run).
    bootstrap_project(PROJECT_ROOT)
    configure_project("dp_instructions")
    default = pipelines["__default__"]
    releases = {n.name for n in default.nodes if DP_MECHANISM_TAG in n.tags}
    assert {
        "dp_generation.train_dp_generator",
        "resampling.release_noisy_histogram",
        "evaluation.release_sweep_histograms",
    } <= releases
    report = "evaluation.build_privacy_report"
    assert releases <= {n.name for n in default.to_nodes(report).nodes}
    order = [n.name for n in default.nodes]  # the topological order the runner follows
    assert all(order.index(name) < order.index(report) for name in releases)


def test_each_registered_pipeline_is_a_namespace_with_unchanged_dataset_names():
    from dp_instructions.pipelines.data_cleansing.pipeline import create_pipeline

    bootstrap_project(PROJECT_ROOT)
    configure_project("dp_instructions")
    for name, pipeline in pipelines.items():
        if name != "__default__":
            assert {n.namespace for n in pipeline.nodes} == {name}, name
    assert pipelines["data_cleansing"].datasets() == create_pipeline().datasets()
    groups = {g.name for g in pipelines["__default__"].group_nodes_by("namespace")}
    assert groups == {"data_cleansing", "dp_generation", "resampling", "evaluation", "alignment"}


def test_native_extension_is_importable_from_the_package():
    from dp_instructions import _native, native

    assert native.NO_MATCH == _native.NO_MATCH == -1
    assert Path(_native.__file__).suffix in {".so", ".pyd"}
