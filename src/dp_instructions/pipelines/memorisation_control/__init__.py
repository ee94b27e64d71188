"""memorisation_control: the non-private control generator for the canary audit (not in
the default run: `kedro run --pipeline=memorisation_control`)."""

from dp_instructions.pipelines.memorisation_control.pipeline import create_pipeline

__all__ = ["create_pipeline"]
