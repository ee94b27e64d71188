"""data_cleansing: raw conversations -> instructions_train / _val / _test (paper, Appendix E)."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.data_cleansing import nodes

P = "params:data_cleansing"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=nodes.extract_first_user_turns,
                inputs=["raw_conversations", P],
                outputs=["cleansing_extracted", "dropped_extract", "cleansing_input_rows"],
                name="extract_first_user_turns",
            ),
            Node(
                func=nodes.keep_language,
                inputs=["cleansing_extracted", P],
                outputs=["cleansing_in_language", "dropped_language"],
                name="keep_language",
            ),
            Node(
                func=nodes.drop_flagged_and_redacted,
                inputs="cleansing_in_language",
                outputs=["cleansing_moderated", "dropped_moderation"],
                name="drop_flagged_and_redacted",
            ),
            Node(
                func=nodes.drop_exact_duplicates,
                inputs="cleansing_moderated",
                outputs=["cleansing_unique", "dropped_exact"],
                name="drop_exact_duplicates",
            ),
            Node(
                func=nodes.drop_ngram_duplicates,
                inputs=["cleansing_unique", P],
                outputs=["cleansing_ngram_unique", "dropped_ngram"],
                name="drop_ngram_duplicates",
            ),
            Node(
                func=nodes.decontaminate,
                inputs=["cleansing_ngram_unique", "eval_reference_instructions", P],
                outputs=["cleansing_decontaminated", "dropped_decontamination"],
                name="decontaminate",
            ),
            Node(
                func=nodes.drop_template_floods,
                inputs=["cleansing_decontaminated", P],
                outputs=["cleansing_cleaned", "dropped_template_floods", "cleansing_flood_findings"],
                name="drop_template_floods",
            ),
            Node(
                func=nodes.split_instructions,
                inputs=["cleansing_cleaned", P, "params:seed"],
                outputs=["instructions_train", "instructions_val", "instructions_test"],
                name="split_instructions",
            ),
            Node(
                func=nodes.collect_dropped,
                inputs=[
                    "dropped_extract",
                    "dropped_language",
                    "dropped_moderation",
                    "dropped_exact",
                    "dropped_ngram",
                    "dropped_decontamination",
                    "dropped_template_floods",
                ],
                outputs="cleansing_dropped",
                name="collect_dropped",
            ),
            Node(
                func=nodes.build_cleansing_report,
                inputs=[
                    "cleansing_input_rows",
                    "cleansing_dropped",
                    "instructions_train",
                    "instructions_val",
                    "instructions_test",
                    "cleansing_flood_findings",
                ],
                outputs=["cleansing_report", "cleansing_funnel_plot"],
                name="build_cleansing_report",
            ),
            Node(
                func=nodes.build_pii_report,
                inputs=["instructions_train", P],
                outputs="pii_report",
                name="build_pii_report",
            ),
        ],
        tags=["data_cleansing"],
    )
