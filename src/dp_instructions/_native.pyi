# Type stub of the Rust extension built from rust_ext/ (see rust_ext/src/bindings.rs).
# Import dp_instructions.native instead: it validates inputs and documents semantics.
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "NO_MATCH",
    "REFERENCE_MATCH",
    "ngram_dedup",
    "tokenize",
    "nearest_centroid",
    "vote_counts",
    "resample_indices",
]

NO_MATCH: int
REFERENCE_MATCH: int

def ngram_dedup(
    texts: Sequence[str],
    n: int,
    reference: Sequence[str] | None = None,
    num_threads: int | None = None,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]: ...
def tokenize(text: str) -> list[str]: ...
def nearest_centroid(
    x: npt.NDArray[np.float32],
    centroids: npt.NDArray[np.float32],
    num_threads: int | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]: ...
def vote_counts(
    x: npt.NDArray[np.float32],
    centroids: npt.NDArray[np.float32],
    num_threads: int | None = None,
) -> npt.NDArray[np.int64]: ...
def resample_indices(
    labels: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int64],
    seed: int,
    replace: bool = False,
    num_threads: int | None = None,
) -> npt.NDArray[np.int64]: ...
