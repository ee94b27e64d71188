"""The alignment pipeline on a DataCatalog with SequentialRunner and a tiny local teacher."""

from __future__ import annotations

import polars as pl
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from dp_instructions.alignment.parameters import AlignmentParameters
from dp_instructions.alignment.teachers.endpoint import TeacherEndpoint
from dp_instructions.pipelines.alignment import create_pipeline
from dp_instructions.privacy.boundary import check_privacy_boundary
from tests.alignment.teachers.openai_server import save_tiny_chat_model


@pytest.fixture(scope="module")
def teacher_dir(tmp_path_factory):
    return save_tiny_chat_model(tmp_path_factory.mktemp("teacher") / "tiny")


def synthetic_resampled() -> pl.DataFrame:
    texts = [f"write a python function that sorts a list number {i}" for i in range(9)] + ["", "  "]
    texts.append(texts[0])  # a duplicate
    return pl.DataFrame({"id": [f"synthetic-{i:07d}" for i in range(len(texts))], "text": texts, "cluster": [0] * 12})


class KeptMemoryDataset(MemoryDataset):
    """Not released by the runner, so the test can read every output afterwards."""

    def _release(self) -> None:
        pass


def run(catalog_entries: dict, params: AlignmentParameters) -> DataCatalog:
    catalog = DataCatalog(
        {
            **{name: MemoryDataset(value) for name, value in catalog_entries.items()},
            "params:alignment": MemoryDataset(params),
        }
    )
    outputs = [
        "annotation_requests",
        "annotation_dropped",
        "label_studio_tasks",
        "label_studio_config",
        "teacher_answers",
        "annotation_report",
        "sft_dataset",
        "sft_not_used",
    ]
    for name in outputs:
        catalog[name] = KeptMemoryDataset()
    SequentialRunner().run(create_pipeline(), catalog)
    return catalog


def test_every_synthetic_row_ends_as_a_pair_a_recorded_drop_or_an_unused_answer(teacher_dir, tmp_path):
    params = AlignmentParameters.model_validate(
        {"teacher": {"generation": {"max_tokens": 6}, "cache_path": str(tmp_path / "cache.sqlite")}}
    )
    synthetic = synthetic_resampled()
    catalog = run(
        {"synthetic_resampled": synthetic, "teacher_endpoint": TeacherEndpoint("transformers", model=str(teacher_dir))},
        params,
    )
    requests = catalog["annotation_requests"].load()
    dropped = catalog["annotation_dropped"].load()
    assert requests.height == 9 and dropped.height == 3
    sft, unused = catalog["sft_dataset"].load(), catalog["sft_not_used"].load()
    assert sft.height + unused.height == requests.height
    report = catalog["annotation_report"].load()
    assert report["requests"] == 9 and report["sent"] == 9 and report["teacher"]["backend"] == "transformers"
    assert len(catalog["label_studio_tasks"].load()) == 9
    assert "$instruction" in catalog["label_studio_config"].load()
    answers = catalog["teacher_answers"].load()
    assert answers["request_id"].to_list() == requests["request_id"].to_list()

    again = run(
        {"synthetic_resampled": synthetic, "teacher_endpoint": TeacherEndpoint("transformers", model=str(teacher_dir))},
        params,
    )
    assert again["annotation_report"].load()["from_cache"] == 9
    assert again["sft_dataset"].load().equals(sft)


@pytest.mark.parametrize("env", ["local", "openai"])
def test_the_pipeline_reads_nothing_private_in_the_project_catalog(env):
    from kedro.config import OmegaConfigLoader
    from kedro.framework.project import configure_project

    from dp_instructions.pipeline_registry import register_pipelines
    from dp_instructions.settings import CONFIG_LOADER_ARGS
    from tests.conf_parameters import ROOT

    catalog = dict(OmegaConfigLoader(str(ROOT / "conf"), **{**CONFIG_LOADER_ARGS, "default_run_env": env})["catalog"])
    configure_project("dp_instructions")
    pipelines = register_pipelines()
    assert check_privacy_boundary(pipelines, catalog) == []
    assert catalog["teacher_endpoint"]["backend"] == ("openai" if env == "openai" else "transformers")
    leaky = {**catalog, "synthetic_resampled": {**catalog["synthetic_resampled"], "metadata": {"privacy": "private"}}}
    violations = [v for v in check_privacy_boundary(pipelines, leaky) if "alignment" in v.pipelines]
    assert any(v.kind == "private_input" and v.dataset == "synthetic_resampled" for v in violations)
