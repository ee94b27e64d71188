"""kill -9 (SIGKILL at a failpoint) during DP fine-tuning, sampling, the histogram release
and a versioned save; then a plain re-run."""

from __future__ import annotations

import json

import polars as pl

from dp_instructions.privacy import PrivacyLedger
from dp_instructions.privacy.ledger.verify import verify_ledger
from tests.faults.conftest import clone, kedro_run
from tests.kedro_session import latest_version

KILLED = -9


def ledger(project) -> PrivacyLedger:
    return PrivacyLedger(project / "data/09_privacy/privacy_ledger.sqlite")


def manifests(project) -> list[dict]:
    folder = project / "data/09_privacy/run_manifest.json"
    return [json.loads((v / "run_manifest.json").read_text()) for v in sorted(folder.iterdir())]


def test_kill_9_during_dp_fine_tuning_resumes_under_the_same_release(cleansed_project, tmp_path, fault_report):
    interrupted, uninterrupted = clone(cleansed_project, tmp_path / "a"), clone(cleansed_project, tmp_path / "b")
    killed = kedro_run(interrupted, "--pipeline=dp_generation", failpoint="dp_training.step:7")
    assert killed.returncode == KILLED, killed.stderr[-2000:]
    (charged,) = ledger(interrupted).records()  # charged before training; nothing saved
    assert not (interrupted / "data/06_models/dp_generator").exists()
    resumed = kedro_run(interrupted, "--pipeline=dp_generation")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert ledger(interrupted).records() == [charged]  # no second charge
    assert "resuming from its checkpoint" in resumed.stderr + resumed.stdout
    uses = manifests(interrupted)[-1]["ledger"]["releases"]
    assert [u["how"] for u in uses] == ["resumed"] and uses[0]["release_id"] == charged.release_id
    clean = kedro_run(uninterrupted, "--pipeline=dp_generation")
    assert clean.returncode == 0, clean.stderr[-3000:]
    (reference,) = ledger(uninterrupted).records()
    assert charged.mechanisms == reference.mechanisms and charged.epsilon == reference.epsilon
    meta = json.loads((latest_version(interrupted / "data/06_models/dp_generator") / "metadata.json").read_text())
    assert meta["privacy"]["release_id"] == charged.release_id
    steps = charged.mechanisms[0].to_dict()["steps"]
    fault_report(
        fault="kill -9 during DP fine-tuning (at step 7), then a re-run",
        handled=True,
        lost="nothing: resumed under the same release",
        figures=f"{steps} steps; ε {charged.epsilon:.4f} after the re-run = {reference.epsilon:.4f} uninterrupted; 1 ledger record",
    )


def test_kill_9_during_sampling_then_a_rerun_completes(cleansed_project, tmp_path, fault_report):
    project = clone(cleansed_project, tmp_path)
    # 2 batches of public-only samples and 2 of DP samples, in either order: the 3rd is
    # always after the DP release was charged and trained.
    killed = kedro_run(project, "--pipeline=dp_generation", failpoint="sampling.batch:3")
    assert killed.returncode == KILLED
    assert len(ledger(project).records()) == 1
    assert not (project / "data/07_model_output/synthetic_initial.parquet").exists()
    rerun = kedro_run(project, "--pipeline=dp_generation")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    (record,) = ledger(project).records()
    synthetic = pl.read_parquet(latest_version(project / "data/07_model_output/synthetic_initial.parquet"))
    report = json.loads(latest_version(project / "data/08_reporting/sampling_report.json").read_text())
    assert report["counts"]["generated"] == 40 and synthetic.height == report["counts"]["kept"] > 0
    assert [u["how"] for u in manifests(project)[-1]["ledger"]["releases"]] == ["reused"]
    fault_report(
        fault="kill -9 during sampling, then a re-run",
        handled=True,
        lost="nothing: the finished release reused, sampling redone",
        figures=f"1 ledger record (ε {record.epsilon:.4f}); {synthetic.height} synthetic rows after the re-run",
    )


def test_kill_9_right_after_the_histogram_release_loses_no_budget(cleansed_project, tmp_path, fault_report):
    project = clone(cleansed_project, tmp_path)
    assert kedro_run(project, "--pipeline=dp_generation").returncode == 0
    killed = kedro_run(project, "--pipeline=resampling", failpoint="histogram.released")
    assert killed.returncode == KILLED
    training, histogram = ledger(project).records()
    assert not (project / "data/07_model_output/dp_histogram.json").exists()  # the node never returned
    (journaled,) = (project / "data/07_model_output/dp_histogram_journal").glob("*.json")
    assert journaled.stem == histogram.release_id
    rerun = kedro_run(project, "--pipeline=resampling")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert ledger(project).records() == [training, histogram]  # reused from the journal, not charged again
    saved = json.loads(latest_version(project / "data/07_model_output/dp_histogram.json").read_text())
    assert saved["release_id"] == histogram.release_id
    report = json.loads(latest_version(project / "data/08_reporting/resampling_report.json").read_text())
    assert report["histogram"]["status"] == "reused"
    assert verify_ledger(ledger(project)).ok
    fault_report(
        fault="kill -9 after the histogram release, before the save, then a re-run",
        handled=True,
        lost="nothing: the journaled release reused",
        figures=f"2 ledger records before and after the re-run; histogram {histogram.release_id[:8]} saved by the re-run",
    )


def test_kill_9_during_a_versioned_save_never_leaves_a_partial_version(cleansed_project, tmp_path, fault_report):
    project = clone(cleansed_project, tmp_path)
    before = {p for p in (project / "data").rglob("*") if p.is_file()}
    killed = kedro_run(project, "--pipeline=data_cleansing", failpoint="dataset.save:3")
    assert killed.returncode == KILLED
    partial = [p for p in (project / "data").rglob("*.partial-*") if p not in before]
    assert len(partial) == 1  # the file being saved, under its hidden partial name
    visible_new = [p for p in (project / "data").rglob("*") if p.is_file() and p not in before and p not in partial]
    rerun = kedro_run(project, "--pipeline=data_cleansing")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    for name in ("instructions_train", "instructions_val", "instructions_test"):
        pl.read_parquet(latest_version(project / f"data/03_primary/{name}.parquet"))  # every latest version loads
    fault_report(
        fault="kill -9 during a versioned save (the 3rd of the run), then a re-run",
        handled=True,
        lost="nothing: the interrupted file stays a hidden partial; no version of it is visible",
        figures=f"{len(visible_new)} files saved whole before the kill, 1 partial; the re-run saves every dataset",
    )
