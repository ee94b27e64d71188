"""DP-LoRA fine-tuning (paper, Algorithm 1), one concept per module, as Opacus does:

* :mod:`.plan`: sampling rate, steps and the calibrated noise multiplier of a release;
* :mod:`.release`: plan, charge the ledger, resume under the same release (the one
  implementation behind the Kedro node and the ``torchrun`` entry point);
* :mod:`.loop`: the training loop (:func:`~.loop.train_lora`,
  :func:`~.loop.train_lora_distributed`) with its configuration and result;
* :mod:`.optimizers`: Gaussian noise from the project's noise source and the DP optimizers;
* :mod:`.poisson`: Poisson sampling of the logical batches and each rank's shard of it;
* :mod:`.process_group`: the process group and its collectives;
* :mod:`.lora`: which layers get LoRA adapters, and attaching them;
* :mod:`.checkpoint`: saving and restoring a run's state (tensors and plain data only);
* :mod:`.multiprocess`: several local worker processes started from Python.
"""

from __future__ import annotations

from dp_instructions.models.dp_training.loop import (
    DPFineTuneConfig,
    PerExampleGradientError,
    TrainingResult,
    train_lora,
    train_lora_distributed,
)

__all__ = ["DPFineTuneConfig", "PerExampleGradientError", "TrainingResult", "train_lora", "train_lora_distributed"]
