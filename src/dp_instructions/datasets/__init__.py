"""Custom Kedro dataset classes of dp-instructions, and nothing else.

- :mod:`.demo_corpora`: the embedded demo corpora (read-only wrappers over
  :mod:`dp_instructions.demo`);
- :mod:`.model_directories`: versioned tokenizer, base-model and generator directories,
  and :mod:`.optional_generator`, a read-only view of one that may not exist;
- :mod:`.privacy_ledger`: the append-only privacy ledger;
- :mod:`.released_histograms`: every noisy histogram released so far (resampling stage and
  evaluation sweep), for free reuse.

Catalog entries reference them as ``type: dp_instructions.datasets.<module>.<Name>``; the
demo datasets are also importable as ``dp_instructions.datasets.<Name>``.
"""

from dp_instructions.datasets.demo_corpora import (
    DemoConversationsDataset,
    DemoEvalReferenceDataset,
    DemoPublicInstructionsDataset,
    DemoPublicPretrainingCorpusDataset,
)

__all__ = [
    "DemoConversationsDataset",
    "DemoEvalReferenceDataset",
    "DemoPublicInstructionsDataset",
    "DemoPublicPretrainingCorpusDataset",
]
