"""The project CLI: `kedro privacy status` (budget, spend, releases), `verify` (chain and
arithmetic, exit 1 naming the record) and `import-ledger` (into the catalog's ledger)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kedro.framework.startup import bootstrap_project

from dp_instructions.cli import cli
from dp_instructions.privacy import (
    Budget,
    Gaussian,
    NoiseSource,
    PrivacyLedger,
    SubsampledGaussian,
    compose_epsilon,
    fingerprint_texts,
)
from tests.kedro_session import project_copy

ROOT = Path(__file__).resolve().parents[1]
N = 20_000


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory) -> Path:
    """A ledger with two releases on one dataset (one with a fixed seed) and one on another."""
    path = tmp_path_factory.mktemp("ledger") / "privacy_ledger.jsonl"
    ledger = PrivacyLedger(path, run_id="2026-01-01T00.00.00.000Z")
    budget = Budget.for_dataset(6.0, N)  # what parameters.yml gives for N (delta: null)
    train = fingerprint_texts([f"train {i}" for i in range(N)])
    other = fingerprint_texts([f"other {i}" for i in range(N)])
    common = {"dataset_size": N, "budget": budget}
    ledger.charge(
        stage="dp_generation.train_generator",
        mechanisms=[SubsampledGaussian(1.2, 0.02, 100)],
        fingerprint=train,
        dataset="instructions_train",
        noise=NoiseSource.secure(),
        **common,
    )
    ledger.charge(
        stage="resampling.noisy_histogram",
        mechanisms=[Gaussian(10.0)],
        fingerprint=train,
        dataset="instructions_train",
        noise=NoiseSource.fixed(3),
        **common,
    )
    ledger.charge(
        stage="resampling.noisy_histogram",
        mechanisms=[Gaussian(10.0)],
        fingerprint=other,
        dataset="instructions_val",
        noise=NoiseSource.secure(),
        **common,
    )
    return path


def fresh_copy(ledger_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ledger_copy.jsonl"
    shutil.copy(ledger_file, copy)
    return copy


def invoke(*args: str, command: str = "status"):
    metadata = bootstrap_project(ROOT)
    return CliRunner().invoke(
        cli, ["privacy", command, *args], obj=metadata, catch_exceptions=False, env={"COLUMNS": "160"}
    )


def test_status_prints_budget_spend_and_releases(ledger_file, tmp_path):
    result = invoke("--ledger", str(fresh_copy(ledger_file, tmp_path)))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "epsilon  6 per private dataset" in out
    assert "5e-7 for N = 180,000" in out  # delta: null in parameters.yml
    delta = Budget.for_dataset(6.0, N).delta
    spent = compose_epsilon([SubsampledGaussian(1.2, 0.02, 100), Gaussian(10.0)], delta)
    assert f"{spent:.4f}" in out and f"{6.0 - spent:.4f}" in out
    assert "instructions_train" in out and "instructions_val" in out
    assert "dp_generation.train_generator" in out and out.count("resampling.noisy_histogram") == 2
    assert "run 2026-01-01T00.00.00.000Z" in out and "code 0.1.0" in out
    assert "NOT PRIVATE" in out  # the fixed-seed release is flagged
    assert "DP-SGD σ=1.2 q=0.02 T=100" in out


def test_status_json_matches_the_ledger(ledger_file, tmp_path):
    result = invoke("--ledger", str(fresh_copy(ledger_file, tmp_path)), "--json")
    assert result.exit_code == 0, result.output
    # kedro's own bootstrap may log a line before the command runs
    report = json.loads(result.output[result.output.index("{") :])
    assert report["budget"]["epsilon"] == 6.0 and report["budget"]["delta"] is None
    accounts = {a.fingerprint: a for a in PrivacyLedger(ledger_file).accounts()}
    assert len(report["datasets"]) == 2 and len(report["releases"]) == 3
    for d in report["datasets"]:
        assert d["epsilon_spent"] == accounts[d["fingerprint"]].spent
        assert d["all_private"] is (d["datasets"] == ["instructions_val"])
    assert [r["seq"] for r in report["releases"]] == [1, 2, 3]


def _kedro(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "COLUMNS": "200"}
    kedro = Path(sys.executable).with_name("kedro")
    return subprocess.run([str(kedro), *args], cwd=project, env=env, capture_output=True, text=True, timeout=120)


def test_kedro_privacy_status_on_a_fresh_install(tmp_path, ledger_file):
    """Through kedro's own CLI discovery of `dp_instructions.cli`, on a fresh project
    copy with no ledger yet, then on a copy of a filled one."""
    project = project_copy(tmp_path)
    result = _kedro(project, "privacy", "status")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No DP releases recorded yet" in result.stdout
    assert str(project / "data" / "09_privacy" / "privacy_ledger.sqlite") in result.stdout

    result = _kedro(project, "privacy", "status", "--ledger", str(fresh_copy(ledger_file, tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dp_generation.train_generator" in result.stdout


def test_status_reports_against_the_budget_in_force(tmp_path):
    """Parameters say epsilon 6, but the dataset's first release was charged under 2: the
    ledger would refuse to spend beyond 2, so status reports against 2."""
    path = tmp_path / "ledger.jsonl"
    fp = fingerprint_texts([f"t {i}" for i in range(N)])
    PrivacyLedger(path).charge(
        stage="s",
        mechanisms=[Gaussian(10.0)],
        fingerprint=fp,
        dataset_size=N,
        budget=Budget.for_dataset(2.0, N),
        noise=NoiseSource.secure(),
    )
    result = invoke("--ledger", str(path), "--json")
    (d,) = json.loads(result.output[result.output.index("{") :])["datasets"]
    assert d["epsilon_budget"] == 2.0 and d["budget_raised_in_parameters"] is True
    assert d["epsilon_remaining"] == pytest.approx(2.0 - d["epsilon_spent"])
    assert "cannot be raised after spending" in invoke("--ledger", str(path)).output


def test_verify_passes_an_intact_ledger_and_names_the_record_at_fault(ledger_file, tmp_path):
    copy = fresh_copy(ledger_file, tmp_path)
    result = invoke("--ledger", str(copy), command="verify")
    assert result.exit_code == 0, result.output
    assert "OK: 3 record(s) on 2 private dataset(s)" in result.output
    lines = copy.read_text().splitlines(keepends=True)
    copy.write_text(lines[0] + lines[1].replace('"stage":"resampling', '"stage":"renamed', 1) + lines[2])
    result = invoke("--ledger", str(copy), "--json", command="verify")
    assert result.exit_code == 1
    report = json.loads(result.output[result.output.index("{") :])
    (problem,) = report["problems"]
    assert report["ok"] is False and f"{copy}:2: content does not match its hash" in problem["text"]


def test_import_ledger_then_verify_and_status_through_kedro(tmp_path, ledger_file):
    """A JSON-lines ledger of an earlier version moves into the project's SQLite ledger."""
    project = project_copy(tmp_path)
    old = fresh_copy(ledger_file, tmp_path)
    result = _kedro(project, "privacy", "import-ledger", str(old))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "imported 3 record(s)" in result.stdout
    target = project / "data" / "09_privacy" / "privacy_ledger.sqlite"
    assert PrivacyLedger(target).records() == PrivacyLedger(old).records()
    result = _kedro(project, "privacy", "verify")
    assert result.returncode == 0 and "OK: 3 record(s)" in result.stdout, result.stdout + result.stderr
    again = _kedro(project, "privacy", "import-ledger", str(old))
    assert "imported 0 record(s)" in again.stdout and "(3 were already there)" in again.stdout
    result = _kedro(project, "privacy", "import-ledger", str(tmp_path / "missing.csv"))
    assert result.returncode != 0 and "expected a postgresql:// connection string" in result.stderr
