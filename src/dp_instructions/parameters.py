"""Building blocks of the typed pipeline parameters.

Each pipeline's ``params:<pipeline>`` input is type-hinted with a Pydantic model built on
:class:`Parameters`; Kedro validates it before any node runs (docs: "Parameter
validation"), so a misspelt key or an out-of-range value stops ``kedro run`` in a second,
naming the key, instead of an hour later or after privacy was spent.

Why strict: YAML turns ``yes`` into a bool and ``1e3`` into a float; a bool silently
accepted as a count, or a string as a number, is how a typo becomes a wrong run.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "Device",
    "ModelName",
    "NonNegativeInt",
    "Parameters",
    "PositiveFloat",
    "PositiveInt",
    "Probability",
]


class Parameters(BaseModel):
    """Base of every parameter model: unknown keys are errors, values are not coerced
    (an int is still accepted where a float is expected), and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Probability = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
"""A share or probability in (0, 1]."""


def _model_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must be a model id or path, got an empty string")
    return value


ModelName = Annotated[str, AfterValidator(_model_name)]
"""A Hugging Face model id or a local path (surrounding white space removed)."""

_DEVICE = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def _device(value: str) -> str:
    if not _DEVICE.match(value):
        raise ValueError(f"must be auto, cpu, mps, cuda or cuda:<n>, got {value!r}")
    return value


Device = Annotated[str, AfterValidator(_device)]
"""Where torch runs: ``auto`` (CUDA when present), ``cpu``, ``mps``, ``cuda`` or ``cuda:<n>``."""
