"""Run tracking with MLflow through kedro-mlflow, inside the privacy boundary.

Every ``kedro run`` becomes an MLflow run (kedro-mlflow opens and closes it and logs the
node parameters). :class:`~dp_instructions.tracking.hook.RunTrackingHook` adds, through one
privacy-checked writer (:class:`~dp_instructions.tracking.run_log.PrivacyCheckedRun`):

- metrics: epsilon spent and left per private dataset (read from the privacy ledger), the
  win rates, the sampling and resampling figures, node and run timings, and MAUVE;
- artifacts: every reporting dataset of class ``public`` or ``dp_release`` that the run
  saved (JSON reports, tables, plots) and the run manifest;
- the DP generator as an MLflow model (:mod:`.dp_generator_model`) with its privacy
  metadata (epsilon, delta, noise, sampler, ledger release id).

Nothing of class ``private`` is ever logged as an artifact or a model. Scalars computed
from private data without a DP mechanism (MAUVE against the private test split) are
*private aggregates*: logged only where ``run_tracking.yml`` allows
(:mod:`.settings`; by default to a store on this machine, never to a tracking server).
"""

from dp_instructions.tracking.settings import TrackingSettings, is_local_store

__all__ = ["TrackingSettings", "is_local_store"]
