"""`kedro run` tracked on a real MLflow tracking server (`mlflow server` on 127.0.0.1), set
in conf/local/mlflow.yml as a user would: the run, its parameters and ε are there; private
aggregates are not (a server is shared); and the local default store is not created."""

from __future__ import annotations

import yaml
from mlflow import MlflowClient

from tests.kedro_session import project_copy, run_pipeline
from tests.pipelines.resampling.test_session import LOCAL_PARAMETERS, write_version
from tests.resampling.helpers import SKEWED_REAL, SKEWED_SYNTHETIC, instructions, synthetic


def test_a_run_is_tracked_on_the_server_set_in_conf_local(mlflow_tracking_server, tmp_path):
    project = project_copy(tmp_path, tracking=True)
    data = project / "data"
    write_version(data / "07_model_output/synthetic_initial.parquet", synthetic(80, SKEWED_SYNTHETIC))
    write_version(data / "03_primary/instructions_train.parquet", instructions(40, SKEWED_REAL, "real-", 2))
    (project / "conf/local/parameters_resampling.yml").write_text(LOCAL_PARAMETERS)
    uri = mlflow_tracking_server
    (project / "conf/local/mlflow.yml").write_text(yaml.safe_dump({"server": {"mlflow_tracking_uri": uri}}))
    run_pipeline(project, "resampling")
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("dp_instructions")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FINISHED" and run.info.run_name == "resampling"
    assert run.data.params["resampling.clustering.num_clusters"] == "3"
    assert run.data.metrics["epsilon_budget.instructions_train"] == 6.0
    assert run.data.metrics["releases.charged_this_run"] == 1
    assert run.data.tags["dp.private_aggregates"] == "not logged"
    assert not (data / "10_tracking").exists()


def test_a_misspelt_run_tracking_key_stops_the_session_naming_the_file_and_key(tmp_path):
    import pytest

    from dp_instructions.exceptions import InvalidInputError

    project = project_copy(tmp_path, tracking=True)
    (project / "conf/local/run_tracking.yml").write_text("privat_aggregates: never\n")
    with pytest.raises(InvalidInputError, match=r"run_tracking\.yml[\s\S]*privat_aggregates"):
        run_pipeline(project, "resampling")
