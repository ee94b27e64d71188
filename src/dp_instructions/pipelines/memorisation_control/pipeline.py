"""The same trainer as dp_generation with DP off, on the same data and canaries. Its output
is private and must never reach a dp_release dataset (the boundary check enforces it)."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.dp_generation import nodes


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(nodes.train_nonprivate_control,
                 ["public_base_model", "public_tokenizer", "instructions_train", "canaries",
                  "params:dp_generation", "params:seed"],
                 ["nonprivate_control_generator", "nonprivate_control_report"],
                 name="train_nonprivate_control"),
        ],
        tags=["memorisation_control"],
    )
