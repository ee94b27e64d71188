"""``params:privacy`` as a typed model: defaults, refusals, and the YAML that overrides."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dp_instructions.privacy.parameters import PrivacyParameters
from tests.conf_parameters import env_parameters


def test_defaults_are_the_embedded_run_values():
    assert PrivacyParameters().model_dump() == {
        "epsilon": 6.0,
        "delta": None,
        "histogram_noise_multiplier": 10.0,
        "noise_seed": None,
    }


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"epsilon": 0}, "epsilon"),
        ({"epsilon": float("inf")}, "epsilon"),
        ({"epsilon": True}, "epsilon"),
        ({"epsilon": "6"}, "epsilon"),
        ({"delta": 1.0}, "delta"),
        ({"histogram_noise_multiplier": -1.0}, "histogram_noise_multiplier"),
        ({"noise_seed": 1.5}, "noise_seed"),
        ({"noise_sed": 1}, "noise_sed"),
    ],
)
def test_a_bad_value_or_a_misspelt_key_names_the_key(raw, key):
    with pytest.raises(ValidationError, match=key):
        PrivacyParameters.model_validate(raw)


@pytest.mark.parametrize("env", ["local", "paper"])
def test_every_environment_validates(env):
    PrivacyParameters.model_validate(env_parameters(env)["privacy"])


def test_the_base_file_only_overrides():
    import yaml

    from tests.conf_parameters import ROOT, restated_defaults

    written = yaml.safe_load((ROOT / "conf/base/parameters.yml").read_text())["privacy"] or {}
    assert restated_defaults(written, PrivacyParameters().model_dump()) == []
