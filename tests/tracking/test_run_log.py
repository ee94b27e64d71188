"""PrivacyCheckedRun against real MLflow stores: a local SQLite store and a real
`mlflow server` on 127.0.0.1."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

from dp_instructions.exceptions import PrivacyBoundaryError  # noqa: E402
from dp_instructions.tracking.run_log import PrivacyCheckedRun, metric_key  # noqa: E402
from dp_instructions.tracking.settings import TrackingSettings  # noqa: E402

CATALOG = {
    "privacy_report": {
        "type": "json.JSONDataset",
        "metadata": {"privacy": "public", "kedro-viz": {"layer": "reporting"}},
    },
    "sampling_report": {
        "type": "json.JSONDataset",
        "metadata": {"privacy": "dp_release", "kedro-viz": {"layer": "reporting"}},
    },
    "mauve_scores": {
        "type": "json.JSONDataset",
        "metadata": {"privacy": "private", "kedro-viz": {"layer": "reporting"}},
    },
    "cleansing_report": {"type": "json.JSONDataset", "metadata": {"privacy": "private"}},
    "unlabelled": {"type": "json.JSONDataset"},
}


def open_run(uri: str, tmp_path, **settings) -> tuple[PrivacyCheckedRun, MlflowClient]:
    client = MlflowClient(tracking_uri=uri)
    experiment = client.create_experiment(f"test-{tmp_path.name}", artifact_location=(tmp_path / "art").as_uri())
    run = client.create_run(experiment)
    return PrivacyCheckedRun(client, run.info.run_id, CATALOG, TrackingSettings(**settings), uri), client


@pytest.fixture
def local_run(tmp_path):
    return open_run(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path)


def test_metric_keys_keep_what_mlflow_accepts():
    assert metric_key("mauve", "embedding", "synthetic resampled") == "mauve.embedding.synthetic resampled"
    assert metric_key("win_rate", "a+b(c)") == "win_rate.a_b_c_"


@pytest.mark.parametrize("dataset", ["mauve_scores", "cleansing_report", "unlabelled", "not_in_the_catalog"])
def test_artifacts_and_models_of_anything_not_public_or_dp_release_are_refused(local_run, dataset):
    run, client = local_run
    with pytest.raises(PrivacyBoundaryError, match=dataset):
        run.log_dataset_artifact(dataset, {"secret": "x"})
    with pytest.raises(PrivacyBoundaryError, match=dataset):
        run.log_dp_generator(dataset, object())
    assert client.list_artifacts(run.run_id) == []


def test_public_and_dp_release_reports_plots_and_text_are_logged_under_their_layer(local_run, tmp_path):
    run, client = local_run
    figure, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    assert run.log_dataset_artifact("privacy_report", {"epsilon": 1.5}) == "reporting/privacy_report.json"
    assert run.log_dataset_artifact("sampling_report", figure) == "reporting/sampling_report.png"
    assert run.log_dataset_artifact("sampling_report", "<!DOCTYPE html><p>x</p>") == "reporting/sampling_report.html"
    assert run.log_dataset_artifact("sampling_report", object()) is None  # a type it does not log
    paths = sorted(a.path for a in client.list_artifacts(run.run_id, "reporting"))
    assert paths == ["reporting/privacy_report.json", "reporting/sampling_report.html", "reporting/sampling_report.png"]
    local = client.download_artifacts(run.run_id, "reporting/privacy_report.json", str(tmp_path))
    assert json.loads(open(local).read()) == {"epsilon": 1.5}


def test_private_aggregates_are_logged_to_a_local_store_by_default(local_run):
    run, client = local_run
    assert run.private_aggregates_allowed
    assert run.log_metrics("mauve_scores", {"mauve.embedding.synthetic_resampled": 0.7}) == 1
    assert run.log_metrics("privacy_report", {"epsilon_spent.x": 2.0, "nan": float("nan"), "none": None}) == 1
    metrics = client.get_run(run.run_id).data.metrics
    assert metrics == {"mauve.embedding.synthetic_resampled": 0.7, "epsilon_spent.x": 2.0}


def test_private_aggregates_can_be_kept_out_of_every_store(tmp_path):
    run, client = open_run(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path, private_aggregates="never")
    assert run.log_metrics("mauve_scores", {"mauve.unigram.x": 0.5}) == 0
    assert run.log_metrics("unlabelled", {"count": 3}) == 0  # no class: treated as private
    assert run.private_aggregates_skipped == ["mauve.unigram.x", "count"]
    assert client.get_run(run.run_id).data.metrics == {}


def test_a_real_tracking_server_gets_releases_but_no_private_aggregates(mlflow_tracking_server, tmp_path):
    uri = mlflow_tracking_server
    run, client = open_run(uri, tmp_path)
    assert not run.private_aggregates_allowed
    assert run.log_metrics("mauve_scores", {"mauve.embedding.synthetic_resampled": 0.7}) == 0
    assert run.log_metrics("sampling_report", {"sampling.counts.kept": 40}) == 1
    run.log_dataset_artifact("privacy_report", {"epsilon": 1.5})
    assert client.get_run(run.run_id).data.metrics == {"sampling.counts.kept": 40.0}
    assert [a.path for a in client.list_artifacts(run.run_id, "reporting")] == ["reporting/privacy_report.json"]
    always, client = open_run(uri, tmp_path / "always", private_aggregates="always")
    assert always.log_metrics("mauve_scores", {"mauve.unigram.x": 0.5}) == 1
