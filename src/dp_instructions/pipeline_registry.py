"""Project pipelines: every package under ``dp_instructions.pipelines`` with a
``create_pipeline()``; ``__default__`` chains them all but the optional ones.

Each registered pipeline is a namespace of its own name (``data_cleansing``,
``dp_generation``, ...) with its dataset and parameter names unchanged
(``prefix_datasets_with_namespace=False``): kedro-viz collapses and expands each stage,
``kedro run --namespaces dp_generation`` runs one, and kedro-airflow makes one task per
stage (``--group-by namespace``). Node names become ``<stage>.<node>``. Every node carries
a kedro-viz preview of its datasets' privacy classes
(:mod:`dp_instructions.privacy.node_previews`).
"""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

from dp_instructions.privacy.node_previews import privacy_preview

#: Run on request only: the non-private control generator is an audit tool that costs a
#: second training run and produces a non-DP model.
OPTIONAL_PIPELINES = ("memorisation_control",)


def register_pipelines() -> dict[str, Pipeline]:
    found = find_pipelines(raise_errors=True)
    pipelines = {}
    for name, pipeline in found.items():
        staged = Pipeline(pipeline, namespace=name, prefix_datasets_with_namespace=False)
        pipelines[name] = Pipeline([n._copy(preview_fn=privacy_preview(n)) for n in staged.nodes])
    default = [p for name, p in pipelines.items() if name not in OPTIONAL_PIPELINES]
    pipelines["__default__"] = sum(default, start=Pipeline([]))
    return pipelines
