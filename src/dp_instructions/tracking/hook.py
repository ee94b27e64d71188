"""``RunTrackingHook``: kedro-mlflow's hook, set up for this project, plus what the project
logs into each run (:mod:`dp_instructions.tracking`).

Registered in ``settings.HOOKS`` in place of kedro-mlflow's auto-registered hook
(``DISABLE_HOOKS_FOR_PLUGINS``), so that (1) ``run_tracking.yml: enabled: false`` turns
tracking off entirely, (2) the default store is a SQLite database and an artifact folder
under the project (``data/10_tracking``: MLflow 3 refuses the old ``./mlruns`` file store,
and a path relative to the working directory would scatter runs), and (3) the project's
metrics, artifacts and model are logged before kedro-mlflow closes the run.

Tracking never fails a run that worked: if logging fails (a tracking server down), the
run's outputs stand and the error is logged. A store that cannot be opened when the run
starts stops it before any node runs, as kedro-mlflow does.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from typing import Any

from kedro.config import MissingConfigException
from kedro.framework.hooks import hook_impl
from kedro_mlflow.framework.hooks.mlflow_hook import MlflowHook
from pydantic import BaseModel as PydanticModel
from pydantic import ValidationError

from dp_instructions.audit.manifest import MANIFEST_DATASET
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy.boundary import LEDGER_DATASET
from dp_instructions.tracking.metrics import EXTRACTORS, epsilon_metrics, timing_metrics
from dp_instructions.tracking.run_log import RELEASABLE, PrivacyCheckedRun
from dp_instructions.tracking.settings import CONFIG_KEY, CONFIG_PATTERNS, TrackingSettings, default_store_uri

__all__ = ["RunTrackingHook"]

log = logging.getLogger(__name__)

GENERATOR_DATASETS = ("dp_generator",)


def _load_config(context: Any, key: str, patterns: list[str]) -> dict[str, Any]:
    loader = context.config_loader
    if key not in loader.config_patterns:
        loader.config_patterns.update({key: patterns})
    try:
        return dict(loader[key] or {})
    except MissingConfigException:
        return {}


#: Set by ``mlflow.set_tracking_uri`` / ``set_registry_uri`` for subprocesses; kept as the
#: user left them, so that the next session in this process (a notebook, a test) does not
#: take the last project's store for a setting of the user's.
URI_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


@contextmanager
def _environment(tracking_uri: str | None):
    """``MLFLOW_TRACKING_URI`` set to ``tracking_uri`` (when given) inside; both URI
    variables as they were outside."""
    before = {name: os.environ.get(name) for name in URI_VARIABLES}
    if tracking_uri is not None:
        os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class RunTrackingHook(MlflowHook):
    """kedro-mlflow's ``MlflowHook`` with the project's defaults and logging."""

    def __init__(self) -> None:
        super().__init__()
        self.settings = TrackingSettings()
        self._active = False
        self._conf_catalog: dict[str, Any] = {}
        self._run: PrivacyCheckedRun | None = None
        self._node_started: dict[str, float] = {}
        self._node_seconds: dict[str, float] = {}
        self._run_started = 0.0

    # -- set-up ----------------------------------------------------------------------------

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        try:
            self.settings = TrackingSettings.model_validate(_load_config(context, CONFIG_KEY, CONFIG_PATTERNS))
        except ValidationError as exc:
            raise InvalidInputError(f"{CONFIG_KEY}.yml (conf/<env>/): {exc}") from exc
        self._active = self.settings.enabled
        if not self._active:
            log.info("run tracking is off (run_tracking.yml: enabled: false)")
            return
        conf = _load_config(context, "mlflow", ["mlflow*", "mlflow*/**", "**/mlflow*"])
        configured = (conf.get("server") or {}).get("mlflow_tracking_uri") or os.environ.get("MLFLOW_TRACKING_URI")
        default_uri = None
        if not configured:
            default_uri, artifacts = default_store_uri(context.project_path, self.settings.local_store)
            self._create_experiment(default_uri, artifacts, conf, context)
        with _environment(default_uri):
            super().after_context_created(context)

    @staticmethod
    def _create_experiment(uri: str, artifacts: str, conf: dict[str, Any], context: Any) -> None:
        """The experiment with its artifacts next to the database (kedro-mlflow would
        leave them where the working directory happens to be)."""
        from mlflow import MlflowClient

        name = ((conf.get("tracking") or {}).get("experiment") or {}).get("name") or context._package_name
        name = name or "dp_instructions"
        client = MlflowClient(tracking_uri=uri)
        if client.get_experiment_by_name(name) is None:
            client.create_experiment(name, artifact_location=artifacts)

    @hook_impl
    def after_catalog_created(  # noqa: PLR0913 - the hook's specification
        self,
        catalog: Any,
        conf_catalog: dict[str, Any],
        conf_creds: dict[str, Any],
        parameters: dict[str, Any],
        save_version: str,
        load_versions: dict[str, str],
    ) -> None:
        if not self._active:
            return
        self._conf_catalog = dict(conf_catalog or {})
        super().after_catalog_created(catalog, conf_catalog, conf_creds, parameters, save_version, load_versions)

    # -- the run ---------------------------------------------------------------------------

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        if not self._active:
            return
        super().before_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)
        self._run = None
        self._node_started, self._node_seconds = {}, {}
        self._run_started = time.perf_counter()
        if not self._is_mlflow_enabled or self.run_id is None:
            return
        config = self.mlflow_config
        uri = config.server.mlflow_tracking_uri
        self._run = PrivacyCheckedRun(config.server._mlflow_client, self.run_id, self._conf_catalog, self.settings, uri)
        self._guard(
            "tag the run",
            lambda: self._run.client.log_batch(
                self.run_id,
                tags=_tags(
                    {
                        "kedro_run_id": run_params.get("run_id") or "",
                        "dp.private_aggregates": "logged" if self._run.private_aggregates_allowed else "not logged",
                    }
                ),
            ),
        )

    @hook_impl
    def before_node_run(self, node: Any, catalog: Any, inputs: dict[str, Any], is_async: bool) -> None:
        if not self._active:
            return
        # Typed parameters reach the node as Pydantic models: logged leaf by leaf as plain data.
        plain = {k: v.model_dump(mode="json") if isinstance(v, PydanticModel) else v for k, v in inputs.items()}
        super().before_node_run(node=node, catalog=catalog, inputs=plain, is_async=is_async)
        self._node_started[node.name] = time.perf_counter()

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        started = self._node_started.pop(getattr(node, "name", ""), None)
        if self._active and started is not None:
            self._node_seconds[node.name] = time.perf_counter() - started

    @hook_impl
    def after_dataset_saved(self, dataset_name: str, data: Any) -> None:
        run = self._run
        if run is None:
            return
        if dataset_name in EXTRACTORS and isinstance(data, dict):
            self._guard(
                f"log the metrics of {dataset_name}",
                lambda: run.log_metrics(dataset_name, EXTRACTORS[dataset_name](data)),
            )
        if dataset_name in GENERATOR_DATASETS:
            # Logged at once: holding the model until the run ends would keep it in memory.
            if self.settings.log_generator_model:
                self._guard(f"log the model {dataset_name}", lambda: run.log_dp_generator(dataset_name, data))
        elif run.layer_of(dataset_name) in ("reporting", "privacy") and run.privacy_of(dataset_name) in RELEASABLE:
            self._guard(f"log {dataset_name}", lambda: run.log_dataset_artifact(dataset_name, data))

    @hook_impl
    def after_pipeline_run(self, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        if not self._active:
            return
        run, self._run = self._run, None
        if run is not None:
            self._log_end_of_run(run, catalog, run_params.get("run_id"))
        super().after_pipeline_run(run_params=run_params, pipeline=pipeline, catalog=catalog)
        self._leave_no_active_run()

    @hook_impl
    def on_pipeline_error(self, error: Exception, run_params: dict[str, Any], pipeline: Any, catalog: Any) -> None:
        if not self._active:
            return
        run, self._run = self._run, None
        if run is not None:
            self._guard("log the timings", lambda: run.log_timing(timing_metrics(self._node_seconds, self._elapsed())))
        super().on_pipeline_error(error=error, run_params=run_params, pipeline=pipeline, catalog=catalog)

    # -- helpers ---------------------------------------------------------------------------

    def _leave_no_active_run(self) -> None:
        """With ``run.nested: true`` kedro-mlflow's per-node re-opening stacks the run on
        MLflow's active-run stack; a later session in this process must not log into it."""
        import mlflow

        if self._already_active_mlflow or self.run_id is None:
            return
        while (active := mlflow.active_run()) is not None and active.info.run_id == self.run_id:
            mlflow.end_run()

    def _elapsed(self) -> float:
        return time.perf_counter() - self._run_started

    def _log_end_of_run(self, run: PrivacyCheckedRun, catalog: Any, kedro_run_id: str | None) -> None:
        if MANIFEST_DATASET in catalog:

            def manifest() -> None:
                written = catalog.load(MANIFEST_DATASET)  # the newest version: this run's, unless another ended since
                if written.get("run_id") == kedro_run_id:
                    run.log_dataset_artifact(MANIFEST_DATASET, written)

            self._guard("log the run manifest", manifest)
        self._guard("log the timings", lambda: run.log_timing(timing_metrics(self._node_seconds, self._elapsed())))
        if LEDGER_DATASET in catalog:

            def epsilons() -> None:
                ledger = catalog.load(LEDGER_DATASET)
                run.log_metrics(LEDGER_DATASET, epsilon_metrics(ledger.accounts(), ledger.uses))

            self._guard("log epsilon per dataset", epsilons)
        if run.private_aggregates_skipped:
            self._guard(
                "tag the skipped private aggregates",
                lambda: run.client.log_batch(
                    run.run_id,
                    tags=_tags({"dp.private_aggregates_skipped": ", ".join(run.private_aggregates_skipped)[:4900]}),
                ),
            )

    @staticmethod
    def _guard(what: str, action: Any) -> None:
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - tracking never fails a run that worked
            from dp_instructions.exceptions import PrivacyBoundaryError

            if isinstance(exc, PrivacyBoundaryError):
                raise
            log.error(
                "run tracking: could not %s (%s: %s); the run's outputs are unaffected", what, type(exc).__name__, exc
            )


def _tags(values: dict[str, str]) -> list[Any]:
    from mlflow.entities import RunTag

    return [RunTag(k, v) for k, v in values.items()]
