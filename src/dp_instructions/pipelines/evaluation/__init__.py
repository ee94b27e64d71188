"""evaluation: MAUVE, resampling sweep, canary audit, privacy report (issue 7)."""

from dp_instructions.pipelines.evaluation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
