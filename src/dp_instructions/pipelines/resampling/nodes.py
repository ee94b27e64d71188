"""Thin node wrappers; the work is in dp_instructions.resampling.

``params:resampling`` arrives as :class:`ResamplingParameters`, validated by Kedro before
the first node runs; the first node adds the checks that need the synthetic pool.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import polars as pl

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy.ledger import PrivacyLedger
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling import clustering, embeddings, histogram, report, sampling, targets
from dp_instructions.resampling.parameters import ResamplingParameters

log = logging.getLogger(__name__)

SYNTHETIC = "synthetic_initial"


@dataclass(frozen=True)
class ResamplingPlan:
    """The parameters and the facts about the synthetic pool every node needs."""

    config: ResamplingParameters
    pool_size: int
    """M, rows of synthetic_initial."""


def _check_synthetic(frame: pl.DataFrame) -> None:
    if not isinstance(frame, pl.DataFrame):
        raise InvalidInputError(f"{SYNTHETIC} must be a polars DataFrame, got {type(frame).__name__}")
    missing = [c for c in ("id", "text") if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"{SYNTHETIC} has no column(s) {missing} (it has {frame.columns})")
    if frame.height == 0:
        raise InvalidInputError(f"{SYNTHETIC} is empty: there is nothing to resample")
    if frame["text"].dtype != pl.String:
        raise InvalidInputError(f"{SYNTHETIC}: column `text` has dtype {frame['text'].dtype}, expected String")
    nulls = frame["text"].null_count()
    if nulls:
        raise InvalidInputError(f"{SYNTHETIC}: column `text` has {nulls} null value(s)")
    duplicated = frame.height - frame["id"].n_unique()
    if duplicated:
        raise InvalidInputError(f"{SYNTHETIC}: column `id` has {duplicated} duplicated value(s)")


def validate_resampling_inputs(synthetic_initial: pl.DataFrame, params: ResamplingParameters) -> ResamplingPlan:
    """Every check that needs no private data, before any work: the synthetic pool, K
    against M, T against M. (The private side is checked before the release.)"""
    _check_synthetic(synthetic_initial)
    m = synthetic_initial.height
    distinct = synthetic_initial["text"].n_unique()
    k = params.clustering.num_clusters
    if k > distinct:
        raise InvalidInputError(
            f"parameter `resampling.clustering.num_clusters` = {k} exceeds the {distinct:,} distinct "
            f"instructions of {SYNTHETIC} ({m:,} rows): k-means needs at least K distinct points"
        )
    if not params.target_size.depends_on_real:
        targets.check_target_size(params.target_size.resolve(m), m, params.shortage)
    embeddings.load_encoder(params.embedding)  # a model that cannot load fails here, first
    log.info(
        "resampling %d synthetic instructions: K=%d, T=%s, shortage=%s",
        m,
        k,
        params.target_size.describe(),
        params.shortage.value,
    )
    return ResamplingPlan(config=params, pool_size=m)


def embed_synthetic_instructions(synthetic_initial: pl.DataFrame, plan: ResamplingPlan) -> npt.NDArray[np.float32]:
    cfg = plan.config.embedding
    encoder = embeddings.load_encoder(cfg)
    return embeddings.embed_texts(
        encoder,
        synthetic_initial["text"].to_list(),
        dataset=SYNTHETIC,
        batch_size=cfg.batch_size,
        show_progress=cfg.show_progress,
    )


def cluster_synthetic_instructions(
    synthetic_embeddings: npt.NDArray[np.float32], plan: ResamplingPlan, seed: int
) -> clustering.Clustering:
    encoder = embeddings.load_encoder(plan.config.embedding)
    return clustering.fit_clustering(
        synthetic_embeddings, plan.config.clustering, seed, encoder.identity(), num_threads=plan.config.num_threads
    )


def prepare_histogram_release(
    instructions_train: pl.DataFrame,
    synthetic_clustering: clustering.Clustering,
    released_histograms: histogram.ReleasedHistograms,
    plan: ResamplingPlan,
    privacy: PrivacyParameters,
) -> histogram.HistogramRequest:
    """Check the private side and look for an earlier release of the same histogram."""
    request = histogram.prepare_release(instructions_train, synthetic_clustering, released_histograms, privacy)
    if plan.config.target_size.depends_on_real:
        targets.check_target_size(request.dataset_size, plan.pool_size, plan.config.shortage)
    return request


def embed_real_instructions(
    instructions_train: pl.DataFrame, histogram_request: histogram.HistogramRequest, plan: ResamplingPlan
) -> npt.NDArray[np.float32]:
    """Embeddings of the private instructions; none when an earlier release is reused
    (the private data then needs no work beyond its fingerprint)."""
    if histogram_request.reuse:
        log.info(
            "a noisy histogram for these instructions and clusters was released before: "
            "the real instructions are not embedded"
        )
        return np.empty((0, 0), dtype=np.float32)
    cfg = plan.config.embedding
    encoder = embeddings.load_encoder(cfg)
    return embeddings.embed_texts(
        encoder,
        instructions_train["text"].to_list(),
        dataset=histogram.PRIVATE_DATASET,
        batch_size=cfg.batch_size,
        show_progress=cfg.show_progress,
    )


def release_noisy_histogram(
    real_embeddings: npt.NDArray[np.float32],
    histogram_request: histogram.HistogramRequest,
    synthetic_clustering: clustering.Clustering,
    privacy_ledger: PrivacyLedger,
    plan: ResamplingPlan,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The DP mechanism: votes + Gaussian noise, charged to the ledger; or the earlier
    release with the same key, reused. Also says which of the two happened (for the
    report, which may not read the private-side request itself)."""
    released = histogram.release_noisy_histogram(
        histogram_request,
        None if histogram_request.reuse else real_embeddings,
        synthetic_clustering,
        privacy_ledger,
        num_threads=plan.config.num_threads,
    )
    status = {"status": "reused" if histogram_request.reuse else "released", "release_id": released.release_id}
    return released.to_json(), status


def compute_cluster_targets(
    dp_histogram: dict[str, Any], synthetic_clustering: clustering.Clustering, plan: ResamplingPlan
) -> targets.ResamplingTargets:
    noisy = histogram.NoisyHistogram.from_json(dp_histogram)
    if noisy.clustering_digest != synthetic_clustering.digest:
        raise InvalidInputError("dp_histogram was released for other clusters than synthetic_clustering")
    total = plan.config.target_size.resolve(plan.pool_size, noisy.dataset_size)
    targets.check_target_size(total, plan.pool_size, plan.config.shortage)
    per_cluster = targets.targets_from_noisy_counts(noisy.counts(), total)
    return targets.plan_draws(
        per_cluster, synthetic_clustering.sizes(), np.clip(noisy.counts(), 0, None), plan.config.shortage
    )


def resample_synthetic_instructions(
    synthetic_initial: pl.DataFrame,
    synthetic_clustering: clustering.Clustering,
    resampling_targets: targets.ResamplingTargets,
    plan: ResamplingPlan,
    seed: int,
) -> pl.DataFrame:
    return sampling.resample_frame(
        synthetic_initial, synthetic_clustering.labels, resampling_targets, seed, num_threads=plan.config.num_threads
    )


def report_resampling(
    dp_histogram: dict[str, Any],
    histogram_release_status: dict[str, Any],
    synthetic_clustering: clustering.Clustering,
    resampling_targets: targets.ResamplingTargets,
    synthetic_resampled: pl.DataFrame,
    plan: ResamplingPlan,
) -> tuple[dict[str, Any], plt.Figure]:
    noisy = histogram.NoisyHistogram.from_json(dp_histogram)
    resampled_clusters = synthetic_resampled["cluster"].to_numpy().astype(np.int64)
    encoder = embeddings.load_encoder(plan.config.embedding)
    result = report.build_report(
        noisy,
        synthetic_clustering,
        resampling_targets,
        resampled_clusters,
        synthetic_resampled["id"].n_unique(),
        released=histogram_release_status["status"] == "released",
        target_size_parameter=plan.config.target_size.describe(),
        embedding={**encoder.identity(), "device": encoder.device},
    )
    figure = report.density_plot(
        noisy,
        synthetic_clustering.sizes(),
        np.bincount(resampled_clusters, minlength=synthetic_clustering.num_clusters),
    )
    log.info(
        "resampling: K=%d, sigma=%g, N=%d, T=%d; histogram %s; %d short cluster(s); TV to noisy real %.3f -> %.3f",
        result["K"],
        result["sigma"],
        result["N"],
        result["T"],
        result["histogram"]["status"],
        len(result["shortfalls"]),
        result["total_variation_to_noisy_real"]["initial"],
        result["total_variation_to_noisy_real"]["resampled"],
    )
    return result, figure
