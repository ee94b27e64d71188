"""dp_generation nodes on bad input: errors name the parameter at fault."""

from __future__ import annotations

import pytest

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.pipelines.dp_generation.nodes import build_public_tokenizer


@pytest.mark.parametrize("base_model", ["/nonexistent/model/dir", "no-such-org/no-such-model"])
def test_a_base_model_that_cannot_be_loaded_names_the_parameter(base_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InvalidInputError, match="dp_generation.base_model"):
        build_public_tokenizer(None, {"base_model": base_model}, 0)


def test_unknown_parameters_are_named():
    with pytest.raises(InvalidInputError, match="sampling"):
        build_public_tokenizer(None, {"sampling": {"num_sample": 3}}, 0)
