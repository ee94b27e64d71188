"""The generated DAG under a real Apache Airflow 3, in its own virtual environment (its
pins never meet the project's): `kedro airflow create` with the committed template, then
the stages run for real with `airflow tasks test` against Airflow's SQLite database, on
tiny parameters, twice (two scheduled runs): the second spends no privacy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dp_instructions.privacy import PrivacyLedger
from tests.faults.conftest import PARAMS_FLAG
from tests.kedro_session import ROOT, latest_version, project_copy
from tests.pipelines.dp_generation.test_pipeline import TINY
from tests.pipelines.resampling.test_session import LOCAL_PARAMETERS

pytestmark = pytest.mark.airflow

AIRFLOW_REQUIREMENT = "apache-airflow==3.3.*"
STAGES = ("data-cleansing", "dp-generation", "resampling")


@pytest.fixture(scope="module")
def airflow_bin() -> Path:
    """`airflow` of a venv holding Apache Airflow only (created once, then reused)."""
    venv = Path(os.environ.get("DP_INSTRUCTIONS_AIRFLOW_VENV", Path.home() / ".cache/dp-instructions/airflow-3.3"))
    airflow = venv / "bin" / "airflow"
    if not airflow.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", AIRFLOW_REQUIREMENT],
            check=True,
            timeout=1800,
        )
    return airflow


def run(command: list[str], env: dict[str, str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def test_the_generated_dag_runs_each_stage_under_airflow_and_a_second_run_spends_nothing(airflow_bin, tmp_path):
    project = project_copy(tmp_path)
    local = project / "conf/local"
    (local / "parameters_dp_generation.yml").write_text(yaml.safe_dump({"dp_generation": TINY}))
    (local / "parameters_resampling.yml").write_text(LOCAL_PARAMETERS)
    (local / "airflow.yml").write_text(yaml.safe_dump({"default": {"runtime_params": PARAMS_FLAG.split("=", 1)[1]}}))
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}
    kedro = str(Path(sys.executable).with_name("kedro"))
    dags = tmp_path / "dags"
    run(
        [
            kedro,
            "airflow",
            "create",
            "--group-by",
            "namespace",
            "--jinja-file",
            str(ROOT / "deploy/airflow/dag_template.j2"),
            "--target-dir",
            str(dags),
            "--params",
            f"project_path={project},python={sys.executable}",
        ],
        env,
        project,
    )
    (dag_file,) = dags.glob("*.py")
    source = dag_file.read_text()
    assert 'tasks["data_cleansing"] >> tasks["dp_generation"]' in source
    assert 'tasks["dp_generation"] >> tasks["resampling"]' in source

    airflow_env = {
        **env,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    run([str(airflow_bin), "db", "migrate"], airflow_env, tmp_path)
    errors = run([str(airflow_bin), "dags", "list-import-errors", "--output", "json"], airflow_env, tmp_path)
    assert json.loads(errors.stdout.strip().splitlines()[-1]) == []  # the last line; warnings come first
    listed = run([str(airflow_bin), "tasks", "list", "dp-instructions"], airflow_env, tmp_path).stdout.split()
    assert {"data-cleansing", "dp-generation", "resampling", "evaluation", "alignment"} <= set(listed)

    ledger = PrivacyLedger(project / "data/09_privacy/privacy_ledger.sqlite")
    for logical_date, stages in (("2026-01-05", STAGES), ("2026-01-12", STAGES[1:])):
        for stage in stages:
            out = run(
                [str(airflow_bin), "tasks", "test", "dp-instructions", stage, logical_date], airflow_env, tmp_path
            )
            assert "privacy boundary holds" in out.stdout + out.stderr  # the project hook ran in the task
        if logical_date == "2026-01-05":
            first = ledger.records()
            assert [r.stage for r in first] == [
                "dp_generation.train_dp_generator",
                "resampling.release_noisy_histogram",
            ]
    assert ledger.records() == first  # the second scheduled run reused both releases
    report = json.loads(latest_version(project / "data/08_reporting/resampling_report.json").read_text())
    assert report["histogram"]["status"] == "reused"
    manifests = sorted((project / "data/09_privacy/run_manifest.json").iterdir())
    assert len(manifests) == 5  # one per task run
    last = json.loads((manifests[-1] / "run_manifest.json").read_text())
    assert last["selection"]["namespaces"] == ["resampling"]
    assert [u["how"] for u in last["ledger"]["releases"]] == ["reused"]
