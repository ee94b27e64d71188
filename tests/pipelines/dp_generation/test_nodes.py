"""dp_generation nodes: errors name the parameter at fault; sampling leaves torch's global
RNG alone."""

from __future__ import annotations

import pytest
import torch

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import GeneratorArtifact
from dp_instructions.models.parameters import DPGenerationParameters
from dp_instructions.pipelines.dp_generation.nodes import build_public_tokenizer, sample_synthetic_instructions


@pytest.mark.parametrize("base_model", ["/nonexistent/model/dir", "no-such-org/no-such-model"])
def test_a_base_model_that_cannot_be_loaded_names_the_parameter(base_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InvalidInputError, match="dp_generation.base_model"):
        build_public_tokenizer(None, DPGenerationParameters(base_model=base_model))


def test_the_sampling_node_is_seeded_by_the_run_and_leaves_the_global_rng_alone(tiny_model, tiny_tokenizer):
    params = DPGenerationParameters.model_validate(
        {"device": "cpu", "sampling": {"num_samples": 6, "batch_size": 3, "max_new_tokens": 8}}
    )
    artifact = GeneratorArtifact(model=tiny_model, tokenizer=tiny_tokenizer, metadata={})
    torch.manual_seed(0)
    before = torch.get_rng_state()
    frame, report = sample_synthetic_instructions(artifact, params, 3)
    assert torch.equal(torch.get_rng_state(), before)
    again, _ = sample_synthetic_instructions(artifact, params, 3)
    assert frame.equals(again) and report["sampling"]["seed"] == 3 and report["counts"]["generated"] == 6
