"""`kedro run --pipeline=alignment` through a real KedroSession, on synthetic sets and a
public base model saved through the project's own catalog, with the embedded teacher; a
second run reuses the teacher and answers from the response cache."""

from __future__ import annotations

import json

import polars as pl
import pytest
import yaml
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from dp_instructions.models.artifact import BaseModel
from tests.kedro_session import latest_version, project_copy, run_pipeline
from tests.pipelines.alignment.test_pipeline import TINY

RUNTIME = {
    "demo_public_instructions": 12,
    "demo_public_qa_corpus": 40,
    "demo_eval_reference": 20,
    "demo_conversations": 300,
}


def write_upstream(project, base: BaseModel, tokenizer) -> None:
    (project / "conf/local/parameters_alignment.yml").write_text(yaml.safe_dump({"alignment": TINY}))
    bootstrap_project(project)
    with KedroSession.create(project_path=project, runtime_params=RUNTIME) as session:
        catalog = session.load_context().catalog
        for name in ("synthetic_resampled", "synthetic_initial"):
            texts = [f"{name} question {i}: how do I fix my bike chain?" for i in range(7)] + [" "]
            catalog.save(name, pl.DataFrame({"id": [f"{name}-{i}" for i in range(8)], "text": texts}))
        catalog.save("public_tokenizer", tokenizer)
        catalog.save("public_base_model", base)


def test_alignment_runs_alone_then_reuses_the_teacher_and_the_cache(tmp_path, public_base):
    project = project_copy(tmp_path)
    base, tokenizer, _ = public_base
    write_upstream(project, base, tokenizer)
    data = project / "data"
    run_pipeline(project, "alignment", RUNTIME)
    first = json.loads(latest_version(data / "08_reporting/annotation_report.json").read_text())
    assert first["sent"] == first["requests"] == 6 + 6 + 6  # max_per_set in each of the three sets
    assert "weak" in first["embedded_teacher"]
    report = json.loads(latest_version(data / "08_reporting/win_rate_report.json").read_text())
    models = ["synthetic_resampled", "synthetic_initial", "synthetic_resampled_rlhf"]
    assert [m["model"] for m in report["models"]] == models
    rlhf = json.loads(latest_version(data / "08_reporting/rlhf_report.json").read_text())
    assert rlhf["method"] == "rloo" and rlhf["policy"]["steps"] == 2 and rlhf["reward_model"]["steps"] >= 1
    pairs = pl.read_parquet(latest_version(data / "05_model_input/preference_pairs.parquet"))
    no_pair = pl.read_parquet(latest_version(data / "05_model_input/preference_pairs_dropped.parquet"))
    assert pairs.height + no_pair.height == 6 and rlhf["preference_pairs"] == pairs.height
    reward_dir = latest_version(data / "06_models/reward_model")
    assert json.loads((reward_dir / "model" / "config.json").read_text())["architectures"] == [
        "GPT2ForSequenceClassification"
    ]
    assert latest_version(data / "08_reporting/win_rate_plot.png").stat().st_size > 0
    teacher_dir = latest_version(data / "06_models/embedded_teacher")
    assert (teacher_dir / "model" / "config.json").exists() and (
        teacher_dir / "model" / "tokenizer_config.json"
    ).exists()
    for name in ("synthetic_resampled", "synthetic_initial", "public_instructions", "synthetic_resampled_rlhf"):
        assert (latest_version(data / f"06_models/student_{name}") / "model" / "model.safetensors").exists()

    run_pipeline(project, "alignment", RUNTIME)
    second = json.loads(latest_version(data / "08_reporting/annotation_report.json").read_text())
    assert second["from_cache"] == first["requests"] and second["sent"] == 0
    reused = json.loads((latest_version(data / "06_models/embedded_teacher") / "metadata.json").read_text())
    assert reused["reused_from"] == teacher_dir.parent.name


def test_a_hub_base_model_without_a_configured_teacher_stops_with_what_to_set(tmp_path, public_base):
    project = project_copy(tmp_path)
    _, tokenizer, _ = public_base
    write_upstream(project, BaseModel(model=None, hub_id="meta-llama/Llama-2-7b-hf"), tokenizer)
    with pytest.raises(Exception, match="teacher_endpoint") as info:
        run_pipeline(project, "alignment", RUNTIME)
    assert "--env openai" in str(info.value)
