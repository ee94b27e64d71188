"""The resampling report and the cluster-density figure (paper, Figure 4).

Both are computed from DP releases only (the noisy histogram, the synthetic set and
what was drawn from it), never from the raw votes, so they are ``dp_release`` too.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")  # reports are written by headless runs

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

from dp_instructions.resampling.clustering import Clustering  # noqa: E402
from dp_instructions.resampling.histogram import NoisyHistogram  # noqa: E402
from dp_instructions.resampling.targets import ResamplingTargets, paper_rounding_total  # noqa: E402

__all__ = ["build_report", "density_plot", "total_variation"]


def _shares(counts: npt.NDArray[np.integer]) -> npt.NDArray[np.float64]:
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    return counts / total if total > 0 else counts


def total_variation(p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> float:
    """Total variation distance between two cluster distributions (0 = identical)."""
    return float(0.5 * np.abs(np.asarray(p) - np.asarray(q)).sum())


def density_plot(
    histogram: NoisyHistogram,
    initial_sizes: npt.NDArray[np.integer],
    resampled_sizes: npt.NDArray[np.integer],
) -> plt.Figure:
    """Cluster densities sorted by the noisy real density: the real (noisy) histogram
    against the synthetic set before and after resampling."""
    real = histogram.shares()
    before, after = _shares(initial_sizes), _shares(resampled_sizes)
    order = np.argsort(-real, kind="stable")
    rank = np.arange(1, real.size + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True, constrained_layout=True)
    for ax, synthetic, label in (
        (axes[0], before, "synthetic, initial"),
        (axes[1], after, "synthetic, resampled"),
    ):
        ax.plot(rank, real[order], color="black", lw=1.6, label="real (DP noisy histogram)")
        ax.plot(
            rank,
            synthetic[order],
            color="tab:orange" if synthetic is before else "tab:blue",
            lw=1.0,
            marker="." if real.size <= 200 else None,
            label=label,
        )
        ax.set_xlabel("cluster, sorted by real density")
        ax.set_title(f"{label}: TV distance {total_variation(real, synthetic):.3f}")
        ax.legend(loc="upper right", fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("density")
    fig.suptitle(
        f"Cluster densities (K={histogram.num_clusters}, sigma={histogram.sigma:g}, N={histogram.dataset_size:,})",
        fontsize=11,
    )
    return fig


def build_report(
    histogram: NoisyHistogram,
    clustering: Clustering,
    plan: ResamplingTargets,
    resampled_clusters: npt.NDArray[np.int64],
    resampled_distinct: int,
    *,
    released: bool,
    target_size_parameter: str,
    embedding: dict[str, Any],
) -> dict[str, Any]:
    """K, sigma, N, T, what was released or reused, shortfalls, and how far the synthetic
    cluster distribution is from the noisy real one before and after."""
    k = clustering.num_clusters
    initial_sizes = clustering.sizes()
    resampled_sizes = np.bincount(resampled_clusters, minlength=k)
    real = histogram.shares()
    total = int(plan.targets.sum())
    return {
        "K": k,
        "sigma": histogram.sigma,
        "N": histogram.dataset_size,
        "T": total,
        "target_size": target_size_parameter,
        "synthetic_initial": int(initial_sizes.sum()),
        "resampled": int(resampled_sizes.sum()),
        "resampled_distinct": int(resampled_distinct),
        "duplicates": int(resampled_sizes.sum()) - int(resampled_distinct),
        "shortage_mode": plan.mode.value,
        "initial_samples_needed": plan.initial_samples_needed,
        "shortfalls": [{"cluster": s.cluster, "target": s.needed, "available": s.available} for s in plan.shortfalls],
        "shortfall_total": int(sum(s.needed - s.available for s in plan.shortfalls)),
        "paper_rounding_total": paper_rounding_total(histogram.counts(), total, histogram.dataset_size),
        "histogram": {
            "status": "released" if released else "reused",
            "release_id": histogram.release_id,
            "release_key": histogram.release_key,
            "released_at": histogram.released_at,
            "private_noise": histogram.private,
            "negative_counts_clipped": int((histogram.counts() < 0).sum()),
        },
        "clustering": {
            "digest": clustering.digest,
            "train_points": clustering.train_points,
            "dimension": int(clustering.centroids.shape[1]),
            "pca_explained_variance": (
                None if clustering.projection is None else clustering.projection.explained_variance
            ),
            "objective": clustering.objective,
            "empty_clusters": int((initial_sizes == 0).sum()),
            "cluster_size_min": int(initial_sizes.min()),
            "cluster_size_max": int(initial_sizes.max()),
        },
        "embedding": embedding,
        "total_variation_to_noisy_real": {
            "initial": total_variation(real, _shares(initial_sizes)),
            "resampled": total_variation(real, _shares(resampled_sizes)),
        },
    }
