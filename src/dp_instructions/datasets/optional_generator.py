"""``OptionalGeneratorDataset``: a read-only catalog view of a generator that may not
have been built (the non-private control of the memorisation audit).

Why a dataset and not a second pipeline variant: the control is built by the optional
``memorisation_control`` pipeline, which the default run leaves out, and a Kedro
pipeline's shape cannot depend on whether another pipeline ran. Declaring
``nonprivate_control_generator`` itself as an input would make every evaluation run fail
until the control exists. This view points at the same versioned directory and loads
``None`` when no version exists, so one pipeline serves both cases and the audit node
decides (``evaluation.canary_audit.include_control``: auto / true / false).

Limit: the view is a different catalog name, so Kedro does not order the audit after
the node that builds the control. The two never share a run by default; after
``kedro run --pipeline=memorisation_control``, run ``kedro run --pipeline=evaluation``.
The audit records the metadata of both generators so a reader can check that they were
trained on the same data.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from kedro.io import DatasetError

from dp_instructions.datasets.model_directories import GeneratorDataset
from dp_instructions.models.artifact import GeneratorArtifact

log = logging.getLogger(__name__)

__all__ = ["OptionalGeneratorDataset"]


class OptionalGeneratorDataset(GeneratorDataset):
    """Like :class:`~dp_instructions.datasets.model_directories.GeneratorDataset`, but loading
    gives ``None`` when no version has been saved, and saving is refused."""

    def load(self) -> GeneratorArtifact | None:  # type: ignore[override]
        if not self._exists():
            log.info("no generator saved under %s: loading None", self._filepath)
            return None
        return super().load()

    def save(self, data: Any) -> NoReturn:
        raise DatasetError(
            f"{type(self).__name__} is a read-only view of {self._filepath}; the pipeline that builds the "
            "generator saves it through its own catalog entry"
        )
