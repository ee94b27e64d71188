"""The whole default pipeline (`kedro run`) on tiny parameters in a throwaway project copy,
with MLflow tracking on: what the tracking and notebook tests read afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.kedro_session import project_copy, run_pipeline
from tests.pipelines.alignment.test_pipeline import TINY as ALIGNMENT
from tests.pipelines.dp_generation.test_pipeline import TINY as DP_GENERATION
from tests.pipelines.evaluation.test_session import SMALL as EVALUATION

RUNTIME: dict[str, Any] = {
    "demo_conversations": 1200,
    "demo_eval_reference": 40,
    "demo_public_instructions": 150,
    "demo_public_pretraining_corpus": 150,
    "demo_public_qa_corpus": 40,
}
PARAMETERS: dict[str, dict[str, Any]] = {
    "dp_generation": {**DP_GENERATION, "sampling": {**DP_GENERATION["sampling"], "num_samples": 80}},
    "resampling": {
        "embedding": {"show_progress": False},
        "clustering": {"num_clusters": 3},
        "target_size": 30,
        "shortage": "redistribute",
    },
    "evaluation": EVALUATION,
    "alignment": ALIGNMENT,
}


def tiny_default_run(tmp_path: Path) -> Path:
    """A project copy after one `kedro run` of ``__default__``; returns the project path."""
    project = project_copy(tmp_path, tracking=True)
    for name, values in PARAMETERS.items():
        (project / "conf/local" / f"parameters_{name}.yml").write_text(yaml.safe_dump({name: values}))
    run_pipeline(project, "__default__", RUNTIME)
    return project
