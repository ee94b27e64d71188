"""The audit trail on real KedroSession runs: data_cleansing, then dp_generation, then
resampling, each writing its run manifest; `kedro privacy audit` walks back from the
resampled synthetic set to both releases, the private split and the raw input, and
`kedro privacy verify` uses the manifests' ledger heads to notice a removed newest record."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from kedro.framework.startup import bootstrap_project

from dp_instructions.cli import cli
from dp_instructions.privacy import PrivacyLedger
from dp_instructions.privacy.ledger.sqlite_store import SCHEMA, TRIGGERS
from tests.kedro_session import latest_version, project_copy, run_pipeline
from tests.pipelines.dp_generation.test_pipeline import TINY
from tests.pipelines.resampling.test_session import LOCAL_PARAMETERS

RUNTIME = {
    "demo_conversations": 1200,
    "demo_eval_reference": 40,
    "demo_public_instructions": 150,
    "demo_public_pretraining_corpus": 150,
}


def kedro_privacy(project, *args: str):
    metadata = bootstrap_project(project)
    return CliRunner().invoke(cli, ["privacy", *args], obj=metadata, catch_exceptions=False, env={"COLUMNS": "200"})


def manifests(project) -> list[dict]:
    folder = project / "data/09_privacy/run_manifest.json"
    return [json.loads((v / "run_manifest.json").read_text()) for v in sorted(folder.iterdir())]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = project_copy(tmp_path_factory.mktemp("audit"))
    (project / "conf/local/parameters_resampling.yml").write_text(
        LOCAL_PARAMETERS.replace("target_size: 15", "target_size: 10")
    )
    run_pipeline(project, "data_cleansing", RUNTIME)
    run_pipeline(project, "dp_generation", {**RUNTIME, "dp_generation": TINY})
    run_pipeline(project, "resampling", RUNTIME)
    return project


def test_each_run_writes_a_manifest_of_what_it_read_wrote_and_spent(project):
    cleansing, generation, resampling = manifests(project)
    assert [m["status"] for m in (cleansing, generation, resampling)] == ["completed"] * 3
    assert generation["pipeline"] in (["dp_generation"], "dp_generation")
    saved = {d["name"]: d for d in cleansing["datasets"]["saved"]}
    train = saved["instructions_train"]
    assert train["privacy"] == "private" and train["version"] == cleansing["run_id"]
    assert train["content_hash"].startswith("sha256:") and train["nodes"] == ["data_cleansing.split_instructions"]
    loaded = {d["name"]: d for d in generation["datasets"]["loaded"]}
    assert loaded["instructions_train"]["version"] == train["version"]
    assert loaded["instructions_train"]["content_hash"] == train["content_hash"]
    ledger = PrivacyLedger(project / "data/09_privacy/privacy_ledger.sqlite").records()
    (charged,) = [u for u in generation["ledger"]["releases"] if u["how"] == "charged"]
    assert charged["release_id"] == ledger[0].release_id == generation["ledger"]["charged_by_this_run"][0]
    node = next(n for n in generation["nodes"] if n["releases"])
    assert node["releases"] == [{"how": "charged", "release_id": ledger[0].release_id}]
    assert generation["ledger"]["head_before"]["seq"] == 0 and generation["ledger"]["head_after"]["seq"] == 1
    assert resampling["ledger"]["head_after"] == {
        "location": str(project / "data/09_privacy/privacy_ledger.sqlite"),
        "seq": 2,
        "hash": ledger[1].hash,
    }
    # names, paths, versions and hashes only: no private text in a public manifest
    import polars as pl

    texts = pl.read_parquet(latest_version(project / "data/03_primary/instructions_train.parquet"))["text"]
    every = "".join(json.dumps(m) for m in (cleansing, generation, resampling))
    assert not [t for t in texts.to_list() if len(t) >= 20 and t in every]


def test_audit_walks_back_to_the_releases_the_private_split_and_the_raw_input(project):
    result = kedro_privacy(project, "audit", "synthetic_resampled", "--json")
    assert result.exit_code == 0, result.output
    trail = json.loads(result.output[result.output.index("{") :])
    cleansing, generation, resampling = manifests(project)
    assert trail["privacy"] == "dp_release" and trail["version"] == resampling["run_id"]
    assert [r["run_id"] for r in trail["runs"]] == [resampling["run_id"], generation["run_id"], cleansing["run_id"]]
    stages = [(r["stage"], r["how"], r["charged_in_run"]) for r in trail["releases"]]
    assert stages == [
        ("dp_generation.train_dp_generator", "charged", generation["run_id"]),
        ("resampling.release_noisy_histogram", "charged", resampling["run_id"]),
    ]
    private = {(d["name"], d["version"]) for d in trail["private_inputs"]}
    assert ("instructions_train", cleansing["run_id"]) in private
    raw = {d["name"]: d for d in trail["raw_inputs"]}
    assert raw["raw_conversations"]["privacy"] == "private" and raw["raw_conversations"]["content_hash"]
    assert trail["gaps"] == []
    text = kedro_privacy(project, "audit", "synthetic_resampled").output
    assert "#1 dp_generation.train_dp_generator" in text and "raw_conversations [private]" in text

    older = kedro_privacy(project, "audit", "synthetic_initial", "--version", generation["run_id"], "--json")
    trail = json.loads(older.output[older.output.index("{") :])
    assert [r["stage"] for r in trail["releases"]] == ["dp_generation.train_dp_generator"]
    missing = kedro_privacy(project, "audit", "synthetic_resampled", "--version", "1999-01-01T00.00.00.000Z")
    assert missing.exit_code != 0 and "no run manifest records a save of `synthetic_resampled`" in missing.output


def test_verify_uses_the_manifests_to_notice_a_removed_newest_record(project, tmp_path):
    result = kedro_privacy(project, "verify")
    assert (
        result.exit_code == 0 and "OK: 2 record(s)" in result.output and "2 head(s)" in result.output
    )  # the cleansing run saw an empty ledger
    path = project / "data/09_privacy/privacy_ledger.sqlite"
    backup = tmp_path / "backup.sqlite"
    backup.write_bytes(path.read_bytes())
    conn = sqlite3.connect(path, isolation_level=None)
    for name in TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DELETE FROM ledger_records WHERE seq = 2")  # the chain alone cannot see this
    for statement in SCHEMA:
        conn.execute(statement)
    conn.close()
    assert len(PrivacyLedger(path).records()) == 1
    try:
        result = kedro_privacy(project, "verify", "--json")
        assert result.exit_code == 1
        report = json.loads(result.output[result.output.index("{") :])
        texts = [p["text"] for p in report["problems"]]
        assert any("saw the ledger up to this record, but it ends at seq 1" in t for t in texts), texts
    finally:
        path.write_bytes(backup.read_bytes())
    assert latest_version(project / "data/09_privacy/run_manifest.json").exists()
