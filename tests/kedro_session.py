"""Run a pipeline through a real KedroSession in a throwaway copy of the project."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

ROOT = Path(__file__).resolve().parents[1]


def project_copy(tmp_path: Path, tracking: bool = False) -> Path:
    """pyproject.toml + conf/ copied under tmp_path, with an empty src/, conf/local and data/.
    MLflow tracking is off (conf/local/run_tracking.yml) unless ``tracking``: the tests that
    check it turn it on; the others neither pay for a store nor find one in data/."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    # Kedro's bootstrap checks that the source directory exists (a link is resolved and
    # refused); the package itself is imported from the installed distribution.
    (project / "src").mkdir()
    shutil.copytree(ROOT / "conf", project / "conf", ignore=shutil.ignore_patterns("local"))
    (project / "conf" / "local").mkdir()
    if not tracking:
        (project / "conf" / "local" / "run_tracking.yml").write_text("enabled: false\n")
    (project / "data").mkdir()
    return project


def run_pipeline(project: Path, pipeline: str, runtime_params: dict[str, Any] | None = None) -> dict[str, Any]:
    cwd = os.getcwd()
    os.chdir(project)
    try:
        bootstrap_project(project)
        with KedroSession.create(project_path=project, runtime_params=runtime_params or {}) as session:
            return session.run(pipeline_name=pipeline)
    finally:
        os.chdir(cwd)


def latest_version(path: Path) -> Path:
    """The file inside the newest version folder of a versioned dataset."""
    versions = sorted(p for p in path.iterdir() if p.is_dir())
    return versions[-1] / path.name
