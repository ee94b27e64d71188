"""The parameters of a configuration environment as Kedro merges them (conf/base, then
the environment soft-merged over it), for the tests that validate conf/ through the
pipelines' parameter models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from kedro.config import OmegaConfigLoader

from dp_instructions.settings import CONFIG_LOADER_ARGS

ROOT = Path(__file__).resolve().parents[1]


def env_parameters(env: str) -> dict[str, Any]:
    """Every parameter of ``env`` (e.g. ``paper``) merged over conf/base, as `kedro run --env` sees them."""
    loader = OmegaConfigLoader(str(ROOT / "conf"), **{**CONFIG_LOADER_ARGS, "default_run_env": env})
    return dict(loader["parameters"])


def base_file(pipeline: str) -> dict[str, Any]:
    """The ``<pipeline>:`` block of conf/base/parameters_<pipeline>.yml as written."""
    return yaml.safe_load((ROOT / f"conf/base/parameters_{pipeline}.yml").read_text())[pipeline]


def restated_defaults(values: dict[str, Any], defaults: dict[str, Any], prefix: str = "") -> list[str]:
    """Keys whose value in ``values`` equals the model default (a YAML file that should only override)."""
    found = []
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(defaults.get(key), dict):
            found += restated_defaults(value, defaults[key], f"{prefix}{key}.")
        elif key in defaults and defaults[key] == value:
            found.append(f"{prefix}{key}")
    return found
