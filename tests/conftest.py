"""Fixtures shared by every test folder: the real PostgreSQL and MLflow servers, a tiny default run."""

from __future__ import annotations

import os

import pytest

from tests.postgres_server import PostgresServer, postgres_bindir, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """One real server for the session (each test uses its own table)."""
    if postgres_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test the PostgreSQL ledger for real: PostgreSQL server binaries not found")
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def tiny_default_run(tmp_path_factory):
    """A project copy after one `kedro run` of every pipeline on tiny parameters, tracked
    in MLflow (tests/tiny_default_run.py); shared by the tracking and notebook tests."""
    from tests.tiny_default_run import tiny_default_run as run

    return run(tmp_path_factory.mktemp("tiny_default_run"))


@pytest.fixture(scope="session")
def mlflow_tracking_server(tmp_path_factory) -> str:
    """One real `mlflow server` on 127.0.0.1 for the session (tests/mlflow_server.py); its URI."""
    from tests.mlflow_server import mlflow_server

    with mlflow_server(tmp_path_factory.mktemp("mlflow_server")) as uri:
        yield uri
