"""A full disk while saving (a file-size limit on the process: writes past it fail with
EFBIG, as on a full disk), and two `kedro run`s at once on one project."""

from __future__ import annotations

import resource

import polars as pl

from dp_instructions.privacy import PrivacyLedger
from dp_instructions.privacy.ledger.verify import verify_ledger
from tests.faults.conftest import clone, kedro_run, start_kedro_run
from tests.kedro_session import latest_version


def test_disk_full_during_a_save_is_a_clear_error_and_nothing_half_written_is_used(
    cleansed_project, tmp_path, fault_report
):
    project = clone(cleansed_project, tmp_path)
    train = latest_version(project / "data/03_primary/instructions_train.parquet")
    limit = train.stat().st_size // 2  # the training split no longer fits; small files still do

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    versions_before = {p.name for p in (project / "data/03_primary/instructions_train.parquet").iterdir()}
    full = kedro_run(project, "--pipeline=data_cleansing", preexec=small_disk)
    assert full.returncode == 1
    out = full.stdout + full.stderr
    assert "File too large" in out and "instructions_train" in out and "DatasetError" in out
    after = {p.name for p in (project / "data/03_primary/instructions_train.parquet").iterdir()}
    assert after == versions_before  # not even an empty version folder
    assert not list((project / "data").rglob("*.partial-*"))  # the failed write cleaned up after itself
    assert latest_version(project / "data/03_primary/instructions_train.parquet") == train  # the old one stands
    rerun = kedro_run(project, "--pipeline=data_cleansing")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert pl.read_parquet(latest_version(project / "data/03_primary/instructions_train.parquet")).height > 0
    fault_report(
        fault="disk full while saving (file-size limit of the process)",
        handled=True,
        lost="nothing: DatasetError naming the dataset and 'File too large'; the previous version stays the latest",
        figures=f"limit {limit:,} bytes < the {2 * limit:,}-byte training split; the re-run saves every dataset",
    )


def test_two_runs_at_once_both_complete_or_one_refuses_cleanly(cleansed_project, tmp_path, fault_report):
    project = clone(cleansed_project, tmp_path)
    runs = [start_kedro_run(project, "--pipeline=dp_generation") for _ in range(2)]
    outputs = [r.communicate(timeout=900)[0] for r in runs]
    codes = [r.returncode for r in runs]
    refused = [o for c, o in zip(codes, outputs, strict=True) if c != 0]
    for out in refused:  # the ledger's refusal, nothing else
        assert "PrivacyBudgetExceededError" in out and "privacy budget exceeded" in out, out[-3000:]
    assert codes.count(0) >= 1
    ledger = PrivacyLedger(project / "data/09_privacy/privacy_ledger.sqlite")
    records = ledger.records()
    assert len(records) == 1 and verify_ledger(ledger).ok  # one release, whoever made it
    assert records[0].epsilon_total <= records[0].budget.epsilon
    synthetic = latest_version(project / "data/07_model_output/synthetic_initial.parquet")
    assert pl.read_parquet(synthetic).height > 0
    fault_report(
        fault="two `kedro run --pipeline=dp_generation` at once on one project",
        handled=True,
        lost="nothing: one release in the ledger; the verified chain is intact",
        figures=f"exit codes {codes} ({len(refused)} refused by the ledger); ε {records[0].epsilon_total:.4f} of "
        f"{records[0].budget.epsilon:g}",
    )
