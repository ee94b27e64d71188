"""The alignment pipeline on a DataCatalog with SequentialRunner: a tiny public base model,
the embedded teacher trained from it, three students, win rates; a second run reuses the
teacher and the response cache."""

from __future__ import annotations

import polars as pl
import pytest
from kedro.io import DataCatalog, MemoryDataset, Version
from kedro.runner import SequentialRunner

from dp_instructions.alignment.parameters import SOURCE_SETS, AlignmentParameters
from dp_instructions.alignment.teachers.endpoint import TeacherEndpoint
from dp_instructions.datasets.earlier_base_models import EarlierBaseModelsDataset
from dp_instructions.datasets.model_directories import ChatModelDataset
from dp_instructions.demo.corpus import generate_public_instructions
from dp_instructions.pipelines.alignment import create_pipeline
from dp_instructions.privacy.boundary import check_privacy_boundary

TINY = {
    "device": "cpu",
    "annotation": {"max_per_set": 6, "max_instruction_chars": 60},
    "teacher": {"generation": {"max_tokens": 8}, "batch_size": 8},
    "embedded_teacher": {"positions": 64, "max_length": 64, "epochs": 1, "batch_size": 8},
    "student": {"positions": 64, "max_length": 64, "epochs": 1, "batch_size": 8},
    "win_rate": {"max_instructions": 5, "max_new_tokens": 8, "batch_size": 8, "bootstrap_samples": 50},
}


def sets() -> dict[str, pl.DataFrame]:
    def frame(prefix: str, texts: list[str]) -> pl.DataFrame:
        return pl.DataFrame({"id": [f"{prefix}-{i}" for i in range(len(texts))], "text": texts})

    resampled = [f"how do I fix my bike chain, take {i}" for i in range(9)] + ["", "how do I fix my bike chain, take 0"]
    initial = [f"write a short email to my manager about day {i}" for i in range(4)]
    public = generate_public_instructions(8, seed=0).select("id", "text")
    return {
        "synthetic_resampled": frame("r", resampled),
        "synthetic_initial": frame("i", initial),
        "public_instructions": public,
    }


class KeptMemoryDataset(MemoryDataset):
    """Not released by the runner, so the test can read every output afterwards."""

    def _release(self) -> None:
        pass


def run(tmp_path, public_base, params: AlignmentParameters) -> DataCatalog:
    base, tokenizer, qa = public_base
    references = pl.DataFrame(
        {"id": [f"eval-{i}" for i in range(7)], "text": [f"what is a good gift idea {i}?" for i in range(7)]}
    )
    catalog = DataCatalog(
        {
            **{name: MemoryDataset(frame) for name, frame in sets().items()},
            "public_base_model": MemoryDataset(base, copy_mode="assign"),
            "public_tokenizer": MemoryDataset(tokenizer, copy_mode="assign"),
            "public_qa_corpus": MemoryDataset(qa),
            "eval_reference_instructions": MemoryDataset(references),
            "teacher_endpoint": MemoryDataset(TeacherEndpoint("transformers")),
            "judge_endpoint": MemoryDataset(TeacherEndpoint("transformers")),
            "embedded_teacher": ChatModelDataset(str(tmp_path / "embedded_teacher"), version=Version(None, None)),
            "earlier_embedded_teachers": EarlierBaseModelsDataset(
                str(tmp_path / "embedded_teacher"), layout="chat_model"
            ),
            "params:alignment": MemoryDataset(params),
            "params:seed": MemoryDataset(5),
        }
    )
    pipeline = create_pipeline()
    for name in pipeline.all_outputs() - set(catalog.keys()):
        catalog[name] = KeptMemoryDataset()
    SequentialRunner().run(pipeline, catalog)
    return catalog


def test_every_row_is_accounted_for_three_students_are_trained_and_judged(tmp_path, public_base):
    params = AlignmentParameters.model_validate(
        {**TINY, "teacher": {**TINY["teacher"], "cache_path": str(tmp_path / "cache.sqlite")}}
    )
    catalog = run(tmp_path, public_base, params)
    requests, dropped = catalog["annotation_requests"].load(), catalog["annotation_dropped"].load()
    for name, frame in sets().items():
        assert (
            requests.filter(pl.col("source_set") == name).height + dropped.filter(pl.col("source_set") == name).height
            == frame.height
        )
    assert requests.filter(pl.col("source_set") == "synthetic_resampled").height == 6  # max_per_set
    reasons = dropped.filter(pl.col("source_set") == "synthetic_resampled")["reason"].to_list()
    assert reasons.count("blank") == 1 and sum(r.startswith("duplicate of") for r in reasons) == 1
    assert sum(r.startswith("not selected") for r in reasons) == 3
    sft, unused = catalog["sft_dataset"].load(), catalog["sft_not_used"].load()
    assert sft.height + unused.height == requests.height
    assert set(sft["source_set"]) <= set(SOURCE_SETS)

    teacher = catalog["embedded_teacher"].load()
    assert teacher.metadata["identity"].startswith("embedded-teacher:") and teacher.positions == 64
    assert "weak" in catalog["annotation_report"].load()["embedded_teacher"]
    for source_set in SOURCE_SETS:
        student = catalog[f"student_{source_set}"].load()
        assert student.metadata["source_set"] == source_set and student.metadata["training"]["steps"] >= 1
        assert student.tokenizer.chat_template

    answers = catalog["reference_answers"].load()
    assert answers.group_by("model").len().sort("model")["len"].to_list() == [5, 5, 5]
    verdicts = catalog["win_rate_verdicts"].load()
    assert verdicts.height == 2 * 5 * 2 and set(verdicts["order"]) == {"model_first", "baseline_first"}
    report = catalog["win_rate_report"].load()
    assert report["baseline"] == "public_instructions" and report["judge"]["method"] == "likelihood"
    assert [m["model"] for m in report["models"]] == ["synthetic_resampled", "synthetic_initial"]
    for row in report["models"]:
        assert 0 <= row["win_rate"] <= 1 and row["interval"][0] <= row["win_rate"] <= row["interval"][1]
        assert row["wins"] + row["ties"] + row["losses"] + row["unparseable"] == row["verdicts"] == 10
    assert "embedded teacher" in report["note"]
    assert len(catalog["win_rate_plot"].load().axes[0].patches) == 2

    again = run(tmp_path, public_base, params)
    assert again["embedded_teacher"].load().metadata["reused_from"]
    assert again["annotation_report"].load()["from_cache"] == requests.height


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
    assert any(n.name == "judge_win_rates" for n in pipelines["__default__"].nodes)  # alignment is in the default run
    for entry in ("teacher_endpoint", "judge_endpoint"):
        assert catalog[entry]["backend"] == ("openai" if env == "openai" else "transformers")
    for source in ("synthetic_resampled", "synthetic_initial"):
        leaky = {**catalog, source: {**catalog[source], "metadata": {"privacy": "private"}}}
        violations = [v for v in check_privacy_boundary(pipelines, leaky) if "alignment" in v.pipelines]
        assert any(v.kind == "private_input" and v.dataset == source for v in violations)
