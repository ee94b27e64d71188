import pytest
from pydantic import ValidationError

from dp_instructions.tracking.settings import PrivateAggregates, TrackingSettings, default_store_uri, is_local_store


@pytest.mark.parametrize(
    ("uri", "local"),
    [
        ("sqlite:////srv/project/data/10_tracking/mlflow.db", True),
        ("file:///srv/mlruns", True),
        ("mlruns", True),
        ("/srv/mlruns", True),
        ("http://127.0.0.1:5000", False),
        ("https://mlflow.example.org", False),
        ("postgresql://user@db/mlflow", False),
        ("databricks", False),
        ("databricks-uc", False),
        ("databricks://profile", False),
    ],
)
def test_local_stores_are_paths_files_and_sqlite(uri, local):
    assert is_local_store(uri) is local


def test_by_default_private_aggregates_stay_on_this_machine():
    assert TrackingSettings().private_aggregates is PrivateAggregates.local_store_only


def test_settings_refuse_unknown_keys_and_values():
    with pytest.raises(ValidationError, match="privat_aggregates"):
        TrackingSettings.model_validate({"privat_aggregates": "never"})
    with pytest.raises(ValidationError, match="private_aggregates"):
        TrackingSettings.model_validate({"private_aggregates": "sometimes"})


def test_the_default_store_is_a_sqlite_database_with_artifacts_beside_it(tmp_path):
    uri, artifacts = default_store_uri(tmp_path, "data/10_tracking")
    assert uri == f"sqlite:///{tmp_path / 'data/10_tracking/mlflow.db'}"
    assert artifacts == (tmp_path / "data/10_tracking/artifacts").as_uri()
