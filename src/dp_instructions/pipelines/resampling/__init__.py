"""resampling: resample the DP synthetic set by a DP vote histogram (paper, Algorithm 2)."""

from dp_instructions.pipelines.resampling.pipeline import create_pipeline

__all__ = ["create_pipeline"]
