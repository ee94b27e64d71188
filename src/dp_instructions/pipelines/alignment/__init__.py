"""alignment: annotation of the DP synthetic instructions by a teacher (paper 4.3)."""

from dp_instructions.pipelines.alignment.pipeline import create_pipeline

__all__ = ["create_pipeline"]
