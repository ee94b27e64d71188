"""``conf/<env>/run_tracking.yml``: whether runs are tracked, and where private aggregates
may go. kedro-mlflow's own ``mlflow.yml`` says *where* runs are recorded (tracking URI,
experiment); this file says *what* this project lets into it."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["PrivateAggregates", "TrackingSettings", "default_store_uri", "is_local_store"]

#: Config pattern of run_tracking.yml for Kedro's config loader.
CONFIG_KEY = "run_tracking"
CONFIG_PATTERNS = ["run_tracking*", "run_tracking*/**"]


class PrivateAggregates(str, Enum):
    """Where scalars computed from private data without a DP mechanism may be logged."""

    never = "never"
    local_store_only = "local_store_only"
    always = "always"


class TrackingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="track every kedro run in MLflow (kedro-mlflow)")
    local_store: str = Field(
        "data/10_tracking",
        description=(
            "project-relative folder of the default store (mlflow.db and artifacts/) when mlflow.yml names no "
            "tracking URI and MLFLOW_TRACKING_URI is unset"
        ),
    )
    private_aggregates: PrivateAggregates = Field(
        PrivateAggregates.local_store_only,
        description=(
            "MAUVE and other scalars of private data without a DP mechanism: never logged, logged to a store on "
            "this machine only (sqlite or a local path), or logged everywhere"
        ),
    )
    log_generator_model: bool = Field(True, description="log the DP generator as an MLflow model when a run saves it")


def default_store_uri(project_path: Path, local_store: str) -> tuple[str, str]:
    """``(tracking URI, artifact location)`` of the local default store under the project."""
    root = (Path(project_path) / local_store).resolve()
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / 'mlflow.db'}", (root / "artifacts").as_uri()


def is_local_store(uri: str) -> bool:
    """A store on this machine: a path, ``file:`` or ``sqlite:`` URI. A tracking server,
    a database server or Databricks is shared, and not local."""
    if uri.split(":", 1)[0].lower() in ("databricks", "databricks-uc"):
        return False
    scheme = urlparse(uri).scheme.lower()
    return scheme in ("", "file", "sqlite") or (len(scheme) == 1 and uri[1:3] in (":\\", ":/"))
