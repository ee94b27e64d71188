"""The same trainer as dp_generation with DP off, on the same data and canaries, and the
same `params:dp_generation`. Its output is private and must never reach a dp_release
dataset (the boundary check enforces it)."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.memorisation_control import nodes


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=nodes.train_nonprivate_control,
                inputs=[
                    "public_base_model",
                    "public_tokenizer",
                    "instructions_train",
                    "canaries",
                    "params:dp_generation",
                    "params:seed",
                ],
                outputs=["nonprivate_control_generator", "nonprivate_control_report"],
                name="train_nonprivate_control",
            ),
        ],
        tags=["memorisation_control"],
    )
