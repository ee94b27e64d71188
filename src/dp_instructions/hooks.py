"""Project hooks (registered in ``settings.HOOKS``).

``PrivacyHooks`` enforces the privacy boundary before every ``kedro run``: it checks the
registered pipelines (and the filtered pipeline about to run) against the catalog's
privacy classes and stops the run with every offending path printed, before any node
has touched data. It also binds the Kedro run id to the ``privacy_ledger`` dataset so
every release is recorded under the run that made it.

``RunManifestHooks`` writes every run's manifest (``run_manifest``: what it read, wrote and
spent; :mod:`dp_instructions.audit.manifest`).
"""

from __future__ import annotations

import logging
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.pipeline import Pipeline

from dp_instructions.privacy.boundary import (
    DEFAULT_PRIVATE_FREE_PIPELINES,
    LEDGER_DATASET,
    assert_privacy_boundary,
    catalog_config_from_catalog,
)

logger = logging.getLogger(__name__)

#: Name under which the pipeline being run is checked next to the registered ones.
RUN_PIPELINE_NAME = "<this run>"


def _registered_pipelines() -> dict[str, Pipeline]:
    from kedro.framework.project import pipelines

    return dict(pipelines)


class PrivacyHooks:
    """Boundary check before every run; run id for the privacy ledger."""

    def __init__(self, private_free_pipelines: tuple[str, ...] = DEFAULT_PRIVATE_FREE_PIPELINES):
        self.private_free_pipelines = tuple(private_free_pipelines)
        self._catalog: Any = None
        self._conf_catalog: dict[str, Any] | None = None

    @hook_impl
    def after_catalog_created(self, catalog: Any, conf_catalog: dict[str, Any]) -> None:
        # The catalog *config* carries the privacy classes of every entry, including
        # MemoryDatasets and dataset factory patterns that the catalog object cannot list.
        self._catalog = catalog
        self._conf_catalog = conf_catalog

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any) -> None:
        registered = _registered_pipelines()
        if self._conf_catalog is not None and catalog is self._catalog:
            conf = self._conf_catalog
        else:  # hook driven by hand with a catalog it was not told about
            nodes = [node for p in [pipeline, *registered.values()] for node in p.nodes]
            names = {n for node in nodes for n in (*node.inputs, *node.outputs)}
            conf = catalog_config_from_catalog(catalog, names)
        # Registered pipelines: every rule. The filtered run pipeline is a subset of them;
        # it is checked too, without the free-dataset rule (a --to-nodes run legitimately
        # leaves memory outputs).
        assert_privacy_boundary(registered, conf, private_free_pipelines=self.private_free_pipelines)
        assert_privacy_boundary(
            {RUN_PIPELINE_NAME: pipeline},
            conf,
            private_free_pipelines=self.private_free_pipelines,
            check_catalog_entries=False,
            check_free_datasets=False,
        )
        n_nodes = len(registered.get("__default__", pipeline).nodes)
        logger.info("privacy boundary holds (%d registered pipelines, %d nodes)", len(registered), n_nodes)

        if LEDGER_DATASET in catalog:
            from dp_instructions.datasets.privacy_ledger import PrivacyLedgerDataset

            ledger = catalog.get(LEDGER_DATASET)
            if isinstance(ledger, PrivacyLedgerDataset):
                ledger.bind_run(run_params.get("run_id"))


class RunManifestHooks:
    """Writes the run manifest (:mod:`dp_instructions.audit.manifest`) of every run, also
    of a failed one, to the ``run_manifest`` catalog entry. A manifest never fails a run:
    if recording or writing it fails, the run's own outcome stands, the failure is logged
    and the manifest (if written) says it is incomplete."""

    def __init__(self) -> None:
        self._recorder: Any = None

    def _record(self, what: str, *args: Any) -> None:
        if self._recorder is None:
            return
        try:
            getattr(self._recorder, what)(*args)
        except Exception:  # noqa: BLE001 - the run's outcome stands
            logger.warning("run manifest: could not record %s%r", what, args, exc_info=True)
            self._recorder.incomplete.append(what)

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any) -> None:
        from dp_instructions.audit.manifest import ManifestRecorder

        try:
            self._recorder = ManifestRecorder(run_params, pipeline, catalog)
        except Exception:  # noqa: BLE001 - no manifest rather than no run
            logger.warning("run manifest: cannot record this run", exc_info=True)
            self._recorder = None

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self._record("node_started", node.name)

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        self._record("node_finished", node.name)

    @hook_impl
    def on_node_error(self, node: Any) -> None:
        self._record("node_finished", node.name, True)

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str, data: Any, node: Any) -> None:
        self._record("dataset_loaded", dataset_name, getattr(node, "name", None), data)

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any, node: Any) -> None:
        self._record("dataset_saved", dataset_name, getattr(node, "name", None), data)

    @hook_impl
    def after_pipeline_run(self, catalog: Any) -> None:
        self._write(catalog, status="completed")

    @hook_impl
    def on_pipeline_error(self, error: BaseException, catalog: Any) -> None:
        self._write(catalog, status="failed", error=error)

    def _write(self, catalog: Any, *, status: str, error: BaseException | None = None) -> None:
        from dp_instructions.audit.manifest import MANIFEST_DATASET

        recorder, self._recorder = self._recorder, None
        if recorder is None or MANIFEST_DATASET not in catalog:
            return
        try:
            manifest = recorder.finish(status=status, error=error)
            catalog.save(MANIFEST_DATASET, manifest)
            logger.info("run manifest of %s written (%s)", manifest["run_id"], status)
        except Exception:  # noqa: BLE001 - the run's outcome stands; say why there is no manifest
            logger.exception("could not write the run manifest of this run")
