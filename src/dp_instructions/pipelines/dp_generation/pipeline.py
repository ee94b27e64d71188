"""dp_generation: public_instructions -> public base model; instructions_train -> (DP) ->
dp_generator -> synthetic_initial."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.dp_generation import nodes
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET

P = "params:dp_generation"
SEED = "params:seed"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(nodes.build_public_tokenizer, ["public_instructions", P, SEED], "public_tokenizer",
                 name="build_public_tokenizer"),
            Node(nodes.build_public_base_model, ["public_instructions", "public_tokenizer", P, SEED],
                 "public_base_model", name="build_public_base_model"),
            Node(nodes.prepare_training_data, ["instructions_train", P, SEED],
                 ["dp_training_instructions", "canaries"], name="prepare_training_data"),
            Node(nodes.train_dp_generator,
                 ["public_base_model", "public_tokenizer", "dp_training_instructions", "instructions_train",
                  LEDGER_DATASET, P, "params:privacy", SEED],
                 ["dp_generator", "dp_training_report"], name="train_dp_generator", tags=[DP_MECHANISM_TAG]),
            Node(nodes.sample_synthetic_instructions, ["dp_generator", P, SEED],
                 ["synthetic_initial", "sampling_report"], name="sample_synthetic_instructions"),
        ],
        tags=["dp_generation"],
    )
