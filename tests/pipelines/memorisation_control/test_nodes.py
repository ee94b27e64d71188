"""The memorisation_control pipeline runs its own node: the DP run's data and canaries,
the dp_generation settings, DP off."""

from __future__ import annotations

import polars as pl

from dp_instructions.models.artifact import BaseModel
from dp_instructions.models.canaries import CanaryParameters, make_canaries
from dp_instructions.models.parameters import DPGenerationParameters
from dp_instructions.pipelines.memorisation_control import create_pipeline, nodes
from tests.models.conftest import corpus


def test_the_pipeline_runs_the_node_of_its_own_package():
    [node] = create_pipeline().nodes
    assert node.func is nodes.train_nonprivate_control
    assert node.inputs == [
        "public_base_model",
        "public_tokenizer",
        "instructions_train",
        "canaries",
        "params:dp_generation",
        "params:seed",
    ]


def test_the_control_trains_on_the_data_and_canaries_without_dp(tiny_model, tiny_tokenizer):
    train = pl.DataFrame({"id": [f"r{i}" for i in range(60)], "text": corpus(60, seed=2)})
    canaries = make_canaries(CanaryParameters(repetitions=(1, 3), kinds=("phone",)))
    params = DPGenerationParameters.model_validate(
        {
            "device": "cpu",
            "training": {"epochs": 1, "expected_batch_size": 16, "physical_batch_size": 16, "max_length": 24},
        }
    )
    artifact, report = nodes.train_nonprivate_control(
        BaseModel(model=tiny_model), tiny_tokenizer, train, canaries, params, 5
    )
    assert report["training_examples"] == 60 + 1 + 3
    assert artifact.metadata["kind"] == "nonprivate_control" and artifact.metadata["private"] is False
    assert artifact.metadata["training"]["dp"] is False and artifact.metadata["training"]["seed"] == 5
    assert report["result"]["steps"] == artifact.metadata["training"]["steps"] > 0
