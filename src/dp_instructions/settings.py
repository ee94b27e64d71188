"""Kedro project settings for dp-instructions.

See https://docs.kedro.org/en/stable/configure/configuration_basics/ for the options.
"""

from kedro.config import OmegaConfigLoader  # noqa: F401  (the default, named for readers)

from dp_instructions.hooks import PrivacyHooks, RunManifestHooks
from dp_instructions.tracking.hook import RunTrackingHook

# Hooks are executed in a Last-In-First-Out (LIFO) order.
# PrivacyHooks: privacy boundary check before every run; run id for the privacy ledger.
# RunTrackingHook: kedro-mlflow's hook with the project's store and logging
# (dp_instructions.tracking), registered here instead of by the plugin itself; before
# RunManifestHooks, so the manifest is written before the MLflow run that logs it closes.
HOOKS: tuple = (PrivacyHooks(), RunTrackingHook(), RunManifestHooks())
DISABLE_HOOKS_FOR_PLUGINS = ("kedro-mlflow", "kedro_mlflow")

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # An environment (conf/local, conf/paper) overrides single keys of a pipeline's
    # parameters instead of replacing the whole `<pipeline>:` block.
    "merge_strategy": {"parameters": "soft", "globals": "soft"},
}
