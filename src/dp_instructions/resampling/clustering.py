"""k-means of the synthetic embeddings with faiss (paper, Algorithm 2, step 2).

The clusters are fitted on synthetic data only, which is a DP release: they, the
synthetic labels and the optional PCA are post-processing and cost no privacy.

As in the paper's code, k-means trains on a seeded subsample of the synthetic
embeddings (faiss' own cap is 256 points per centroid) and may first project onto the
leading principal components. Labels, of every synthetic sample, come from the Rust
kernel's *exact* nearest centroid, the same rule that casts the real votes, so a
synthetic sample and a real instruction at the same point always land in the same
cluster (faiss' float32 search can disagree with itself on near-ties).

``Clustering.digest`` identifies the cluster geometry (embedding model, projection,
centroids, bit for bit): a released noisy histogram is reused only for the same digest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from dp_instructions import native
from dp_instructions.exceptions import InvalidInputError, NonFiniteValueError
from dp_instructions.resampling.parameters import PARAMETER, ClusteringConfig

__all__ = ["Clustering", "Projection", "fit_clustering", "fit_pca"]

log = logging.getLogger(__name__)

_P = f"{PARAMETER}.clustering"
_FAISS_SEED_MODULUS = 2**31 - 1  # faiss takes a C int


@dataclass(frozen=True)
class Projection:
    """``x -> (x - mean) @ components.T``: the leading principal components."""

    mean: npt.NDArray[np.float32]
    components: npt.NDArray[np.float32]
    explained_variance: float
    """Share of the training variance the kept components explain."""

    @property
    def dim(self) -> int:
        return int(self.components.shape[0])

    def apply(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        out = np.empty((x.shape[0], self.dim), dtype=np.float32)
        step = 65_536  # bounded temporaries on million-row inputs
        for start in range(0, x.shape[0], step):
            block = x[start : start + step]
            out[start : start + step] = (block - self.mean) @ self.components.T
        return out


@dataclass(frozen=True)
class Clustering:
    """k-means clusters of the synthetic set and the label of every synthetic sample."""

    centroids: npt.NDArray[np.float32]
    """K x d', float32, C-contiguous (d' = PCA dimension or the embedding dimension)."""
    labels: npt.NDArray[np.int64]
    """Cluster of each synthetic sample, in the order of the synthetic set."""
    projection: Projection | None
    space: dict[str, Any]
    """Identity of the embedding space (model, source, max tokens)."""
    train_points: int
    objective: float
    digest: str = field(default="")

    @property
    def num_clusters(self) -> int:
        return int(self.centroids.shape[0])

    def sizes(self) -> npt.NDArray[np.int64]:
        """Synthetic members per cluster."""
        return np.bincount(self.labels, minlength=self.num_clusters).astype(np.int64)

    def project(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Embeddings in the space the centroids live in."""
        if x.ndim != 2 or x.shape[1] != self.input_dim:
            raise InvalidInputError(
                f"embeddings have shape {x.shape}, but the clusters were fitted on {self.input_dim}-d "
                f"embeddings of {self.space.get('model')!r}"
            )
        return x if self.projection is None else self.projection.apply(x)

    @property
    def input_dim(self) -> int:
        return int(self.space["dim"])


def clustering_digest(space: dict[str, Any], projection: Projection | None, centroids: npt.NDArray[np.float32]) -> str:
    h = hashlib.sha256(b"dp-instructions/clustering/v1\n")
    h.update(json.dumps(space, sort_keys=True, separators=(",", ":")).encode())
    h.update(f"\n{centroids.shape}\n".encode())
    if projection is not None:
        h.update(np.ascontiguousarray(projection.mean, dtype="<f4").tobytes())
        h.update(np.ascontiguousarray(projection.components, dtype="<f4").tobytes())
    h.update(np.ascontiguousarray(centroids, dtype="<f4").tobytes())
    return "sha256:" + h.hexdigest()


def fit_pca(train: npt.NDArray[np.float32], pca: float | int) -> Projection:
    """faiss PCA on ``train``; keep ``pca`` components (int) or the fewest that explain
    at least the share ``pca`` (float) of the variance, as in the paper's code."""
    import faiss

    d = train.shape[1]
    if isinstance(pca, int) and pca > d:
        raise InvalidInputError(f"parameter `{_P}.pca` = {pca} exceeds the embedding dimension {d}")
    matrix = faiss.PCAMatrix(d, d)
    matrix.train(train)
    eigenvalues = np.clip(faiss.vector_to_array(matrix.eigenvalues).astype(np.float64), 0.0, None)
    total = eigenvalues.sum()
    if not total > 0:
        raise InvalidInputError(f"parameter `{_P}.pca`: the synthetic embeddings have no variance (all identical?)")
    share = np.cumsum(eigenvalues) / total
    keep = pca if isinstance(pca, int) else int(np.searchsorted(share, pca - 1e-12) + 1)
    keep = min(keep, d)
    components = faiss.vector_to_array(matrix.PCAMat).reshape(d, d)[:keep]
    return Projection(
        mean=np.ascontiguousarray(faiss.vector_to_array(matrix.mean), dtype=np.float32),
        components=np.ascontiguousarray(components, dtype=np.float32),
        explained_variance=float(share[keep - 1]),
    )


def _use_gpu(config: ClusteringConfig) -> bool:
    import faiss

    gpus = faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0
    if config.gpu is None:
        return gpus > 0
    if config.gpu and gpus == 0:
        raise InvalidInputError(
            f"parameter `{_P}.gpu` is true but faiss sees no GPU (install faiss' CUDA build; see the "
            "`gpu` extra) -- set it to auto or false"
        )
    return config.gpu


def fit_clustering(
    embeddings: npt.NDArray[np.float32],
    config: ClusteringConfig,
    seed: int,
    space: dict[str, Any],
    *,
    num_threads: int | None = None,
) -> Clustering:
    """k-means (faiss) of the synthetic ``embeddings`` into ``config.num_clusters``
    clusters, and the exact nearest-centroid label of every row."""
    import faiss

    if embeddings.ndim != 2 or embeddings.shape[0] == 0:
        raise InvalidInputError(f"synthetic embeddings must be a non-empty 2-d array, got shape {embeddings.shape}")
    m, d = embeddings.shape
    k = config.num_clusters
    if k > m:
        raise InvalidInputError(
            f"parameter `{_P}.num_clusters` = {k} exceeds the {m} synthetic instructions to cluster"
        )
    if not np.isfinite(embeddings).all():
        raise NonFiniteValueError("synthetic embeddings hold NaN or infinite values; nothing was clustered")
    x = np.ascontiguousarray(embeddings, dtype=np.float32)
    rng = np.random.default_rng(seed)
    cap = config.max_train_points if config.max_train_points is not None else 256 * k
    cap = max(cap, k)
    train = x if m <= cap else x[np.sort(rng.choice(m, size=cap, replace=False))]

    start = time.perf_counter()
    projection = fit_pca(train, config.pca) if config.pca is not None else None
    if projection is not None:
        train = projection.apply(train)
        log.info(
            "PCA: %d -> %d dimensions (%.1f%% of the variance)", d, projection.dim, 100 * projection.explained_variance
        )
    gpu = _use_gpu(config)
    kmeans = faiss.Kmeans(
        train.shape[1],
        k,
        niter=config.iterations,
        nredo=config.redo,
        seed=int(seed) % _FAISS_SEED_MODULUS,
        gpu=gpu,
        verbose=False,
        # The subsample above is the cap; stop faiss from subsampling again, and from
        # warning about small clusters (K close to M is legal, if unwise).
        max_points_per_centroid=int(np.ceil(train.shape[0] / k)) + 1,
        min_points_per_centroid=1,
    )
    kmeans.train(train)
    centroids = np.ascontiguousarray(kmeans.centroids, dtype=np.float32)
    objective = float(kmeans.obj[-1]) if len(kmeans.obj) else float("nan")
    trained = time.perf_counter() - start

    start = time.perf_counter()
    projected = x if projection is None else projection.apply(x)
    labels, _ = native.nearest_centroid(projected, centroids, num_threads=num_threads)
    labelled = time.perf_counter() - start
    space = {**space, "dim": d}
    clustering = Clustering(
        centroids=centroids,
        labels=labels,
        projection=projection,
        space=space,
        train_points=int(train.shape[0]),
        objective=objective,
        digest=clustering_digest(space, projection, centroids),
    )
    sizes = clustering.sizes()
    log.info(
        "k-means: K=%d on %d of %d synthetic embeddings (%d-d, %d iterations x %d, %s) in %.1fs; "
        "labelled all in %.1fs; cluster sizes min %d / median %d / max %d, %d empty",
        k,
        train.shape[0],
        m,
        train.shape[1],
        config.iterations,
        config.redo,
        "GPU" if gpu else "CPU",
        trained,
        labelled,
        sizes.min(),
        int(np.median(sizes)),
        sizes.max(),
        int((sizes == 0).sum()),
    )
    return clustering
