"""dp_generation: public pre-training, DP-LoRA fine-tuning, unconditional sampling (paper, Algorithm 1)."""

from dp_instructions.pipelines.dp_generation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
