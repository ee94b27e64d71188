from __future__ import annotations

import polars as pl
import pytest

from dp_instructions.alignment.label_studio import LABEL_CONFIG, label_studio_tasks
from dp_instructions.alignment.requests import build_annotation_requests, request_id
from dp_instructions.exceptions import InvalidInputError


def synthetic(texts):
    return pl.DataFrame({"id": [f"s{i}" for i in range(len(texts))], "text": texts})


def test_every_row_is_a_request_or_a_recorded_drop():
    frame = synthetic(["How do I bake bread?", "  ", None, "How do I bake bread?", "Fix my code " + "x " * 50])
    requests, dropped = build_annotation_requests(frame, "synthetic_resampled", max_chars=40)
    assert requests["source_id"].to_list() == ["s0", "s4"]
    assert dropped.to_dicts() == [
        {"source_id": "s1", "reason": "blank"},
        {"source_id": "s2", "reason": "blank"},
        {"source_id": "s3", "reason": "duplicate of s0"},
    ]
    long = requests.row(1, named=True)
    assert long["truncated"] and len(long["instruction"]) <= 40 and long["chars"] > 40
    assert long["instruction"] == long["instruction"].rstrip()  # cut at a word boundary
    assert requests.row(0, named=True)["request_id"] == request_id("How do I bake bread?")


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pl.DataFrame({"id": ["a"]}), "no `text` column"),
        (pl.DataFrame({"id": ["a"], "text": [1]}), "must be text"),
        (pl.DataFrame({"id": [], "text": []}, schema={"id": pl.Utf8, "text": pl.Utf8}), "is empty"),
        (synthetic(["", " "]), "no usable instruction"),
    ],
)
def test_bad_input_names_the_dataset(frame, match):
    with pytest.raises(InvalidInputError, match=match) as info:
        build_annotation_requests(frame, "synthetic_resampled", max_chars=100)
    assert "synthetic_resampled" in str(info.value)


def test_label_studio_tasks_carry_the_config_variable_and_the_request_id():
    requests, _ = build_annotation_requests(synthetic(["Plan a trip", "Write a poem"]), "s", max_chars=100)
    tasks = label_studio_tasks(requests)
    assert [t["data"]["instruction"] for t in tasks] == ["Plan a trip", "Write a poem"]
    assert tasks[0]["data"]["request_id"] == request_id("Plan a trip")
    assert 'value="$instruction"' in LABEL_CONFIG and 'toName="instruction"' in LABEL_CONFIG
