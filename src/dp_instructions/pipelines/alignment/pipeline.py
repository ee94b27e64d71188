"""alignment (first stage, paper 4.3): the DP synthetic instructions -> annotation requests
(and a Label Studio export for people) -> teacher answers -> the SFT set. It reads only
``dp_release`` data and the teacher named in the catalog (``teacher_endpoint``); the
boundary check proves it reads nothing private."""

from kedro.pipeline import Node, Pipeline

from dp_instructions.pipelines.alignment import nodes

P = "params:alignment"


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=nodes.build_annotation_requests,
                inputs=["synthetic_resampled", P],
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
                inputs=["annotation_requests", "teacher_endpoint", P],
                outputs=["teacher_answers", "annotation_report"],
                name="annotate_with_teacher",
            ),
            Node(
                func=nodes.build_sft_dataset,
                inputs=["annotation_requests", "teacher_answers", P],
                outputs=["sft_dataset", "sft_not_used"],
                name="build_sft_dataset",
            ),
        ],
        tags=["alignment"],
    )
