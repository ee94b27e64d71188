"""resampling: the released synthetic set + the private train split -> a synthetic set
resampled to the real cluster distribution by a DP histogram (paper, Algorithm 2)."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.resampling import nodes
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET

P = "params:resampling"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(nodes.validate_resampling_inputs, ["synthetic_initial", P], "resampling_plan",
                 name="validate_resampling_inputs"),
            Node(nodes.embed_synthetic_instructions, ["synthetic_initial", "resampling_plan"],
                 "synthetic_embeddings", name="embed_synthetic_instructions"),
            Node(nodes.cluster_synthetic_instructions, ["synthetic_embeddings", "resampling_plan", "params:seed"],
                 "synthetic_clustering", name="cluster_synthetic_instructions"),
            Node(nodes.prepare_histogram_release,
                 ["instructions_train", "synthetic_clustering", "released_histograms", "resampling_plan",
                  "params:privacy"],
                 "histogram_request", name="prepare_histogram_release"),
            Node(nodes.embed_real_instructions, ["instructions_train", "histogram_request", "resampling_plan"],
                 "real_embeddings", name="embed_real_instructions"),
            Node(nodes.release_noisy_histogram,
                 ["real_embeddings", "histogram_request", "synthetic_clustering", LEDGER_DATASET, "resampling_plan"],
                 ["dp_histogram", "histogram_release_status"], name="release_noisy_histogram",
                 tags=[DP_MECHANISM_TAG]),
            Node(nodes.compute_cluster_targets, ["dp_histogram", "synthetic_clustering", "resampling_plan"],
                 "resampling_targets", name="compute_cluster_targets"),
            Node(nodes.resample_synthetic_instructions,
                 ["synthetic_initial", "synthetic_clustering", "resampling_targets", "resampling_plan", "params:seed"],
                 "synthetic_resampled", name="resample_synthetic_instructions"),
            Node(nodes.report_resampling,
                 ["dp_histogram", "histogram_release_status", "synthetic_clustering", "resampling_targets",
                  "synthetic_resampled", "resampling_plan"],
                 ["resampling_report", "resampling_density_plot"], name="report_resampling"),
        ],
        tags=["resampling"],
    )
