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
            Node(
                func=nodes.embed_initial_pool,
                inputs=["synthetic_initial", P, "params:seed"],
                outputs="evaluation_initial_pool",
                name="embed_initial_pool",
            ),
            Node(
                func=nodes.embed_comparison_sets,
                inputs=[
                    "instructions_test",
                    "instructions_train",
                    "public_instructions",
                    "public_only_samples",
                    "synthetic_resampled",
                    "evaluation_initial_pool",
                    P,
                    "params:seed",
                ],
                outputs="evaluation_embeddings",
                name="embed_comparison_sets",
            ),
            Node(
                func=nodes.compute_mauve_scores,
                inputs=["evaluation_embeddings", P],
                outputs=["mauve_scores", "mauve_scores_table", "mauve_scores_plot"],
                name="compute_mauve_scores",
            ),
            Node(
                func=nodes.cluster_synthetic_for_sweep,
                inputs=["synthetic_initial", P, "params:resampling", "params:seed"],
                outputs="sweep_clusterings",
                name="cluster_synthetic_for_sweep",
            ),
            Node(
                func=nodes.release_sweep_histograms,
                inputs=[
                    "sweep_clusterings",
                    "instructions_val",
                    "released_sweep_histograms",
                    LEDGER_DATASET,
                    P,
                    "params:privacy",
                ],
                outputs="resampling_sweep_histograms",
                name="release_sweep_histograms",
                tags=[DP_MECHANISM_TAG],
            ),
            Node(
                func=nodes.score_resampling_sweep,
                inputs=[
                    "resampling_sweep_histograms",
                    "sweep_clusterings",
                    "evaluation_embeddings",
                    P,
                    "params:resampling",
                    "params:seed",
                ],
                outputs=["resampling_sweep", "resampling_sweep_mauve_plot", "resampling_sweep_samples_plot"],
                name="score_resampling_sweep",
            ),
            Node(
                func=nodes.audit_canaries,
                inputs=["canaries", "dp_generator", "nonprivate_control_generator_if_built", "synthetic_initial", P],
                outputs="canary_audit",
                name="audit_canaries",
            ),
            Node(
                func=nodes.build_privacy_report,
                inputs=[LEDGER_DATASET, "resampling_sweep_histograms", "resampling_report"],
                outputs="privacy_report",
                name="build_privacy_report",
            ),
            Node(
                func=nodes.build_evaluation_report,
                inputs=["mauve_scores", "resampling_sweep", "canary_audit", "privacy_report", "resampling_report"],
                outputs="evaluation_report",
                name="build_evaluation_report",
            ),
        ],
        tags=["evaluation"],
    )
