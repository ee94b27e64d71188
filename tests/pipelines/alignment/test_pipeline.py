"""The alignment pipeline on a DataCatalog with SequentialRunner: a tiny public base model,
the embedded teacher trained from it, three students, win rates; a second run reuses the
teacher and the response cache."""

from __future__ import annotations

import polars as pl
import pytest
import torch
from kedro.io import DataCatalog, MemoryDataset, Version
from kedro.runner import SequentialRunner

from dp_instructions.alignment.chat_model import NotBuilt
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
    "student": {"positions": 96, "max_length": 64, "epochs": 1, "batch_size": 8},
    "win_rate": {
        "max_instructions": 5,
        "max_new_tokens": 8,
        "batch_size": 8,
        "bootstrap_samples": 50,
        "tie_margin": 0.0,
    },
    "rl": {
        "method": "rloo",
        "preferences": {"max_prompts": 5, "max_new_tokens": 8, "batch_size": 8},
        "reward_model": {"epochs": 1, "batch_size": 2, "max_length": 96, "held_out": 0.25},
        "rloo": {"steps": 2, "prompts_per_step": 2, "generations": 2, "max_new_tokens": 8},
        "dpo": {"epochs": 1, "batch_size": 2, "max_length": 96},
    },
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

    pairs, no_pair = catalog["preference_pairs"].load(), catalog["preference_pairs_dropped"].load()
    assert pairs.height + no_pair.height == 6  # every synthetic_resampled request: a pair or a recorded reason
    assert no_pair["reason"].to_list().count("not selected (alignment.rl.preferences.max_prompts = 5)") == 1
    assert pairs.height >= 1 and (pairs["chosen_score"] > 0.5).all()
    assert (
        pairs["chosen"].list.first().struct.field("content") != pairs["rejected"].list.first().struct.field("content")
    ).all()
    reward = catalog["reward_model"].load()
    assert type(reward.model).__name__ == "GPT2ForSequenceClassification" and reward.model.config.num_labels == 1
    assert reward.metadata["training"]["steps"] >= 1
    rlhf = catalog["student_synthetic_resampled_rlhf"].load()
    assert rlhf.metadata["rlhf"]["method"] == "rloo" and rlhf.metadata["rlhf"]["steps"] == 2
    sft_student = catalog["student_synthetic_resampled"].load()
    assert any(
        not torch.equal(a, b) for a, b in zip(rlhf.model.state_dict().values(), sft_student.model.state_dict().values())
    )
    rlhf_report = catalog["rlhf_report"].load()
    assert rlhf_report["preference_pairs"] == pairs.height and rlhf_report["reward_model"]["train_pairs"] >= 1

    answers = catalog["reference_answers"].load()
    assert answers.group_by("model").len().sort("model")["len"].to_list() == [5, 5, 5, 5]
    verdicts = catalog["win_rate_verdicts"].load()
    assert verdicts.height == 3 * 5 * 2 and set(verdicts["order"]) == {"model_first", "baseline_first"}
    report = catalog["win_rate_report"].load()
    assert report["baseline"] == "public_instructions" and report["judge"]["method"] == "likelihood"
    models = ["synthetic_resampled", "synthetic_initial", "synthetic_resampled_rlhf"]
    assert [m["model"] for m in report["models"]] == models and report["rlhf_method"] == "rloo"
    for row in report["models"]:
        assert 0 <= row["win_rate"] <= 1 and row["interval"][0] <= row["win_rate"] <= row["interval"][1]
        assert row["wins"] + row["ties"] + row["losses"] + row["unparseable"] == row["verdicts"] == 10
    assert "embedded teacher" in report["note"]
    assert len(catalog["win_rate_plot"].load().axes[0].patches) == 3

    again = run(tmp_path, public_base, params)
    assert again["embedded_teacher"].load().metadata["reused_from"]
    assert again["annotation_report"].load()["from_cache"] == requests.height


def test_dpo_needs_no_reward_model(tmp_path, public_base):
    params = AlignmentParameters.model_validate({**TINY, "rl": {**TINY["rl"], "method": "dpo"}})
    catalog = run(tmp_path, public_base, params)
    assert isinstance(catalog["reward_model"].load(), NotBuilt)
    rlhf = catalog["student_synthetic_resampled_rlhf"].load()
    assert rlhf.metadata["rlhf"]["method"] == "dpo" and rlhf.metadata["rlhf"]["pairs"] >= 1
    assert catalog["rlhf_report"].load()["reward_model"] is None
    assert catalog["win_rate_report"].load()["rlhf_method"] == "dpo"


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
    assert any(
        n.name == "alignment.judge_win_rates" for n in pipelines["__default__"].nodes
    )  # alignment is in the default run
    for entry in ("teacher_endpoint", "judge_endpoint"):
        assert catalog[entry]["backend"] == ("openai" if env == "openai" else "transformers")
    for source in ("synthetic_resampled", "synthetic_initial"):
        leaky = {**catalog, source: {**catalog[source], "metadata": {"privacy": "private"}}}
        violations = [v for v in check_privacy_boundary(pipelines, leaky) if "alignment" in v.pipelines]
        assert any(v.kind == "private_input" and v.dataset == source for v in violations)


def test_no_embedded_teacher_is_trained_when_both_endpoints_name_a_model(tmp_path, public_base):
    from dp_instructions.pipelines.alignment.nodes import build_embedded_teacher

    base, tokenizer, qa = public_base
    endpoint = TeacherEndpoint("openai", model="judge-model", base_url="http://127.0.0.1:9/v1", api_key="k")
    earlier = EarlierBaseModelsDataset(str(tmp_path / "embedded_teacher"), layout="chat_model").load()
    teacher = build_embedded_teacher(
        base, tokenizer, qa, earlier, endpoint, endpoint, AlignmentParameters.model_validate(TINY), 0
    )
    assert isinstance(teacher, NotBuilt) and "name their models" in teacher.reason
    dataset = ChatModelDataset(str(tmp_path / "embedded_teacher"), version=Version(None, None))
    dataset.save(teacher)  # Kedro would refuse None
    assert dataset.load() == teacher
