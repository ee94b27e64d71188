"""The privacy boundary: a static check of the pipeline graph against the catalog's
privacy classes.

Why: "nothing downstream of the raw data may reach annotators or alignment except
through a DP release" is the product's central promise, and it is a property of the
*graph*, so it is checked on the graph, before anything runs, not by reviewing nodes.

Rules (every violation is reported, each with its path):

1. Every catalog entry, and every dataset a pipeline reads or writes, has
   ``metadata: {privacy: private | dp_release | public}``. ``parameters`` and
   ``params:*`` are public inputs. A dataset that is not in the catalog is a Kedro
   ``MemoryDataset``: as an *intermediate* of a pipeline it is just a step on a path
   and carries whatever flows through it (its class is that of its sources, and the
   check follows paths through it); as a *free input or output* of a registered
   pipeline (something the pipeline reads from or leaves to the outside) it has no
   class and is an error.
2. Every path from a ``private`` dataset to a ``dp_release`` or ``public`` dataset
   passes through a node tagged ``dp_mechanism`` (the tag is the only way through).
   The search follows paths through memory intermediates and stops at a ``private``
   dataset (which is checked as a source in its own right).
3. A ``dp_mechanism`` node takes the ``privacy_ledger`` input: a node that is allowed
   through the boundary must be able to charge the ledger before it releases.
4. The pipelines named in ``private_free_pipelines`` (default: ``alignment``) read no
   ``private`` dataset at all.

Transcoded names (``x@polars``, ``x@pandas``) are the same data: the graph joins them,
and each name is looked up in the catalog as written, then without the ``@`` suffix.
Dataset factory patterns in the catalog (``"{name}_model"``) classify the names they
match, with their placeholders resolved.
"""

from __future__ import annotations

import copy
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kedro.io.catalog_config_resolver import CatalogConfigResolver
from kedro.pipeline import Pipeline
from kedro.pipeline.transcoding import _strip_transcoding

from dp_instructions.exceptions import PrivacyBoundaryError

__all__ = [
    "DP_MECHANISM_TAG",
    "LEDGER_DATASET",
    "PRIVACY_CLASSES",
    "BoundaryViolation",
    "assert_privacy_boundary",
    "catalog_config_from_catalog",
    "check_privacy_boundary",
]

logger = logging.getLogger(__name__)

PRIVATE = "private"
DP_RELEASE = "dp_release"
PUBLIC = "public"
PRIVACY_CLASSES = (PRIVATE, DP_RELEASE, PUBLIC)
DP_MECHANISM_TAG = "dp_mechanism"
LEDGER_DATASET = "privacy_ledger"
DEFAULT_PRIVATE_FREE_PIPELINES = ("alignment",)


@dataclass(frozen=True)
class BoundaryViolation:
    """One finding. ``path`` alternates dataset and node names, source first."""

    kind: str
    """``leak``, ``private_input``, ``unclassified`` or ``mechanism_without_ledger``."""
    dataset: str
    message: str
    pipelines: tuple[str, ...] = ()
    path: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" [pipeline(s): {', '.join(self.pipelines)}]" if self.pipelines else ""
        return f"{self.kind}: {self.message}{where}"


def _is_parameter(name: str) -> bool:
    return name == "parameters" or name.startswith("params:")


class _Classifier:
    """Privacy class of a dataset name according to a catalog config dict."""

    def __init__(self, catalog_config: Mapping[str, Any]):
        self.config = {str(k): v for k, v in (catalog_config or {}).items() if not str(k).startswith("_")}
        patterns = {
            k: _without_credentials(v)
            for k, v in self.config.items()
            if CatalogConfigResolver.is_pattern(k) and isinstance(v, Mapping)
        }
        self._resolver = CatalogConfigResolver(
            config=patterns,
            credentials={},
            default_runtime_patterns={"{default}": {"type": "kedro.io.MemoryDataset"}},
        )

    def entry(self, name: str) -> tuple[str, Any] | None:
        """``(catalog key, config)`` for ``name``, or ``None`` if it is not cataloged."""
        for candidate in dict.fromkeys((name, _strip_transcoding(name))):
            if candidate in self.config and not CatalogConfigResolver.is_pattern(candidate):
                return candidate, self.config[candidate]
            pattern = self._resolver.match_dataset_pattern(candidate)
            pattern = pattern or self._resolver.match_user_catch_all_pattern(candidate)
            if pattern is not None:
                return pattern, self._resolver.resolve_pattern(candidate)
        return None

    @staticmethod
    def privacy_of(config: Any) -> str | None:
        if not isinstance(config, Mapping):
            return None
        metadata = config.get("metadata")
        if not isinstance(metadata, Mapping):
            return None
        value = metadata.get("privacy")
        return value if value in PRIVACY_CLASSES else None

    def entry_problem(self, key: str) -> str:
        """Why the catalog entry ``key`` has no valid class ("" if it has one). A pattern
        whose class is itself a placeholder is checked per matched name instead."""
        config = self.config[key]
        if self.privacy_of(config) is not None:
            return ""
        got = _declared_class(config)
        if CatalogConfigResolver.is_pattern(key) and isinstance(got, str) and "{" in got:
            return ""
        return _class_problem(key, config)

    def classify(self, name: str) -> tuple[str, str | None, str]:
        """``(status, class, detail)``; status is ``param``, ``classified``,
        ``unclassified`` (cataloged without a valid class) or ``uncataloged``."""
        if _is_parameter(name):
            return "param", PUBLIC, ""
        found = self.entry(name)
        if found is None:
            return "uncataloged", None, ""
        key, config = found
        cls = self.privacy_of(config)
        if cls is None:
            return "unclassified", None, _class_problem(key, config, name)
        return "classified", cls, ""


def _declared_class(config: Any) -> Any:
    metadata = config.get("metadata") if isinstance(config, Mapping) else None
    return metadata.get("privacy") if isinstance(metadata, Mapping) else None


def _class_problem(key: str, config: Any, name: str | None = None) -> str:
    where = f"catalog entry '{key}'" + (f" (for '{name}')" if name is not None and name != key else "")
    got = _declared_class(config)
    if got is None:
        return f"{where} has no `metadata: {{privacy: ...}}`"
    return f"{where} has privacy class {got!r}, not one of {list(PRIVACY_CLASSES)}"


def _without_credentials(config: Any) -> Any:
    config = copy.deepcopy(dict(config))
    config.pop("credentials", None)
    return config


def _render_path(path: Iterable[str]) -> str:
    parts = list(path)
    out = [repr(parts[0])]
    for i in range(1, len(parts), 2):
        out.append(f" --[node {parts[i]}]--> {parts[i + 1]!r}")
    return "".join(out)


class _Graph:
    """Bipartite dataset/node graph of one pipeline, datasets joined across transcoding."""

    def __init__(self, pipeline: Pipeline):
        self.consumers: dict[str, list[Any]] = {}
        self.names: dict[str, set[str]] = {}
        for node in pipeline.nodes:
            for name in node.inputs:
                base = _strip_transcoding(name)
                self.consumers.setdefault(base, []).append(node)
                self.names.setdefault(base, set()).add(name)
            for name in node.outputs:
                self.names.setdefault(_strip_transcoding(name), set()).add(name)


def _class_of_base(base: str, graph: _Graph, classifier: _Classifier) -> str | None:
    """Most restrictive class over the names a base dataset is used under."""
    classes = {classifier.classify(n)[1] for n in graph.names.get(base, {base})}
    for cls in (PRIVATE, DP_RELEASE, PUBLIC):
        if cls in classes:
            return cls
    return None


def _find_leaks(pipeline: Pipeline, classifier: _Classifier) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """``(source, sink, sink class, path)`` for every private source and every dp_release/public sink
    reachable from it without a dp_mechanism node (shortest path per pair)."""
    graph = _Graph(pipeline)
    classes = {base: _class_of_base(base, graph, classifier) for base in graph.names}
    leaks = []
    for source in sorted(b for b, c in classes.items() if c == PRIVATE):
        parent: dict[str, tuple[str, str]] = {}
        seen = {source}
        queue = deque([source])
        while queue:
            current = queue.popleft()
            for node in sorted(graph.consumers.get(current, []), key=lambda n: n.name):
                if DP_MECHANISM_TAG in node.tags:
                    continue
                for out in node.outputs:
                    target = _strip_transcoding(out)
                    if target in seen:
                        continue
                    seen.add(target)
                    parent[target] = (current, node.name)
                    cls = classes.get(target)
                    if cls in (DP_RELEASE, PUBLIC):
                        path = [target]
                        step = target
                        while step != source:
                            prev, via = parent[step]
                            path += [via, prev]
                            step = prev
                        leaks.append((source, target, cls, tuple(reversed(path))))
                    elif cls is None:  # memory intermediate: follow it
                        queue.append(target)
                    # private: a source of its own, checked in its own turn
    return leaks


def check_privacy_boundary(
    pipelines: Mapping[str, Pipeline],
    catalog_config: Mapping[str, Any],
    *,
    private_free_pipelines: Iterable[str] = DEFAULT_PRIVATE_FREE_PIPELINES,
    check_catalog_entries: bool = True,
    check_free_datasets: bool = True,
) -> list[BoundaryViolation]:
    """Every violation of the rules in this module's docstring, deduplicated across
    pipelines (a leak found in ``data_cleansing`` and ``__default__`` is one finding
    listing both). An empty list means the boundary holds.

    ``catalog_config`` is the catalog as configured (``config_loader["catalog"]``, or a
    plain dict in tests). ``check_free_datasets=False`` skips rule 1 for free inputs and
    outputs, for ad-hoc filtered runs whose cut edges are legitimately in memory.
    """
    classifier = _Classifier(catalog_config)
    private_free = set(private_free_pipelines)
    found: dict[tuple[str, str, tuple[str, ...]], tuple[BoundaryViolation, list[str]]] = {}

    def add(v: BoundaryViolation, pipeline_name: str | None) -> None:
        key = (v.kind, v.dataset, v.path)
        if key not in found:
            found[key] = (v, [])
        if pipeline_name is not None and pipeline_name not in found[key][1]:
            found[key][1].append(pipeline_name)

    if check_catalog_entries:
        for key in sorted(classifier.config):
            detail = classifier.entry_problem(key)
            if detail:
                add(BoundaryViolation("unclassified", key, detail), None)

    for pname, pipeline in pipelines.items():
        free = pipeline.inputs() | pipeline.outputs()
        used = sorted({n for node in pipeline.nodes for n in (*node.inputs, *node.outputs)})
        for name in used:
            status, cls, detail = classifier.classify(name)
            if status == "unclassified":
                add(BoundaryViolation("unclassified", name, detail), pname)
            elif status == "uncataloged" and check_free_datasets and name in free:
                side = "input" if name in pipeline.inputs() else "output"
                add(
                    BoundaryViolation(
                        "unclassified",
                        name,
                        f"'{name}' is a free {side} of the pipeline but has no catalog entry, so no "
                        "privacy class; add it to the catalog with `metadata: {privacy: ...}`",
                    ),
                    pname,
                )
        for node in pipeline.nodes:
            if DP_MECHANISM_TAG in node.tags and LEDGER_DATASET not in {_strip_transcoding(i) for i in node.inputs}:
                add(
                    BoundaryViolation(
                        "mechanism_without_ledger",
                        node.name,
                        f"node '{node.name}' is tagged '{DP_MECHANISM_TAG}' but does not take the "
                        f"'{LEDGER_DATASET}' input, so it cannot charge the privacy ledger before releasing",
                    ),
                    pname,
                )
        if pname in private_free:
            for node in pipeline.nodes:
                for name in node.inputs:
                    if classifier.classify(name)[1] == PRIVATE:
                        add(
                            BoundaryViolation(
                                "private_input",
                                name,
                                f"the '{pname}' pipeline may read no private data, but node "
                                f"'{node.name}' reads private dataset '{name}'",
                                path=(name, node.name),
                            ),
                            pname,
                        )
        for source, sink, sink_cls, path in _find_leaks(pipeline, classifier):
            add(
                BoundaryViolation(
                    "leak",
                    sink,
                    f"private dataset '{source}' reaches {sink_cls} dataset '{sink}' without a "
                    f"'{DP_MECHANISM_TAG}' node: {_render_path(path)}",
                    path=path,
                ),
                pname,
            )

    return [BoundaryViolation(v.kind, v.dataset, v.message, tuple(names), v.path) for v, names in found.values()]


def assert_privacy_boundary(
    pipelines: Mapping[str, Pipeline],
    catalog_config: Mapping[str, Any],
    **kwargs: Any,
) -> None:
    """Raise :class:`PrivacyBoundaryError` listing every violation (with its path)."""
    violations = check_privacy_boundary(pipelines, catalog_config, **kwargs)
    if violations:
        lines = "\n".join(f"  - {v}" for v in violations)
        raise PrivacyBoundaryError(
            f"privacy boundary violated ({len(violations)} finding(s)); nothing was run:\n{lines}",
            violations,
        )


def catalog_config_from_catalog(catalog: Any, names: Iterable[str]) -> dict[str, Any]:
    """Fallback when the catalog *config* is not at hand: a config-shaped dict with the
    ``metadata`` of every dataset in ``names`` that the catalog object knows."""
    config: dict[str, Any] = {}
    for name in names:
        if _is_parameter(name) or name not in catalog:
            continue
        dataset = catalog.get(name)
        config[name] = {"type": type(dataset).__name__, "metadata": getattr(dataset, "metadata", None)}
    return config
