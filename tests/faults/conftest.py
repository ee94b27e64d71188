"""The fault suite: real `kedro run` processes on a throwaway project, crashed with SIGKILL
at failpoints (dp_instructions.faults), starved of disk, run twice at once, or fed broken
files. Each test asserts what must hold (no second charge, no half-written version
loaded, a clear error, every row kept or dropped with a reason) and records its figures
in the fault report when ``FAULT_REPORT`` names a file (tests/faults/fault_table.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.kedro_session import project_copy, run_pipeline
from tests.pipelines.dp_generation.test_pipeline import TINY
from tests.pipelines.resampling.test_session import LOCAL_PARAMETERS

RUNTIME = {
    "demo_conversations": 1200,
    "demo_eval_reference": 40,
    "demo_public_instructions": 150,
    "demo_public_pretraining_corpus": 150,
}
PARAMS_FLAG = "--params=" + ",".join(f"{k}={v}" for k, v in RUNTIME.items())
KEDRO = str(Path(sys.executable).with_name("kedro"))


def kedro_run(project: Path, *args: str, failpoint: str | None = None, preexec=None, timeout: int = 600):
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "COLUMNS": "200"}
    env.pop("DP_INSTRUCTIONS_FAILPOINT", None)
    if failpoint:
        env["DP_INSTRUCTIONS_FAILPOINT"] = failpoint
    return subprocess.run(
        [KEDRO, "run", *args, PARAMS_FLAG],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec,
    )


def start_kedro_run(project: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "COLUMNS": "200"}
    env.pop("DP_INSTRUCTIONS_FAILPOINT", None)
    return subprocess.Popen(
        [KEDRO, "run", *args, PARAMS_FLAG],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture(scope="session")
def cleansed_project(tmp_path_factory) -> Path:
    """A project copy with tiny parameters after one data_cleansing run."""
    project = project_copy(tmp_path_factory.mktemp("faults"))
    (project / "conf/local/parameters_dp_generation.yml").write_text(yaml.safe_dump({"dp_generation": TINY}))
    (project / "conf/local/parameters_resampling.yml").write_text(LOCAL_PARAMETERS)
    run_pipeline(project, "data_cleansing", RUNTIME)
    return project


def clone(project: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(project, target, symlinks=True)
    return target


@pytest.fixture
def fault_report(request):
    """``fault_report(fault=..., handled=..., lost=..., **figures)``: one row of the table."""

    def write(**row: Any) -> None:
        path = os.environ.get("FAULT_REPORT")
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"test": request.node.name, **row}) + "\n")

    return write
