from __future__ import annotations

import pytest
from pydantic import ValidationError

from dp_instructions.alignment.parameters import AlignmentParameters


def test_defaults_give_the_generation_settings():
    params = AlignmentParameters()
    settings = params.teacher.generation.settings()
    assert settings.max_tokens == 96 and settings.temperature == 0.7 and settings.seed == 0
    assert params.teacher.cache_path.endswith(".sqlite")


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"teacher": {"concurency": 4}}, "concurency"),
        ({"teacher": {"generation": {"temperature": 3.0}}}, "temperature"),
        ({"teacher": {"max_retries": -1}}, "max_retries"),
        ({"annotation": {"max_instruction_chars": 0}}, "max_instruction_chars"),
    ],
)
def test_bad_keys_and_values_name_their_path(data, where):
    with pytest.raises(ValidationError, match=where):
        AlignmentParameters.model_validate(data)


def test_the_base_and_openai_environments_validate_to_the_defaults():
    from tests.conf_parameters import base_file, env_parameters

    assert AlignmentParameters.model_validate(base_file("alignment") or {}) == AlignmentParameters()
    assert AlignmentParameters.model_validate(env_parameters("openai")["alignment"]) == AlignmentParameters()
