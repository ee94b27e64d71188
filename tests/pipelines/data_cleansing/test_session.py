"""`kedro run --pipeline=data_cleansing` on tiny demo data through a real KedroSession."""

from __future__ import annotations

import json

import polars as pl
import pytest
from kedro.validation import ParameterValidationError

from tests.kedro_session import latest_version, project_copy, run_pipeline

TINY = {"demo_conversations": 1500, "demo_eval_reference": 60, "demo_public_instructions": 100}


def test_session_run_writes_versioned_splits_and_reports(tmp_path):
    project = project_copy(tmp_path)
    run_pipeline(project, "data_cleansing", TINY)
    data = project / "data"
    train = pl.read_parquet(latest_version(data / "03_primary/instructions_train.parquet"))
    val = pl.read_parquet(latest_version(data / "03_primary/instructions_val.parquet"))
    test = pl.read_parquet(latest_version(data / "03_primary/instructions_test.parquet"))
    dropped = pl.read_parquet(latest_version(data / "02_intermediate/cleansing_dropped.parquet"))
    report = json.loads(latest_version(data / "08_reporting/cleansing_report.json").read_text())
    assert train.columns == ["id", "text"] and train.height > 0 and val.height > 0 and test.height > 0
    assert train.height + val.height + test.height + dropped.height == TINY["demo_conversations"]
    assert report["input_conversations"] == TINY["demo_conversations"]
    funnel = {s["step"]: s["dropped"] for s in report["funnel"]}
    for step in (
        "keep_language",
        "drop_flagged_and_redacted",
        "exact_dedup",
        "ngram_dedup",
        "decontamination",
        "template_floods",
    ):
        assert funnel[step] > 0, f"the demo corpus exercises {step}"
    assert latest_version(data / "08_reporting/cleansing_funnel.png").stat().st_size > 1000
    pii = json.loads(latest_version(data / "08_reporting/pii_report.json").read_text())
    assert pii["texts"] == train.height
    assert 0.05 < pii["any_category"]["share"] < 0.6


@pytest.mark.parametrize(
    ("local", "key"),
    [
        ("data_cleansing:\n  ngram_sise: 8\n", "ngram_sise"),
        ("data_cleansing:\n  split: {train: 0.9, val: 0.2}\n", "split"),
    ],
)
def test_a_misspelt_or_out_of_range_parameter_stops_the_run_before_any_node(tmp_path, local, key):
    project = project_copy(tmp_path)
    (project / "conf/local/parameters_data_cleansing.yml").write_text(local)
    with pytest.raises(ParameterValidationError) as info:
        run_pipeline(project, "data_cleansing", TINY)
    message = str(info.value)
    assert "'data_cleansing'" in message and f"\n{key}\n" in message
    assert not [p for p in (project / "data").rglob("*") if p.is_file()], "a node ran"
