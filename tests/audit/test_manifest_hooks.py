"""A failed `kedro run` still writes its manifest: status, error type and node, and no
error message (a message may quote data)."""

from __future__ import annotations

import json

import pytest
from kedro.io import DatasetError

from tests.kedro_session import latest_version, project_copy, run_pipeline


def test_a_failed_run_writes_a_manifest_with_the_error_type_only(tmp_path):
    project = project_copy(tmp_path)
    with pytest.raises(DatasetError):  # resampling alone: its inputs were never produced
        run_pipeline(project, "resampling")
    manifest = json.loads(latest_version(project / "data/09_privacy/run_manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert manifest["error"]["type"] == "DatasetError"
    assert "message" not in manifest["error"] and "synthetic_initial" not in json.dumps(manifest["error"])
    assert manifest["ledger"]["releases"] == [] and manifest["ledger"]["head_after"]["seq"] == 0
    assert {n["name"] for n in manifest["nodes"]} >= {"release_noisy_histogram"}
