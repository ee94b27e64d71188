"""Project pipelines: every package under ``dp_instructions.pipelines`` with a
``create_pipeline()``; ``__default__`` chains them all but the optional ones."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

#: Run on request only: the non-private control generator is an audit tool that costs a
#: second training run and produces a non-DP model.
OPTIONAL_PIPELINES = ("memorisation_control",)


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    default = [p for name, p in pipelines.items() if name not in OPTIONAL_PIPELINES]
    pipelines["__default__"] = sum(default, start=Pipeline([]))
    return pipelines
