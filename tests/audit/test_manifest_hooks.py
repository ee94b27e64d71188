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
    assert {n["name"] for n in manifest["nodes"]} >= {"resampling.release_noisy_histogram"}


def test_an_optional_dataset_with_no_version_is_recorded_without_failing(tmp_path):
    """Regression: the memorisation-control generator is optional (loads None when never
    built); asking it for its load version raises, which once failed a default run."""
    from kedro.io import DataCatalog, Version
    from kedro.pipeline import Pipeline

    from dp_instructions.audit.manifest import ManifestRecorder
    from dp_instructions.datasets.optional_generator import OptionalGeneratorDataset

    catalog = DataCatalog({"control": OptionalGeneratorDataset(path=str(tmp_path / "g"), version=Version(None, "v1"))})
    recorder = ManifestRecorder({"run_id": "r"}, Pipeline([]), catalog)
    assert catalog.load("control") is None
    recorder.dataset_loaded("control", "audit_canaries", None)
    (entry,) = recorder.loaded.values()
    assert entry["version"] is None and entry["content_hash"] is None and recorder.incomplete == []


def test_a_manifest_that_cannot_be_recorded_never_fails_the_run(tmp_path, monkeypatch):
    from dp_instructions.audit.manifest import ManifestRecorder

    def broken(self, *args):
        raise RuntimeError("recording failed")

    monkeypatch.setattr(ManifestRecorder, "dataset_saved", broken)
    project = project_copy(tmp_path)
    run_pipeline(project, "data_cleansing", {"demo_conversations": 300, "demo_eval_reference": 20})
    manifest = json.loads(latest_version(project / "data/09_privacy/run_manifest.json").read_text())
    assert manifest["status"] == "completed" and manifest["incomplete"] == ["dataset_saved"]
