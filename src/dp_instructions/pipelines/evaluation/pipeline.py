"""evaluation: MAUVE, the K x sigma resampling sweep, the canary audit, the privacy
report and one HTML report (paper, Table 1, Figures 4-6, Table 3, Appendix F.4).

Everything here reads private data (the test split, the validation voters, the
canaries) and writes internal reports classed `private`, so the boundary check keeps
them away from `alignment`. The only node that lets anything out is the sweep's release
of noisy histograms, tagged `dp_mechanism` and charged to the privacy ledger.
"""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.evaluation import nodes
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET

P = "params:evaluation"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(nodes.embed_initial_pool, ["synthetic_initial", P, "params:seed"], "evaluation_initial_pool",
                 name="embed_initial_pool"),
            Node(nodes.embed_comparison_sets,
                 ["instructions_test", "instructions_train", "public_instructions", "synthetic_resampled",
                  "evaluation_initial_pool", P, "params:seed"],
                 "evaluation_embeddings", name="embed_comparison_sets"),
            Node(nodes.compute_mauve_scores, ["evaluation_embeddings", P],
                 ["mauve_scores", "mauve_scores_table", "mauve_scores_plot"], name="compute_mauve_scores"),
            Node(nodes.cluster_synthetic_for_sweep, ["synthetic_initial", P, "params:resampling", "params:seed"],
                 "sweep_clusterings", name="cluster_synthetic_for_sweep"),
            Node(nodes.release_sweep_histograms,
                 ["sweep_clusterings", "instructions_val", "released_sweep_histograms", LEDGER_DATASET, P,
                  "params:privacy"],
                 "resampling_sweep_histograms", name="release_sweep_histograms", tags=[DP_MECHANISM_TAG]),
            Node(nodes.score_resampling_sweep,
                 ["resampling_sweep_histograms", "sweep_clusterings", "evaluation_embeddings", P,
                  "params:resampling", "params:seed"],
                 ["resampling_sweep", "resampling_sweep_mauve_plot", "resampling_sweep_samples_plot"],
                 name="score_resampling_sweep"),
            Node(nodes.audit_canaries,
                 ["canaries", "dp_generator", "nonprivate_control_generator_if_built", "synthetic_initial", P],
                 "canary_audit", name="audit_canaries"),
            Node(nodes.build_privacy_report, [LEDGER_DATASET, "resampling_sweep_histograms", "resampling_report"],
                 "privacy_report",
                 name="build_privacy_report"),
            Node(nodes.build_evaluation_report,
                 ["mauve_scores", "resampling_sweep", "canary_audit", "privacy_report", "resampling_report"],
                 "evaluation_report",
                 name="build_evaluation_report"),
        ],
        tags=["evaluation"],
    )
