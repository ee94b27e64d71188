"""`kedro run --pipeline=alignment` through a real KedroSession, on a synthetic_resampled
version that the resampling pipeline would have written, with a tiny local teacher named in
conf/local/catalog.yml; a second run answers from the response cache."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.alignment.teachers.openai_server import save_tiny_chat_model
from tests.kedro_session import latest_version, project_copy, run_pipeline

VERSION = "2024-07-21T10.00.00.000Z"
LOCAL_PARAMETERS = """\
alignment:
  teacher:
    generation: {max_tokens: 6}
    batch_size: 4
"""


def write_synthetic(project) -> None:
    texts = [f"explain how the transformer works, part {i}" for i in range(6)] + [" "]
    frame = pl.DataFrame({"id": [f"synthetic-{i:07d}" for i in range(7)], "text": texts, "cluster": [0] * 7})
    target = project / "data/07_model_output/synthetic_resampled.parquet" / VERSION / "synthetic_resampled.parquet"
    target.parent.mkdir(parents=True)
    frame.write_parquet(target)


def test_alignment_runs_alone_and_a_rerun_answers_from_the_cache(tmp_path):
    project = project_copy(tmp_path)
    write_synthetic(project)
    teacher = save_tiny_chat_model(tmp_path / "teacher")
    (project / "conf/local/parameters_alignment.yml").write_text(LOCAL_PARAMETERS)
    (project / "conf/local/catalog.yml").write_text(
        "teacher_endpoint:\n"
        "  type: dp_instructions.datasets.teacher_endpoint.TeacherEndpointDataset\n"
        "  backend: transformers\n"
        f"  model: {teacher}\n"
        "  metadata: {privacy: public}\n"
    )
    data = project / "data"
    run_pipeline(project, "alignment")
    first = json.loads(latest_version(data / "08_reporting/annotation_report.json").read_text())
    assert first["requests"] == 6 and first["sent"] == 6 and sum(first["outcomes"].values()) == 6
    assert (data / "04_feature/teacher_response_cache.sqlite").exists()
    run_pipeline(project, "alignment")
    second = json.loads(latest_version(data / "08_reporting/annotation_report.json").read_text())
    assert second["from_cache"] == 6 and second["sent"] == 0
    dropped = pl.read_parquet(latest_version(data / "05_model_input/annotation_dropped.parquet"))
    assert dropped["reason"].to_list() == ["blank"]
    sft = pl.read_parquet(latest_version(data / "05_model_input/sft_dataset.parquet"))
    unused = pl.read_parquet(latest_version(data / "05_model_input/sft_not_used.parquet"))
    assert sft.height + unused.height == 6
    tasks = json.loads(latest_version(data / "05_model_input/label_studio_tasks.json").read_text())
    assert len(tasks) == 6 and "instruction" in tasks[0]["data"]
    assert "<TextArea" in (data / "05_model_input/label_studio_config.xml").read_text()


def test_without_a_teacher_model_the_run_stops_with_what_to_set(tmp_path):
    project = project_copy(tmp_path)
    write_synthetic(project)
    with pytest.raises(Exception, match="embedded public teacher is not built yet") as info:
        run_pipeline(project, "alignment")
    assert "conf/local/catalog.yml" in str(info.value)
