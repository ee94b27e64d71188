"""Custom Kedro datasets of dp-instructions.

Catalog entries reference them as ``type: dp_instructions.datasets.<Name>``.
"""

from dp_instructions.datasets.demo_corpus import (
    DemoConversationsDataset,
    DemoEvalReferenceDataset,
    DemoPublicInstructionsDataset,
)

__all__ = [
    "DemoConversationsDataset",
    "DemoEvalReferenceDataset",
    "DemoPublicInstructionsDataset",
]
