"""Kedro project settings for dp-instructions.

See https://docs.kedro.org/en/stable/configure/configuration_basics/ for the options.
"""

from kedro.config import OmegaConfigLoader  # noqa: F401  (the default, named for readers)

from dp_instructions.hooks import PrivacyHooks, RunManifestHooks

# Hooks are executed in a Last-In-First-Out (LIFO) order.
# PrivacyHooks: privacy boundary check before every run; run id for the privacy ledger.
HOOKS: tuple = (PrivacyHooks(), RunManifestHooks())

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # An environment (conf/local, conf/paper) overrides single keys of a pipeline's
    # parameters instead of replacing the whole `<pipeline>:` block.
    "merge_strategy": {"parameters": "soft", "globals": "soft"},
}
