"""The run manifest: what one ``kedro run`` read, wrote and spent.

Written by :class:`~dp_instructions.hooks.RunManifestHooks` at the end of every run (also
a failed one) to the ``run_manifest`` catalog entry (versioned JSON, public): the run id,
status, pipeline and node selection, environment, git commit, package versions, a digest
of the parameters, the pipeline's nodes with their inputs and outputs, every dataset
loaded or saved (privacy class, path, version, content hash, the nodes that used it), the
ledger's head before and after the run and every release the run charged, reused or
resumed (with the node that did). Nothing private is in it: names, paths, versions and
hashes, as in the public ledger. A failed run records the error's type and node only (a
message may quote data).

:func:`load_run_manifests` reads every version back, for ``kedro privacy verify`` (the
ledger heads the runs saw) and ``kedro privacy audit`` (the walk back).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.metadata
import json
import logging
import platform
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from dp_instructions.audit.content_hash import ContentHasher
from dp_instructions.privacy.boundary import LEDGER_DATASET

__all__ = ["MANIFEST_DATASET", "SCHEMA_VERSION", "ManifestRecorder", "ledger_heads", "load_run_manifests"]

log = logging.getLogger(__name__)

MANIFEST_DATASET = "run_manifest"
SCHEMA_VERSION = 1
PACKAGES = (
    "dp-instructions",
    "kedro",
    "kedro-datasets",
    "torch",
    "transformers",
    "peft",
    "opacus",
    "prv-accountant",
    "faiss-cpu",
    "sentence-transformers",
    "polars",
    "numpy",
)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dataset_location(dataset: Any, *, saved: bool) -> tuple[str | None, str | None, bool]:
    """``(path, version, local)`` of a catalog dataset's files, where it has any."""
    from kedro.io import AbstractVersionedDataset, DatasetError

    version = None
    if isinstance(dataset, AbstractVersionedDataset) and getattr(dataset, "_version", None) is not None:
        try:
            version = dataset.resolve_save_version() if saved else dataset.resolve_load_version()
        except DatasetError:  # e.g. an optional dataset loaded as None: no version exists
            return None, None, False
        path = str(dataset._get_versioned_path(version)) if version else None
    else:
        filepath = getattr(dataset, "_filepath", None)
        path = str(filepath) if filepath is not None else None
    protocol = getattr(dataset, "_protocol", "file")
    return path, version, protocol in (None, "file", "local")


class ManifestRecorder:
    """Collects one run's manifest; the hooks feed it, :meth:`finish` returns it."""

    def __init__(self, run_params: Mapping[str, Any], pipeline: Any, catalog: Any):
        self.catalog = catalog
        self.run_id = str(run_params.get("run_id") or run_params.get("session_id"))
        self.started = _now()
        self.run_params = run_params
        self.hasher = ContentHasher()
        self.nodes: dict[str, dict[str, Any]] = {
            n.name: {"name": n.name, "inputs": list(n.inputs), "outputs": list(n.outputs), "releases": []}
            for n in pipeline.nodes
        }
        self.loaded: dict[tuple[str, str | None], dict[str, Any]] = {}
        self.saved: dict[tuple[str, str | None], dict[str, Any]] = {}
        self.in_memory: set[str] = set()
        self.incomplete: list[str] = []
        """What could not be recorded (the manifest says so rather than fail the run)."""
        self._marks: dict[str, int] = {}
        self.failed_node: str | None = None
        self.head_before = self._ledger_state()[0]

    # -- the ledger ---------------------------------------------------------------------

    def _ledger_dataset(self) -> Any:
        from dp_instructions.datasets.privacy_ledger import PrivacyLedgerDataset

        if LEDGER_DATASET not in self.catalog:
            return None
        dataset = self.catalog.get(LEDGER_DATASET)
        return dataset if isinstance(dataset, PrivacyLedgerDataset) else None

    def _ledger_state(self) -> tuple[dict[str, Any] | None, list[str]]:
        """The ledger's head, and the releases it holds under this run id (the authority
        on charges: also those a node made in a subprocess); one read of the ledger."""
        dataset = self._ledger_dataset()
        if dataset is None:
            return None, []
        ledger = dataset.load()
        try:
            records = ledger.records()
        except Exception as exc:  # the run itself will refuse a broken ledger; the manifest says so
            return {"location": ledger.location, "error": type(exc).__name__}, []
        last = records[-1] if records else None
        head = {"location": ledger.location, "seq": last.seq if last else 0, "hash": last.hash if last else None}
        return head, [r.release_id for r in records if r.run_id == self.run_id]

    def _uses(self) -> list[Any]:
        dataset = self._ledger_dataset()
        return dataset.uses if dataset is not None else []

    def node_started(self, node_name: str) -> None:
        self._marks[node_name] = len(self._uses())

    def node_finished(self, node_name: str, failed: bool = False) -> None:
        new = self._uses()[self._marks.pop(node_name, 0) :]
        if node_name in self.nodes:
            self.nodes[node_name]["releases"] += [{"how": u.how, "release_id": u.release_id} for u in new]
        if failed:
            self.failed_node = node_name

    # -- datasets -------------------------------------------------------------------------

    def _dataset_entry(self, name: str, node_name: str | None, data: Any, *, saved: bool) -> None:
        from kedro.io import MemoryDataset

        if name == LEDGER_DATASET or name == "parameters" or name.startswith("params:"):
            return
        try:
            dataset = self.catalog.get(name)
        except Exception:  # noqa: BLE001 - a manifest never fails a run
            dataset = None
        if dataset is None or isinstance(dataset, MemoryDataset):
            self.in_memory.add(name)  # nothing persisted: the node graph carries its lineage
            return
        path, version, local = _dataset_location(dataset, saved=saved)
        entries = self.saved if saved else self.loaded
        entry = entries.get((name, version))
        if entry is None:
            metadata = getattr(dataset, "metadata", None) or {}
            entry = entries[(name, version)] = {
                "name": name,
                "privacy": metadata.get("privacy") if isinstance(metadata, Mapping) else None,
                "type": f"{type(dataset).__module__}.{type(dataset).__qualname__}",
                "path": path,
                "version": version,
                "content_hash": self._content_hash(path, local, data),
                "nodes": [],
            }
        if node_name and node_name not in entry["nodes"]:
            entry["nodes"].append(node_name)

    def _content_hash(self, path: str | None, local: bool, data: Any) -> str | None:
        """The files' hash; for a dataset without files (generated in memory), the
        fingerprint of its rows when it is a table."""
        if path and local:
            return self.hasher.hash_path(path)
        if path is None:
            import polars as pl

            from dp_instructions.privacy.fingerprint import fingerprint_frame

            if isinstance(data, pl.DataFrame):
                return fingerprint_frame(data)
        return None

    def dataset_loaded(self, name: str, node_name: str | None, data: Any = None) -> None:
        self._dataset_entry(name, node_name, data, saved=False)

    def dataset_saved(self, name: str, node_name: str | None, data: Any = None) -> None:
        self._dataset_entry(name, node_name, data, saved=True)

    # -- the manifest -----------------------------------------------------------------------

    def finish(self, *, status: str, error: BaseException | None = None) -> dict[str, Any]:
        from dp_instructions.privacy.ledger import code_version

        try:
            parameters_digest = _digest(self.catalog.load("parameters"))
        except Exception:  # noqa: BLE001 - no parameters dataset in a hand-made catalog
            parameters_digest = None
        uses = [u.__dict__ for u in self._uses()]
        head_after, charged = self._ledger_state()
        rp = self.run_params
        return {
            "schema": SCHEMA_VERSION,
            "run_id": self.run_id,
            "status": status,
            "incomplete": sorted(set(self.incomplete)),
            "error": None if error is None else {"type": type(error).__name__, "node": self.failed_node},
            "started": self.started,
            "finished": _now(),
            "pipeline": rp.get("pipeline_name") or rp.get("pipeline_names") or "__default__",
            "env": rp.get("env") or "local",
            "selection": {
                k: rp.get(k)
                for k in ("tags", "namespaces", "from_nodes", "to_nodes", "node_names", "from_inputs", "to_outputs")
            },
            "runtime_params": rp.get("runtime_params") or {},
            "parameters_digest": parameters_digest,
            "code": code_version(),
            "environment": {
                "python": sys.version.split()[0],
                "platform": platform.platform(),
                "host": platform.node(),
                "packages": _versions(),
            },
            "nodes": list(self.nodes.values()),
            "datasets": {
                "loaded": list(self.loaded.values()),
                "saved": list(self.saved.values()),
                "in_memory": sorted(self.in_memory),
            },
            "ledger": {
                "head_before": self.head_before,
                "head_after": head_after,
                "releases": uses,
                "charged_by_this_run": charged,
            },
        }


def load_run_manifests(catalog: Any) -> list[dict[str, Any]]:
    """Every saved run manifest, oldest first (empty without a ``run_manifest`` entry)."""
    if MANIFEST_DATASET not in catalog:
        return []
    dataset = catalog.get(MANIFEST_DATASET)
    try:
        paths = dataset.list_versions(full_path=True)
    except Exception:  # noqa: BLE001 - VersionNotFoundError: no run yet
        return []
    manifests = []
    for path in reversed(paths):
        with dataset._fs.open(str(path), "r") as fh:
            manifest = json.load(fh)
        manifest["manifest_version"] = dataset._get_version_from_path(path)
        manifests.append(manifest)
    return manifests


def ledger_heads(manifests: Iterable[Mapping[str, Any]], location: str) -> list[Any]:
    """The ledger heads that runs on the ledger at ``location`` saw after they ended."""
    from dp_instructions.privacy.ledger.verify import KnownHead

    heads = []
    for m in manifests:
        head = (m.get("ledger") or {}).get("head_after") or {}
        if head.get("location") == location and head.get("hash"):
            heads.append(KnownHead(int(head["seq"]), str(head["hash"]), f"run manifest {m.get('run_id')}"))
    return heads
