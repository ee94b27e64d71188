"""alignment (paper 4.3-4.4): annotation of the DP synthetic instructions (and of the
baselines' sets) by a teacher, with a Label Studio export for people; supervised
fine-tuning of one student per set; RLHF of the ``synthetic_resampled`` student (preference
pairs ranked by the judge, a reward model and RLOO, or DPO); win rates of every model on the
reference instructions, judged against the FLAN-like baseline. It reads only ``dp_release`` and ``public`` data; the boundary check
proves it reads nothing private.

Which teacher and judge answer is in the catalog (``teacher_endpoint``, ``judge_endpoint``);
an entry that names no model uses the embedded public teacher, built here from public data.
"""

from functools import partial, update_wrapper

from kedro.pipeline import Node, Pipeline

from dp_instructions.alignment.parameters import SOURCE_SETS
from dp_instructions.pipelines.alignment import nodes

P = "params:alignment"

STUDENTS = {source_set: f"student_{source_set}" for source_set in SOURCE_SETS}
"""The student dataset of each instruction set."""

RLHF_MODEL = "synthetic_resampled_rlhf"
"""The RLHF model's name in the win rates (its dataset: ``student_synthetic_resampled_rlhf``)."""


def _student_node(source_set: str) -> Node:
    func = update_wrapper(partial(nodes.fine_tune_student, source_set=source_set), nodes.fine_tune_student)
    return Node(
        func=func,
        inputs=["sft_dataset", "public_base_model", "public_tokenizer", P, "params:seed"],
        outputs=STUDENTS[source_set],
        name=f"fine_tune_{STUDENTS[source_set]}",
    )


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=nodes.build_embedded_teacher,
                inputs=[
                    "public_base_model",
                    "public_tokenizer",
                    "public_qa_corpus",
                    "earlier_embedded_teachers",
                    "teacher_endpoint",
                    "judge_endpoint",
                    P,
                    "params:seed",
                ],
                outputs="embedded_teacher",
                name="build_embedded_teacher",
            ),
            Node(
                func=nodes.build_annotation_requests,
                inputs=["synthetic_resampled", "synthetic_initial", "public_instructions", P, "params:seed"],
                outputs=["annotation_requests", "annotation_dropped"],
                name="build_annotation_requests",
            ),
            Node(
                func=nodes.export_label_studio_tasks,
                inputs="annotation_requests",
                outputs=["label_studio_tasks", "label_studio_config"],
                name="export_label_studio_tasks",
            ),
            Node(
                func=nodes.annotate_with_teacher,
                inputs=["annotation_requests", "teacher_endpoint", "embedded_teacher", P],
                outputs=["teacher_answers", "annotation_report"],
                name="annotate_with_teacher",
            ),
            Node(
                func=nodes.build_sft_dataset,
                inputs=["annotation_requests", "teacher_answers", P],
                outputs=["sft_dataset", "sft_not_used"],
                name="build_sft_dataset",
            ),
            *(_student_node(source_set) for source_set in SOURCE_SETS),
            Node(
                func=nodes.build_preference_pairs,
                inputs=[
                    "annotation_requests",
                    "student_synthetic_resampled",
                    "judge_endpoint",
                    "embedded_teacher",
                    P,
                    "params:seed",
                ],
                outputs=["preference_pairs", "preference_pairs_dropped"],
                name="build_preference_pairs",
            ),
            Node(
                func=nodes.train_reward_model,
                inputs=["preference_pairs", "student_synthetic_resampled", P, "params:seed"],
                outputs="reward_model",
                name="train_reward_model",
            ),
            Node(
                func=nodes.optimise_policy,
                inputs=[
                    "student_synthetic_resampled",
                    "reward_model",
                    "preference_pairs",
                    "preference_pairs_dropped",
                    "annotation_requests",
                    "judge_endpoint",
                    P,
                    "params:seed",
                ],
                outputs=["student_synthetic_resampled_rlhf", "rlhf_report"],
                name="optimise_policy",
            ),
            Node(
                func=nodes.answer_reference_instructions,
                inputs={"eval_reference_instructions": "eval_reference_instructions", "params": P}
                | {source_set: STUDENTS[source_set] for source_set in SOURCE_SETS}
                | {RLHF_MODEL: "student_synthetic_resampled_rlhf"},
                outputs="reference_answers",
                name="answer_reference_instructions",
            ),
            Node(
                func=nodes.judge_win_rates,
                inputs=["reference_answers", "judge_endpoint", "embedded_teacher", P, "params:seed"],
                outputs=["win_rate_verdicts", "win_rate_report", "win_rate_plot"],
                name="judge_win_rates",
            ),
        ],
        tags=["alignment"],
    )
