"""Annotation requests in Label Studio's import format, for human annotators.

Import: create a project with :data:`LABEL_CONFIG` as its labeling interface, then import
the tasks file (Data Manager -> Import, or ``POST /api/projects/<id>/import``). Each task's
``data`` holds the instruction (``$instruction`` in the config) and the request id that
ties the annotator's answer back to the request.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from dp_instructions.exceptions import InvalidInputError

__all__ = ["LABEL_CONFIG", "label_studio_tasks"]

LABEL_CONFIG = """<View>
  <Header value="Write the answer a helpful assistant would give to this request"/>
  <Text name="instruction" value="$instruction"/>
  <TextArea name="response" toName="instruction" rows="8" editable="true" maxSubmissions="1"
            placeholder="The assistant's answer"/>
  <Choices name="quality" toName="instruction" choice="single" showInline="true">
    <Choice value="answerable"/>
    <Choice value="unclear request"/>
    <Choice value="not a request"/>
  </Choices>
</View>
"""


def label_studio_tasks(requests: pl.DataFrame) -> list[dict[str, Any]]:
    """One task per request, in request order."""
    missing = {"request_id", "instruction", "truncated"} - set(requests.columns)
    if missing:
        raise InvalidInputError(f"dataset `annotation_requests` lacks column(s) {sorted(missing)}")
    return [
        {
            "data": {"instruction": row["instruction"], "request_id": row["request_id"]},
            "meta": {"truncated": bool(row["truncated"]), "source": "synthetic_resampled (dp_release)"},
        }
        for row in requests.iter_rows(named=True)
    ]
