"""A tiny `kedro run` of every pipeline, tracked in the default local MLflow store: the
run, its parameters, metrics, artifacts and the DP generator model are there, and nothing
private is, anywhere in the store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mlflow
import pandas as pd
import polars as pl
import pytest
from mlflow import MlflowClient

from dp_instructions.privacy import PrivacyLedger
from tests.kedro_session import latest_version

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tiny_default_run) -> tuple[MlflowClient, object]:
    client = MlflowClient(tracking_uri=f"sqlite:///{tiny_default_run / 'data/10_tracking/mlflow.db'}")
    experiment = client.get_experiment_by_name("dp_instructions")
    (run,) = client.search_runs([experiment.experiment_id])
    return client, run


def artifact_files(client: MlflowClient, run_id: str, path: str | None = None) -> list[str]:
    out = []
    for item in client.list_artifacts(run_id, path):
        out += artifact_files(client, run_id, item.path) if item.is_dir else [item.path]
    return out


def test_the_run_is_recorded_with_its_parameters(store, tiny_default_run):
    client, run = store
    assert run.info.status == "FINISHED" and run.info.run_name == "__default__"
    params = run.data.params
    assert float(params["dp_generation.training.epochs"]) == 1
    assert params["privacy.epsilon"] == "6.0"
    assert params["resampling.clustering.num_clusters"] == "3"
    manifest = json.loads(latest_version(tiny_default_run / "data/09_privacy/run_manifest.json").read_text())
    assert run.data.tags["kedro_run_id"] == manifest["run_id"]
    assert run.data.tags["dp.private_aggregates"] == "logged"  # a store on this machine


def test_no_mlflow_run_or_uri_setting_outlives_the_session(tiny_default_run):
    # kedro-mlflow re-opens the run before every node and MLflow exports the URIs it is
    # given; a later session in this process (a notebook, the next test) must start a run
    # of its own, in its own project's store
    assert mlflow.active_run() is None
    assert "MLFLOW_TRACKING_URI" not in os.environ and "MLFLOW_REGISTRY_URI" not in os.environ


def test_epsilon_per_dataset_matches_the_ledger(store, tiny_default_run):
    _, run = store
    metrics = run.data.metrics
    ledger = PrivacyLedger(tiny_default_run / "data/09_privacy/privacy_ledger.sqlite")
    accounts = ledger.accounts()
    assert {"+".join(a.datasets) for a in accounts} == {"instructions_train", "instructions_val"}
    for account in accounts:
        name = "+".join(account.datasets)
        assert metrics[f"epsilon_spent.{name}"] == pytest.approx(account.spent)
        assert metrics[f"epsilon_remaining.{name}"] == pytest.approx(account.remaining)
    assert metrics["releases.charged_this_run"] == len(ledger.records())


def test_mauve_win_rates_and_timings_are_metrics(store):
    _, run = store
    metrics = run.data.metrics
    for name in ("synthetic_initial", "synthetic_resampled", "public_only_samples", "public_instructions"):
        assert 0.0 <= metrics[f"mauve.embedding.{name}"] <= 1.0
        assert 0.0 <= metrics[f"mauve.unigram.{name}"] <= 1.0
    for model in ("synthetic_resampled", "synthetic_initial", "synthetic_resampled_rlhf"):
        assert 0.0 <= metrics[f"win_rate.{model}"] <= 1.0
    assert metrics["sampling.counts.generated"] == 80
    assert metrics["resampling.T"] == 30
    assert metrics["seconds.run"] > metrics["seconds.node.dp_generation.train_dp_generator"] > 0


def test_public_and_dp_release_reports_are_artifacts_and_private_ones_are_not(store, tiny_default_run):
    client, run = store
    files = artifact_files(client, run.info.run_id)
    for expected in (
        "reporting/privacy_report.json",
        "reporting/sampling_report.json",
        "reporting/resampling_report.json",
        "reporting/resampling_density_plot.png",
        "reporting/win_rate_report.json",
        "reporting/win_rate_plot.png",
        "privacy/run_manifest.json",
    ):
        assert expected in files
    conf = {}
    for path in (tiny_default_run / "conf/base").glob("catalog*.yml"):
        import yaml

        conf |= yaml.safe_load(path.read_text())
    private = {
        k for k, v in conf.items() if isinstance(v, dict) and (v.get("metadata") or {}).get("privacy") == "private"
    }
    assert {"mauve_scores", "cleansing_report", "canary_audit", "evaluation_report"} <= private
    logged = {Path(f).stem for f in files if not f.startswith("dp_generator")}
    assert not logged & private


def test_the_dp_generator_is_a_model_with_its_privacy_metadata_that_samples(store, tiny_default_run, monkeypatch):
    # mlflow.set_tracking_uri below exports MLFLOW_TRACKING_URI: undone after the test
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    client, run = store
    (model,) = client.search_logged_models([run.info.experiment_id])
    assert model.name == "dp_generator" and model.source_run_id == run.info.run_id
    metadata = json.loads(
        (latest_version(tiny_default_run / "data/06_models/dp_generator") / "metadata.json").read_text()
    )
    privacy = metadata["privacy"]
    assert model.tags["privacy_class"] == "dp_release"
    assert model.tags["dp_release_id"] == privacy["release_id"]
    assert float(model.tags["dp_epsilon"]) == pytest.approx(privacy["epsilon"])
    assert float(model.tags["dp_noise_multiplier"]) == pytest.approx(privacy["noise_multiplier"])
    mlflow.set_tracking_uri(client.tracking_uri)
    loaded = mlflow.pyfunc.load_model(model.model_uri)
    assert loaded.metadata.metadata["dp_release_id"] == privacy["release_id"]
    seeds = pd.DataFrame({"seed": [1, 2, 1]})
    texts = loaded.predict(seeds, params={"max_new_tokens": 12})
    assert len(texts) == 3 and all(isinstance(t, str) for t in texts)
    assert texts[0] == texts[2]  # a sample is reproducible from its seed


def private_texts(project: Path) -> list[str]:
    data = project / "data"
    texts: list[str] = []
    for split in ("instructions_train", "instructions_val", "instructions_test"):
        texts += pl.read_parquet(latest_version(data / f"03_primary/{split}.parquet"))["text"].to_list()
    canaries = pl.read_parquet(latest_version(data / "05_model_input/canaries.parquet"))
    texts += canaries["secret"].to_list() + canaries["text"].to_list()
    # Short texts ("hello", "thanks") also occur in public text; a leak of a long one cannot.
    return sorted({t.strip() for t in texts if len(t.strip()) >= 24})


def test_nothing_private_is_anywhere_in_the_store(store, tiny_default_run, tmp_path):
    client, run = store
    secrets = private_texts(tiny_default_run)
    assert len(secrets) > 300
    logged = [*run.data.params.items(), *run.data.tags.items(), *((k, "") for k in run.data.metrics)]
    haystacks = {f"param/tag/metric {k}": f"{k}\n{v}" for k, v in logged}
    local = Path(client.download_artifacts(run.info.run_id, "", str(tmp_path)))
    (model,) = client.search_logged_models([run.info.experiment_id])
    model_dir = Path(
        mlflow.artifacts.download_artifacts(
            model.model_uri, dst_path=str(tmp_path / "model"), tracking_uri=client.tracking_uri
        )
    )
    for path in [*local.rglob("*"), *model_dir.rglob("*")]:
        if path.is_file():
            haystacks[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    assert len(haystacks) > 200
    leaks = [(where, s[:60]) for where, text in haystacks.items() for s in secrets if s in text]
    assert leaks == []
