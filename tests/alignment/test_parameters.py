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
        ({"rl": {"method": "ppo"}}, "rl.method"),
        ({"rl": {"rloo": {"generations": 1}}}, "rl.rloo.generations"),
        (
            {
                "student": {"positions": 64},
                "win_rate": {"max_new_tokens": 32},
                "rl": {"preferences": {"max_new_tokens": 16}, "rloo": {"max_new_tokens": 64}},
            },
            "rl.rloo.max_new_tokens",
        ),
        ({"rl": {"reward_model": {"held_out": 0.5}}}, "held_out"),
    ],
)
def test_bad_keys_and_values_name_their_path(data, where):
    with pytest.raises(ValidationError, match=where):
        AlignmentParameters.model_validate(data)


def test_the_base_and_openai_environments_validate():
    from tests.conf_parameters import base_file, env_parameters

    base = AlignmentParameters.model_validate(base_file("alignment") or {})
    assert base == AlignmentParameters(rl={"method": "dpo"})  # the embedded demo's RLHF (README)
    openai = AlignmentParameters.model_validate(env_parameters("openai")["alignment"])
    assert openai == AlignmentParameters() and openai.rl.method == "rloo"


def test_the_paper_environment_validates():
    from tests.conf_parameters import env_parameters

    params = AlignmentParameters.model_validate(env_parameters("paper")["alignment"])
    assert params.rl.method == "rloo" and params.rl.preferences.max_prompts is None and params.student.lora
