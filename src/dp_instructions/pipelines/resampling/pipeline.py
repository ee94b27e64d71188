"""resampling: the released synthetic set + the private train split -> a synthetic set
resampled to the real cluster distribution by a DP histogram (paper, Algorithm 2)."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.resampling import nodes
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET

P = "params:resampling"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=nodes.validate_resampling_inputs,
                inputs=["synthetic_initial", P],
                outputs="resampling_plan",
                name="validate_resampling_inputs",
            ),
            Node(
                func=nodes.embed_synthetic_instructions,
                inputs=["synthetic_initial", "resampling_plan"],
                outputs="synthetic_embeddings",
                name="embed_synthetic_instructions",
            ),
            Node(
                func=nodes.cluster_synthetic_instructions,
                inputs=["synthetic_embeddings", "resampling_plan", "params:seed"],
                outputs="synthetic_clustering",
                name="cluster_synthetic_instructions",
            ),
            Node(
                func=nodes.prepare_histogram_release,
                inputs=[
                    "instructions_train",
                    "synthetic_clustering",
                    "released_histograms",
                    "resampling_plan",
                    "params:privacy",
                ],
                outputs="histogram_request",
                name="prepare_histogram_release",
            ),
            Node(
                func=nodes.embed_real_instructions,
                inputs=["instructions_train", "histogram_request", "resampling_plan"],
                outputs="real_embeddings",
                name="embed_real_instructions",
            ),
            Node(
                func=nodes.release_noisy_histogram,
                inputs=[
                    "real_embeddings",
                    "histogram_request",
                    "synthetic_clustering",
                    LEDGER_DATASET,
                    "resampling_plan",
                ],
                outputs=["dp_histogram", "histogram_release_status"],
                name="release_noisy_histogram",
                tags=[DP_MECHANISM_TAG],
            ),
            Node(
                func=nodes.compute_cluster_targets,
                inputs=["dp_histogram", "synthetic_clustering", "resampling_plan"],
                outputs="resampling_targets",
                name="compute_cluster_targets",
            ),
            Node(
                func=nodes.resample_synthetic_instructions,
                inputs=[
                    "synthetic_initial",
                    "synthetic_clustering",
                    "resampling_targets",
                    "resampling_plan",
                    "params:seed",
                ],
                outputs="synthetic_resampled",
                name="resample_synthetic_instructions",
            ),
            Node(
                func=nodes.report_resampling,
                inputs=[
                    "dp_histogram",
                    "histogram_release_status",
                    "synthetic_clustering",
                    "resampling_targets",
                    "synthetic_resampled",
                    "resampling_plan",
                ],
                outputs=["resampling_report", "resampling_density_plot"],
                name="report_resampling",
            ),
        ],
        tags=["resampling"],
    )
