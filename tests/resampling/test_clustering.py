"""faiss k-means of the synthetic embeddings: labels, determinism, PCA, digest, errors."""

from __future__ import annotations

import numpy as np
import pytest

from dp_instructions import native
from dp_instructions.exceptions import InvalidInputError, NonFiniteValueError
from dp_instructions.resampling.clustering import fit_clustering, fit_pca
from dp_instructions.resampling.parameters import ClusteringConfig

SPACE = {"model": "test"}


def blobs(n: int, k: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, d)) * 4
    x = centres[rng.integers(0, k, n)] + rng.standard_normal((n, d)) * 0.3
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x, dtype=np.float32)


def test_labels_are_the_exact_nearest_centroid_of_every_sample():
    x = blobs(600, 6, 12, 0)
    c = fit_clustering(x, ClusteringConfig(num_clusters=6, max_train_points=200), 5, SPACE)
    assert c.train_points == 200 and c.centroids.shape == (6, 12) and c.centroids.dtype == np.float32
    assert c.labels.tolist() == native.nearest_centroid(x, c.centroids)[0].tolist()
    assert c.sizes().sum() == 600 and (c.sizes() > 0).all()


def test_same_inputs_give_the_same_digest_and_anything_else_another():
    x = blobs(500, 5, 8, 1)
    cfg = ClusteringConfig(num_clusters=5, iterations=10)
    a, b = fit_clustering(x, cfg, 7, SPACE), fit_clustering(x, cfg, 7, SPACE)
    assert a.digest == b.digest and np.array_equal(a.centroids, b.centroids)
    assert fit_clustering(x, cfg, 8, SPACE).digest != a.digest
    assert fit_clustering(x, cfg, 7, {"model": "other"}).digest != a.digest  # another embedding space
    assert fit_clustering(x, ClusteringConfig(num_clusters=5, iterations=10, pca=4), 7, SPACE).digest != a.digest


def test_pca_keeps_the_components_that_explain_the_asked_share():
    rng = np.random.default_rng(2)
    # Variance concentrated in 3 of 10 directions.
    x = (rng.standard_normal((400, 10)) * np.array([10, 8, 6] + [0.1] * 7)).astype(np.float32)
    p = fit_pca(x, 0.9)
    assert p.dim == 3 and p.explained_variance >= 0.9
    assert fit_pca(x, 2).dim == 2
    c = fit_clustering(x, ClusteringConfig(num_clusters=4, pca=0.9), 0, SPACE)
    assert c.centroids.shape == (4, 3) and c.project(x).shape == (400, 3)
    with pytest.raises(InvalidInputError, match="resampling.clustering.pca"):
        fit_pca(x, 11)


def test_k_larger_than_the_synthetic_set_and_non_finite_embeddings_are_refused():
    x = blobs(10, 2, 4, 3)
    with pytest.raises(InvalidInputError, match=r"resampling.clustering.num_clusters` = 11 exceeds the 10"):
        fit_clustering(x, ClusteringConfig(num_clusters=11), 0, SPACE)
    x[4, 1] = np.nan
    with pytest.raises(NonFiniteValueError):
        fit_clustering(x, ClusteringConfig(num_clusters=2), 0, SPACE)


def test_a_gpu_index_that_is_not_there_is_a_parameter_error():
    import faiss

    if faiss.get_num_gpus() > 0:
        pytest.skip("a GPU is present")
    with pytest.raises(InvalidInputError, match="resampling.clustering.gpu"):
        fit_clustering(blobs(50, 2, 4, 4), ClusteringConfig(num_clusters=2, gpu=True), 0, SPACE)
