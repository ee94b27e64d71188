"""dp_generation: public_pretraining_corpus (+ public_instructions) -> public base model (-> public_only_samples, the
evaluation's baseline); instructions_train -> (DP) -> dp_generator -> synthetic_initial."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.dp_generation import nodes
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET

P = "params:dp_generation"
SEED = "params:seed"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=nodes.collect_public_pretraining_texts,
                inputs=["public_pretraining_corpus", "public_instructions", P],
                outputs="public_pretraining_texts",
                name="collect_public_pretraining_texts",
            ),
            Node(
                func=nodes.build_public_tokenizer,
                inputs=["public_pretraining_texts", P],
                outputs="public_tokenizer",
                name="build_public_tokenizer",
            ),
            Node(
                func=nodes.build_public_base_model,
                inputs=["public_pretraining_texts", "public_tokenizer", "earlier_public_base_models", P, SEED],
                outputs="public_base_model",
                name="build_public_base_model",
            ),
            # The "public only" baseline of the evaluation: reads the public model and
            # tokenizer alone, so it neither waits for nor delays the DP training.
            Node(
                func=nodes.sample_public_base_model,
                inputs=["public_base_model", "public_tokenizer", P, SEED],
                outputs=["public_only_samples", "public_only_sampling_report"],
                name="sample_public_base_model",
            ),
            Node(
                func=nodes.prepare_training_data,
                inputs=["instructions_train", P, SEED],
                outputs=["dp_training_instructions", "canaries"],
                name="prepare_training_data",
            ),
            Node(
                func=nodes.train_dp_generator,
                inputs=[
                    "public_base_model",
                    "public_tokenizer",
                    "dp_training_instructions",
                    "instructions_train",
                    LEDGER_DATASET,
                    P,
                    "params:privacy",
                    SEED,
                ],
                outputs=["dp_generator", "dp_training_report"],
                name="train_dp_generator",
                tags=[DP_MECHANISM_TAG],
            ),
            Node(
                func=nodes.sample_synthetic_instructions,
                inputs=["dp_generator", P, SEED],
                outputs=["synthetic_initial", "sampling_report"],
                name="sample_synthetic_instructions",
            ),
        ],
        tags=["dp_generation"],
    )
