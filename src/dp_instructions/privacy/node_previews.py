"""kedro-viz node previews: a node's inputs and outputs with their privacy classes.

kedro-viz draws a dataset's name, layer and type, not its privacy class. Every registered
node therefore carries a preview (Kedro's ``preview_fn``): click a node in kedro-viz and
its panel shows a Mermaid diagram of what it reads and writes, each dataset labelled and
coloured by class (private, dp_release, public; in memory: carried between the nodes of
one stage), and the node marked when it is a ``dp_mechanism`` (where private data may
cross into a release, through the ledger). The classes come from the project's catalog
configuration (``metadata: {privacy: ...}``), read once per process, so the preview is
what the boundary check enforces.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from kedro.pipeline.preview_contract import MermaidPreview

from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, _Classifier

__all__ = ["mermaid_of_node", "privacy_preview"]

STYLES = {
    "private": "fill:#f8d7da,stroke:#b02a37,color:#000",
    "dp_release": "fill:#cfe2ff,stroke:#084298,color:#000",
    "public": "fill:#d1e7dd,stroke:#0f5132,color:#000",
    "memory": "fill:#e2e3e5,stroke:#41464b,color:#000",
}


@functools.lru_cache(maxsize=1)
def _project_catalog_config() -> Mapping[str, Any]:
    from kedro.framework.project import settings

    loader = settings.CONFIG_LOADER_CLASS(
        conf_source=str(Path.cwd() / settings.CONF_SOURCE), **settings.CONFIG_LOADER_ARGS
    )
    return dict(loader["catalog"])


def _label(name: str) -> str:
    return name.replace('"', "'")


def mermaid_of_node(
    name: str, inputs: Iterable[str], outputs: Iterable[str], tags: Iterable[str], catalog: Mapping[str, Any]
) -> str:
    """The Mermaid flowchart of one node and its datasets, by privacy class."""
    classifier = _Classifier(catalog)

    def privacy(dataset: str) -> str:
        status, cls, _ = classifier.classify(dataset)
        return cls if status == "classified" and cls else "memory"

    mechanism = DP_MECHANISM_TAG in set(tags)
    lines = ["graph LR", f'  node["{_label(name)}' + ("<br/>dp_mechanism" if mechanism else "") + '"]']
    used = set()
    for prefix, datasets, arrow in (("i", inputs, "-->"), ("o", outputs, "-->")):
        for k, dataset in enumerate(d for d in datasets if not d.startswith("params:") and d != "parameters"):
            cls = privacy(dataset)
            used.add(cls)
            box = f'{prefix}{k}["{_label(dataset)}<br/>{"in memory" if cls == "memory" else cls}"]:::{cls}'
            lines.append(f"  {box} {arrow} node" if prefix == "i" else f"  node {arrow} {box}")
    lines += [f"  classDef {cls} {STYLES[cls]}" for cls in STYLES if cls in used]
    return "\n".join(lines)


def privacy_preview(node: Any) -> Callable[[], MermaidPreview]:
    """A ``preview_fn`` for ``node``."""

    def preview() -> MermaidPreview:
        return MermaidPreview(
            content=mermaid_of_node(node.name, node.inputs, node.outputs, node.tags, _project_catalog_config())
        )

    return preview
