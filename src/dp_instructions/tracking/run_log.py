"""The one writer of this project's metrics, artifacts and models into an MLflow run.

Every call names the catalog dataset a value comes from; its privacy class (from the
catalog configuration, as the boundary check reads it) decides:

- artifacts and models: ``public`` and ``dp_release`` only; anything else (``private``, an
  unclassified or in-memory dataset) raises :class:`PrivacyBoundaryError`;
- metrics: ``public`` and ``dp_release`` always; ``private`` (a scalar of private data
  without a DP mechanism) only when the settings allow private aggregates for this store,
  else skipped and counted in the run's ``dp.private_aggregates`` tag.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from dp_instructions.exceptions import PrivacyBoundaryError
from dp_instructions.privacy.boundary import DP_RELEASE, PUBLIC, _Classifier
from dp_instructions.tracking.settings import PrivateAggregates, TrackingSettings, is_local_store

__all__ = ["PrivacyCheckedRun", "metric_key"]

log = logging.getLogger(__name__)

RELEASABLE = (PUBLIC, DP_RELEASE)
_KEY_CHARS = re.compile(r"[^\w\-. /]")


def metric_key(*parts: Any) -> str:
    """An MLflow metric name from ``parts`` (characters MLflow refuses become ``_``)."""
    return ".".join(_KEY_CHARS.sub("_", str(p)) for p in parts if p is not None and str(p) != "")


class PrivacyCheckedRun:
    """Logs into MLflow run ``run_id`` through ``client`` (an ``MlflowClient``)."""

    def __init__(
        self, client: Any, run_id: str, catalog_config: Mapping[str, Any], settings: TrackingSettings, tracking_uri: str
    ):
        self.client = client
        self.run_id = run_id
        self.settings = settings
        self.tracking_uri = tracking_uri
        self._classifier = _Classifier(catalog_config)
        policy = settings.private_aggregates
        self.private_aggregates_allowed = policy == PrivateAggregates.always or (
            policy == PrivateAggregates.local_store_only and is_local_store(tracking_uri)
        )
        self.private_aggregates_skipped: list[str] = []
        self.logged_artifacts: list[str] = []

    # -- classes --------------------------------------------------------------------------

    def privacy_of(self, dataset: str) -> str | None:
        status, cls, _ = self._classifier.classify(dataset)
        return cls if status == "classified" else None

    def layer_of(self, dataset: str) -> str | None:
        found = self._classifier.entry(dataset)
        if found is None or not isinstance(found[1], Mapping):
            return None
        viz = (found[1].get("metadata") or {}).get("kedro-viz") or {}
        return viz.get("layer") if isinstance(viz, Mapping) else None

    def _require_releasable(self, dataset: str, what: str) -> str:
        cls = self.privacy_of(dataset)
        if cls not in RELEASABLE:
            raise PrivacyBoundaryError(
                f"run tracking: refusing to log {what} of dataset {dataset!r} (privacy class {cls or 'none'}); only "
                f"{' and '.join(RELEASABLE)} datasets may leave the run as artifacts or models"
            )
        return cls

    # -- metrics ---------------------------------------------------------------------------

    def log_metrics(self, dataset: str, metrics: Mapping[str, float], step: int = 0) -> int:
        """Log ``metrics`` computed from ``dataset``; returns how many were logged."""
        values = {k: float(v) for k, v in metrics.items() if v is not None and math.isfinite(float(v))}
        if not values:
            return 0
        cls = self.privacy_of(dataset)
        if cls not in RELEASABLE and not self.private_aggregates_allowed:
            self.private_aggregates_skipped.extend(sorted(values))
            log.info(
                "run tracking: %d metrics of %s (%s) not logged: private aggregates go to local stores only",
                len(values),
                dataset,
                cls or "unclassified",
            )
            return 0
        self._log_batch(values, step)
        return len(values)

    def log_timing(self, metrics: Mapping[str, float]) -> None:
        """Wall times (not data): logged as they are."""
        self._log_batch({k: float(v) for k, v in metrics.items()}, 0)

    def _log_batch(self, values: Mapping[str, float], step: int) -> None:
        from mlflow.entities import Metric
        from mlflow.utils.time import get_current_time_millis

        now = get_current_time_millis()
        self.client.log_batch(self.run_id, metrics=[Metric(k, v, now, step) for k, v in sorted(values.items())])

    # -- artifacts -------------------------------------------------------------------------

    def log_dataset_artifact(self, dataset: str, data: Any) -> str | None:
        """Log a saved report (JSON-ready dict/list, text, matplotlib figure) of a public or
        dp_release dataset under ``<layer>/``; returns the artifact path (None: a type this
        writer does not log)."""
        self._require_releasable(dataset, "the contents")
        folder = self.layer_of(dataset) or "datasets"
        if isinstance(data, Mapping | list):
            path = f"{folder}/{dataset}.json"
            self.client.log_text(self.run_id, json.dumps(data, indent=1, sort_keys=True, default=str), path)
        elif isinstance(data, str):
            suffix = ".html" if data.lstrip().lower().startswith(("<!doctype html", "<html")) else ".md"
            path = f"{folder}/{dataset}{suffix}"
            self.client.log_text(self.run_id, data, path)
        elif hasattr(data, "savefig"):
            path = f"{folder}/{dataset}.png"
            self.client.log_figure(self.run_id, data, path, save_kwargs={"dpi": 120})
        else:
            return None
        self.logged_artifacts.append(path)
        return path

    def log_dp_generator(self, dataset: str, artifact: Any) -> str:
        """The DP generator of ``dataset`` as an MLflow model; returns its model id."""
        self._require_releasable(dataset, "the model")
        from dp_instructions.tracking.dp_generator_model import log_generator_model

        return log_generator_model(self.run_id, artifact, name=dataset)
