"""data_cleansing: raw conversations -> instructions_train / _val / _test (paper, Appendix E)."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.data_cleansing import nodes

P = "params:data_cleansing"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(nodes.extract_first_user_turns, ["raw_conversations", P],
                 ["cleansing_extracted", "dropped_extract", "cleansing_input_rows"],
                 name="extract_first_user_turns"),
            Node(nodes.keep_language, ["cleansing_extracted", P], ["cleansing_in_language", "dropped_language"],
                 name="keep_language"),
            Node(nodes.drop_flagged_and_redacted, "cleansing_in_language", ["cleansing_moderated", "dropped_moderation"],
                 name="drop_flagged_and_redacted"),
            Node(nodes.drop_exact_duplicates, "cleansing_moderated", ["cleansing_unique", "dropped_exact"],
                 name="drop_exact_duplicates"),
            Node(nodes.drop_ngram_duplicates, ["cleansing_unique", P], ["cleansing_ngram_unique", "dropped_ngram"],
                 name="drop_ngram_duplicates"),
            Node(nodes.decontaminate, ["cleansing_ngram_unique", "eval_reference_instructions", P],
                 ["cleansing_decontaminated", "dropped_decontamination"], name="decontaminate"),
            Node(nodes.drop_template_floods, ["cleansing_decontaminated", P],
                 ["cleansing_cleaned", "dropped_template_floods", "cleansing_flood_findings"],
                 name="drop_template_floods"),
            Node(nodes.split_instructions, ["cleansing_cleaned", P, "params:seed"],
                 ["instructions_train", "instructions_val", "instructions_test"], name="split_instructions"),
            Node(nodes.collect_dropped,
                 ["dropped_extract", "dropped_language", "dropped_moderation", "dropped_exact", "dropped_ngram",
                  "dropped_decontamination", "dropped_template_floods"],
                 "cleansing_dropped", name="collect_dropped"),
            Node(nodes.build_cleansing_report,
                 ["cleansing_input_rows", "cleansing_dropped", "instructions_train", "instructions_val",
                  "instructions_test", "cleansing_flood_findings"],
                 ["cleansing_report", "cleansing_funnel_plot"], name="build_cleansing_report"),
            Node(nodes.build_pii_report, ["instructions_train", P], "pii_report", name="build_pii_report"),
        ],
        tags=["data_cleansing"],
    )
