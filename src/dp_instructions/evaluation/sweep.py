"""The K x sigma sweep of DP resampling (paper, Figures 5 and 6).

For every number of clusters K and histogram noise multiplier sigma, the resampling
stage's own procedure (:mod:`dp_instructions.resampling`: its encoder, k-means, targets,
shortage policy and draws) runs on the whole synthetic set: k-means into K clusters, a
noisy vote histogram of real instructions, T targets from it, the resampled set. Two
figures per point:

* the embedding MAUVE of (a sample of) the resampled set against the test split
  (Figure 5), next to the MAUVE of the initial set;
* the number of initial synthetic samples the resampling needs so that no cluster is
  asked for more members than it has (Figure 6): finer clusters and more noise ask for
  rare clusters in larger proportions than the generator produces them.

Only K, sigma and the voters differ from the resampling stage. A shortage cannot stop a
sweep, so where the stage would stop (``shortage: error``) the sweep redistributes and
reports the shortfall and the initial samples that would have avoided it.

Privacy. Every point releases a noisy histogram of private data. The voters are the
validation split: its own fingerprint and budget in the ledger, so the sweep never eats
the training split's budget that DP fine-tuning and the resampling stage spend. Each
point is charged before its noise is drawn; a point the ledger refuses is recorded as
"skipped: budget". Points are charged cheapest first (largest sigma), so an almost spent
budget still yields whole curves at the larger sigmas. A point whose exact histogram was
released by an earlier run (same validation data, same clusters, sigma, N and noise
source: the resampling stage's *release key*) is reused at no cost, so re-running the
evaluation on unchanged inputs spends nothing; as in the resampling stage, the ledger must
hold that earlier release, or the file is refused. The release itself is the resampling
stage's helper (:func:`~dp_instructions.resampling.histogram.release_vote_histogram`). The validation split is much smaller than
the training split, so at the same sigma its histogram is relatively noisier.

Everything after the release is post-processing of the released histograms and of the
synthetic set; MAUVE against the test split makes the scored sweep a private report.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import polars as pl
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator
from tqdm.auto import tqdm

from dp_instructions.evaluation.embeddings import EmbeddedTexts, LoadedEncoder, embed_sets, load_encoder
from dp_instructions.evaluation.mauve_scores import MauveValue, embedding_buckets, embedding_mauve, spread
from dp_instructions.evaluation.parameters import MauveConfig, SweepConfig
from dp_instructions.evaluation.samples import TextSet, rng_for, sample_indices
from dp_instructions.exceptions import InsufficientSamplesError, InvalidInputError, PrivacyBudgetExceededError
from dp_instructions.privacy.budget import Budget
from dp_instructions.privacy.fingerprint import fingerprint_texts
from dp_instructions.privacy.ledger import PrivacyLedger
from dp_instructions.privacy.noise import NoiseSource
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling import embeddings as encoders
from dp_instructions.resampling.clustering import Clustering, fit_clustering
from dp_instructions.resampling.histogram import (
    NoisyHistogram,
    check_private_instructions,
    release_vote_histogram,
    request_histogram,
)
from dp_instructions.resampling.parameters import ResamplingParameters, ShortageMode
from dp_instructions.resampling.sampling import draw_indices
from dp_instructions.resampling.targets import plan_draws, targets_from_noisy_counts

log = logging.getLogger(__name__)

STAGE = "evaluation.resampling_sweep"
VOTERS = "instructions_val"
#: Where the sweep's releases are saved (catalog name); its versions are the store of earlier releases.
STORE = "resampling_sweep_histograms"
#: Recorded with every sweep release in the ledger.
PURPOSE = "K x sigma sweep (paper Figures 5-6)"
RELEASED = "released"
REUSED = "reused"
SKIPPED_BUDGET = "skipped: budget"
DEGENERATE = "degenerate: no positive noisy count"


@dataclass(frozen=True)
class SweepClusterings:
    """k-means of the whole synthetic set, one per K, in the resampling stage's embedding
    space (``encoder`` embeds the voters the same way); ``labels`` index ``texts``."""

    encoder: Any  # resampling.parameters.EmbeddingConfig; None when the sweep is disabled
    space: Mapping[str, Any]
    by_k: Mapping[int, Clustering]
    texts: list[str]


def cluster_synthetic(
    synthetic: TextSet, resampling: ResamplingParameters, config: SweepConfig, seed: int
) -> SweepClusterings:
    """k-means of the synthetic set for every K of the sweep, exactly as the resampling
    stage clusters it (its encoder and clustering settings; only K changes)."""
    distinct = len(set(synthetic.texts))
    too_many = [k for k in config.ks if k > distinct]
    if too_many:
        raise InvalidInputError(
            f"parameter `evaluation.sweep.ks` asks for K={too_many} clusters of {distinct} distinct synthetic "
            "instructions; lower K"
        )
    encoder = load_encoder(resampling.embedding, parameter="resampling.embedding")
    vectors = encoders.embed_texts(
        encoder, synthetic.texts, dataset=f"{synthetic.name} (sweep)", batch_size=resampling.embedding.batch_size
    )
    space = encoder.identity()
    by_k = {
        k: fit_clustering(
            vectors,
            resampling.clustering.model_copy(update={"num_clusters": k}),
            seed,
            space,
            num_threads=resampling.num_threads,
        )
        for k in tqdm(config.ks, desc="k-means of the synthetic set", leave=False)
    }
    return SweepClusterings(resampling.embedding, space, by_k, list(synthetic.texts))


def disabled_clusterings() -> SweepClusterings:
    return SweepClusterings(encoder=None, space={}, by_k={}, texts=[])


def release_order(config: SweepConfig) -> list[tuple[int, float]]:
    """Cheapest (largest sigma) first, so a nearly spent budget loses the costly points."""
    return [(k, s) for s in sorted(config.noise_multipliers, reverse=True) for k in config.ks]


def release_histograms(
    clusterings: SweepClusterings,
    voters: pl.DataFrame,
    *,
    ledger: PrivacyLedger,
    privacy: PrivacyParameters,
    config: SweepConfig,
    released: Mapping[str, NoisyHistogram],
) -> dict[str, Any]:
    """The DP step: one noisy vote histogram of ``voters`` per (K, sigma), released by the
    resampling stage's helper (:func:`~dp_instructions.resampling.histogram.release_vote_histogram`):
    each charged to the ledger before its noise is drawn, or reused when released before
    and held by the ledger (an orphaned file is refused). Raw counts never leave the
    helper; what leaves is rounded."""
    check_private_instructions(voters, VOTERS)
    n = voters.height
    fingerprint = fingerprint_texts(voters["text"])
    budget = Budget.from_params(privacy, n)
    noise_seed = privacy.noise_seed
    noise = NoiseSource.from_seed(noise_seed)  # one stream for every point of the sweep
    vectors: npt.NDArray[np.float32] | None = None
    points = []
    for k, sigma in release_order(config):
        clustering = clusterings.by_k[k]
        request = request_histogram(
            fingerprint=fingerprint,
            dataset_size=n,
            sigma=sigma,
            noise_seed=noise_seed,
            budget=budget,
            clustering=clustering,
            released=released,
            stage=STAGE,
            dataset=VOTERS,
            store=STORE,
            purpose=PURPOSE,
        )
        point: dict[str, Any] = {"k": k, "noise_multiplier": sigma, "release_key": request.release_key}
        if vectors is None and not request.reuse:  # embedded only when something is released
            encoder = load_encoder(clusterings.encoder, parameter="resampling.embedding")
            vectors = encoders.embed_texts(
                encoder, voters["text"].to_list(), dataset=VOTERS, batch_size=clusterings.encoder.batch_size
            )
        try:
            release = release_vote_histogram(request, vectors, clustering, ledger, noise=noise)
        except PrivacyBudgetExceededError as exc:
            log.warning(
                "sweep point K=%d sigma=%g skipped: the ledger refused it (spent %.3f, requested %.3f, budget %.3f)",
                k,
                sigma,
                exc.spent,
                exc.requested,
                exc.budget,
            )
            point.update(
                status=SKIPPED_BUDGET,
                histogram=None,
                epsilon_spent_before=exc.spent,
                epsilon_requested=exc.requested,
                budget_epsilon=exc.budget,
                reason=str(exc),
            )
            points.append(point)
            continue
        if release.reused:
            point.update(status=REUSED, histogram=release.histogram.to_json())
        else:
            point.update(
                status=RELEASED,
                histogram=release.histogram.to_json(),
                epsilon=release.record.epsilon,
                epsilon_total_after=release.record.epsilon_total,
            )
        points.append(point)
    counts = {s: sum(p["status"] == s for p in points) for s in (RELEASED, REUSED, SKIPPED_BUDGET)}
    log.info(
        "sweep on %s (N=%d): %d histograms released, %d reused, %d skipped (budget)",
        VOTERS,
        n,
        counts[RELEASED],
        counts[REUSED],
        counts[SKIPPED_BUDGET],
    )
    return {
        "status": "ok",
        "voters": VOTERS,
        "voters_size": n,
        "fingerprint": fingerprint,
        "budget": {"epsilon": budget.epsilon, "delta": budget.delta},
        "synthetic_size": len(clusterings.texts),
        "embedding": dict(clusterings.space),
        "points": points,
    }


def disabled_release() -> dict[str, Any]:
    return {"status": "disabled", "voters": VOTERS, "points": []}


def released_in(data: Any, source: str) -> list[NoisyHistogram]:
    """The histograms recorded in one saved sweep release (``resampling_sweep_histograms``)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("points"), list):
        raise InvalidInputError(f"{source}: not a sweep release (no `points` list)")
    return [
        NoisyHistogram.from_json(p["histogram"], source=f"{source}, K={p.get('k')}")
        for p in data["points"]
        if p.get("histogram") is not None
    ]


def sweep_shortage(mode: ShortageMode) -> ShortageMode:
    """The stage's shortage policy, except that a sweep cannot stop on a shortage."""
    return ShortageMode.REDISTRIBUTE if mode is ShortageMode.ERROR else mode


def score_sweep(
    release: Mapping[str, Any],
    clusterings: SweepClusterings,
    initial_pool: EmbeddedTexts,
    reference: EmbeddedTexts,
    encoder: LoadedEncoder,
    mauve: MauveConfig,
    *,
    sample_size: int,
    target_size: int,
    shortage: ShortageMode,
    seed: int,
    batch_size: int = 64,
) -> dict[str, Any]:
    """Post-processing of the released histograms: each point's resampled set (T draws
    by the stage's procedure), the initial samples it needs, and the MAUVE of a sample of
    it against ``reference`` (``encoder`` embeds the samples, reusing the initial pool's
    vectors); JSON-ready."""
    synthetic_size = len(clusterings.texts)
    out: dict[str, Any] = {
        "status": release["status"],
        "voters": release.get("voters"),
        "voters_size": release.get("voters_size"),
        "budget": release.get("budget"),
        "initial_size": synthetic_size,
        "target_size": target_size,
        "sample_size": sample_size,
        "seeds": list(mauve.seeds),
        "reference": reference.name,
        "shortage": sweep_shortage(shortage).value,
        "baseline": None,
        "points": [],
    }
    if release["status"] != "ok":
        return out

    def mauve_of(vectors: npt.NDArray[np.float32], mauve_seed: int) -> MauveValue:
        # The same test sample as the MAUVE table's for this seed (when the sizes agree).
        ref_idx = sample_indices(len(reference.texts.texts), len(vectors), mauve_seed, reference.name)
        return embedding_mauve(
            reference.vectors[ref_idx],
            vectors,
            num_buckets=embedding_buckets(len(vectors), mauve.num_buckets),
            scaling=mauve.embedding_scaling,
            seed=mauve_seed,
            num_redo=mauve.kmeans_num_redo,
            max_iter=mauve.kmeans_max_iter,
        )

    base = [
        mauve_of(
            initial_pool.vectors[sample_indices(len(initial_pool.texts.texts), sample_size, s, initial_pool.name)], s
        )
        for s in mauve.seeds
    ]
    out["baseline"] = {"label": f"{initial_pool.name} (no resampling)", **_summary(base)}

    rows, samples = [], {}
    for point in release["points"]:
        row: dict[str, Any] = {
            "k": point["k"],
            "noise_multiplier": point["noise_multiplier"],
            "status": point["status"],
            "epsilon": point.get("epsilon"),
            "mauve_mean": None,
            "mauve_std": None,
            "per_seed": [],
            "initial_samples_required": None,
        }
        rows.append(row)
        if point["histogram"] is None:
            row["epsilon_requested"] = point.get("epsilon_requested")
            continue
        histogram = NoisyHistogram.from_json(point["histogram"], source="resampling_sweep_histograms")
        clustering = clusterings.by_k[point["k"]]
        if histogram.clustering_digest != clustering.digest:
            raise InvalidInputError(
                f"resampling_sweep_histograms: the K={point['k']} histogram was released for other clusters"
            )
        row["release_id"] = histogram.release_id
        weights = np.clip(histogram.counts().astype(np.float64), 0.0, None)
        if not weights.sum() > 0:
            row["status"] = DEGENERATE
            continue
        try:
            plan = plan_draws(
                targets_from_noisy_counts(histogram.counts(), target_size),
                clustering.sizes(),
                weights,
                sweep_shortage(shortage),
            )
        except InsufficientSamplesError as exc:  # `replace` with an empty cluster: nothing to draw from
            row["status"] = f"not drawable: {exc}"
            continue
        name = f"resampled K={point['k']} sigma={point['noise_multiplier']:g}"
        drawn = draw_indices(clustering.labels, plan, int(rng_for(seed, name).integers(2**62)))
        # One MAUVE sample per point (seeds vary the test sample and the quantisation):
        # every sample is embedded, and the embedding is what costs.
        keep = sample_indices(len(drawn), min(sample_size, len(drawn)), seed, name)
        samples[id(row)] = TextSet(name, [clusterings.texts[i] for i in drawn[keep]], len(drawn), 0)
        row.update(
            {
                "resampled": int(len(drawn)),
                "shortfall_clusters": len(plan.shortfalls),
                "draws_with_replacement": int(plan.extra.sum()),
                "initial_samples_required": plan.initial_samples_needed,
                "initial_per_resampled": None
                if plan.initial_samples_needed is None
                else plan.initial_samples_needed / target_size,
            }
        )

    # One encoder pass for every point's sample (they share many texts).
    if samples:
        embedded = embed_sets(samples.values(), encoder, batch_size, known=[initial_pool])
    with tqdm(total=len(samples) * len(mauve.seeds), desc="sweep MAUVE", leave=False) as bar:
        for row in rows:
            if id(row) not in samples:
                continue
            vectors = embedded[samples[id(row)].name].vectors
            values = []
            for mauve_seed in mauve.seeds:
                values.append(mauve_of(vectors, mauve_seed))
                bar.update()
            summary = _summary(values)
            row.update(
                {
                    "mauve_mean": summary["mean"],
                    "mauve_std": summary["std"],
                    "per_seed": summary["per_seed"],
                    "mass_outside_reference": summary["mass_outside_reference"],
                }
            )
            log.info(
                "sweep K=%d sigma=%g (%s): MAUVE %.3f ± %.3f (%.0f%% outside the test buckets), initial "
                "samples required %s",
                row["k"],
                row["noise_multiplier"],
                row["status"],
                row["mauve_mean"],
                row["mauve_std"],
                100 * row["mass_outside_reference"],
                row["initial_samples_required"],
            )
    out["points"] = rows
    return out


def _summary(values: list[MauveValue]) -> dict[str, Any]:
    scores = [v.score for v in values]
    return {
        "mean": float(np.mean(scores)),
        "std": spread(scores),
        "per_seed": scores,
        "mass_outside_reference": float(np.mean([v.candidate_outside for v in values])),
    }


def _by_sigma(result: Mapping[str, Any], field: str) -> dict[float, list[tuple[int, float, float]]]:
    lines: dict[float, list[tuple[int, float, float]]] = {}
    for p in result["points"]:
        if p.get(field) is not None:
            std = (p.get("mauve_std") or 0.0) if field == "mauve_mean" else 0.0
            lines.setdefault(p["noise_multiplier"], []).append((p["k"], p[field], std))
    return {s: sorted(v) for s, v in sorted(lines.items())}


def _k_axis(ax: plt.Axes, result: Mapping[str, Any]) -> None:
    """Log-scaled K axis labelled with the swept values themselves."""
    ks = sorted({p["k"] for p in result["points"]})
    ax.set_xscale("log")
    if ks:
        ax.xaxis.set_major_locator(FixedLocator(ks))
        ax.xaxis.set_major_formatter(FixedFormatter([str(k) for k in ks]))
        ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("K (clusters)")


def _note(result: Mapping[str, Any]) -> str:
    if result["status"] == "disabled":
        return "sweep disabled (evaluation.sweep.enabled: false)"
    missing = sum(p.get("mauve_mean") is None for p in result["points"])
    return f"{missing} point(s) not computed (privacy budget or degenerate histogram)" if missing else ""


def mauve_plot(result: Mapping[str, Any]) -> plt.Figure:
    """Figure 5: MAUVE of the resampled set against K, one line per sigma; dashed, on the
    right axis, the share of it in embedding buckets without a test instruction, which
    still moves when MAUVE is saturated near 0."""
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    outside = ax.twinx()
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    shares = _by_sigma(result, "mass_outside_reference")
    for i, (sigma, pts) in enumerate(_by_sigma(result, "mauve_mean").items()):
        ks, mean, std = zip(*pts)
        colour = colours[i % len(colours)]
        ax.errorbar(ks, mean, yerr=std, marker="o", capsize=3, color=colour, label=f"σ = {sigma:g}")
        if sigma in shares:
            sk, share, _ = zip(*shares[sigma])
            outside.plot(sk, share, linestyle="--", marker="x", color=colour, alpha=0.7)
    if result.get("baseline"):
        ax.axhline(result["baseline"]["mean"], color="grey", linestyle="-", label="initial (no resampling)")
        outside.axhline(result["baseline"]["mass_outside_reference"], color="grey", linestyle="--", alpha=0.7)
    _k_axis(ax, result)
    ax.set_ylim(-0.02, 1.02)
    outside.set_ylim(-0.02, 1.02)
    ax.set_ylabel(f"embedding MAUVE vs {result.get('reference', 'test')} (solid)")
    outside.set_ylabel("share outside the test buckets (dashed)")
    note = _note(result)
    ax.set_title("Resampled synthetic set: MAUVE by K and σ" + (f"\n{note}" if note else ""), fontsize=10)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="center left")
    fig.tight_layout()
    return fig


def samples_plot(result: Mapping[str, Any]) -> plt.Figure:
    """Figure 6: initial synthetic samples required for the resampled size, by K and sigma."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for sigma, pts in _by_sigma(result, "initial_samples_required").items():
        ks, required, _ = zip(*pts)
        ax.plot(ks, required, marker="o", label=f"σ = {sigma:g}")
    if result.get("initial_size"):
        ax.axhline(result["initial_size"], color="grey", linestyle="--", label="synthetic_initial size")
    _k_axis(ax, result)
    ax.set_yscale("log")
    ax.set_ylabel(f"initial samples for T = {result.get('target_size', '?')}")
    note = _note(result)
    ax.set_title(
        "Initial samples required (no cluster drawn beyond its size)" + (f"\n{note}" if note else ""), fontsize=10
    )
    ax.grid(alpha=0.3, which="both")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def points_table(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "K": p["k"],
            "sigma": p["noise_multiplier"],
            "status": p["status"],
            "epsilon": p.get("epsilon"),
            "MAUVE": None if p.get("mauve_mean") is None else f"{p['mauve_mean']:.3f} ± {p['mauve_std']:.3f}",
            "outside test buckets": None
            if p.get("mass_outside_reference") is None
            else f"{p['mass_outside_reference']:.0%}",
            "short clusters": p.get("shortfall_clusters"),
            "initial required": p.get("initial_samples_required"),
        }
        for p in result["points"]
    ]
