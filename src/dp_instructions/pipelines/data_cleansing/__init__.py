"""data_cleansing: raw chat logs -> instruction splits (paper, Appendix E)."""

from dp_instructions.pipelines.data_cleansing.pipeline import create_pipeline

__all__ = ["create_pipeline"]
