"""MAUVE between the real test instructions and each compared set (paper, Table 1).

Two representations, as in the paper:

* **unigram**: the word-frequency distributions of the two samples (words as the Rust
  n-gram kernel sees them, :func:`dp_instructions.native.tokenize`), compared directly
  as multinomials over the joint vocabulary, scaling constant c = 5;
* **embedding**: sentence embeddings of both samples, jointly PCA-reduced and k-means
  quantised into buckets by the official ``mauve-text`` package
  (:func:`mauve.compute_mauve`), c = 10, 500 buckets where the sample allows (MAUVE's
  own rule of thumb is one bucket per ten samples per side, so n = 5,000 gives 500).

MAUVE depends on the sample size, so every comparison of a run uses the same n (the
smallest pool, capped by ``max_samples``) and, for each seed, the same reference sample.
Each seed draws fresh samples from the pools and quantises with its own k-means seed;
mean and spread are over seeds.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")  # plots are files; never open a window from a pipeline node

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import polars as pl
from mauve import compute_mauve
from mauve.compute_mauve import get_divergence_curve_for_multinomials
from sklearn.metrics import auc
from tqdm.auto import tqdm

from dp_instructions import native
from dp_instructions.evaluation.embeddings import EmbeddedTexts
from dp_instructions.evaluation.parameters import MauveConfig
from dp_instructions.evaluation.samples import sample_indices
from dp_instructions.exceptions import InvalidInputError

log = logging.getLogger(__name__)

REFERENCE = "instructions_test"
#: The public base model's own samples (no fine-tuning): the "public only" baseline, the row
#: that shows what DP fine-tuning adds.
PUBLIC_ONLY = "public_only_samples"
#: Compared sets in table order: the method's stages (public only -> DP fine-tuned ->
#: resampled), the out-of-distribution public corpus and the real training split (an upper
#: reference: real vs real).
COMPARED = (PUBLIC_ONLY, "synthetic_initial", "synthetic_resampled", "public_instructions", "instructions_train")
REPRESENTATIONS = ("unigram", "embedding")
#: The method's steps, each between two rows of the table: what it adds is the difference.
STEPS = (
    ("DP fine-tuning", PUBLIC_ONLY, "synthetic_initial"),
    ("resampling", "synthetic_initial", "synthetic_resampled"),
)
#: A MAUVE difference smaller than this is not called a change, whatever the spread.
MIN_GAP = 0.005
#: mauve-text's default discretisation of the divergence curve.
DIVERGENCE_CURVE_POINTS = 25


def unigram_histograms(
    p_texts: Sequence[str], q_texts: Sequence[str]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Word-frequency distributions of two samples over their joint vocabulary."""
    p_counts: Counter[str] = Counter()
    q_counts: Counter[str] = Counter()
    for text in p_texts:
        p_counts.update(native.tokenize(text))
    for text in q_texts:
        q_counts.update(native.tokenize(text))
    if not p_counts or not q_counts:
        side = "p" if not p_counts else "q"
        raise InvalidInputError(f"unigram MAUVE: the {side} sample has no words")
    vocab = sorted(p_counts.keys() | q_counts.keys())
    p = np.array([p_counts[w] for w in vocab], dtype=np.float64)
    q = np.array([q_counts[w] for w in vocab], dtype=np.float64)
    return p / p.sum(), q / q.sum()


def mauve_from_histograms(p: npt.NDArray[np.float64], q: npt.NDArray[np.float64], scaling: float) -> float:
    """MAUVE of two multinomials: the area under mauve-text's divergence curve, computed
    exactly as :func:`mauve.compute_mauve` does once it has its cluster histograms (the
    package has no entry point for histograms one already has, e.g. unigrams)."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if p.shape != q.shape or p.ndim != 1:
        raise InvalidInputError(f"histograms must be 1-d and of equal length, got {p.shape} and {q.shape}")
    for name, h in (("p", p), ("q", q)):
        if (h < 0).any() or not math.isclose(h.sum(), 1.0, rel_tol=1e-9):
            raise InvalidInputError(f"histogram {name} must be non-negative and sum to 1")
    weights = np.linspace(1e-6, 1 - 1e-6, DIVERGENCE_CURVE_POINTS)
    x, y = get_divergence_curve_for_multinomials(p, q, weights, scaling).T
    i, j = np.argsort(x), np.argsort(y)
    return float(0.5 * (auc(x[i], y[i]) + auc(y[j], x[j])))


@dataclass(frozen=True)
class MauveValue:
    """A MAUVE score and how much of each side's quantised mass lies where the other side
    has none. MAUVE saturates near 0 once the supports barely overlap; these two shares
    then say how far apart the samples are, and whether something moved them closer."""

    score: float
    candidate_outside: float
    """Share of the candidate (q) in buckets / words with no reference (p) mass."""
    reference_outside: float
    """Share of the reference (p) in buckets / words with no candidate (q) mass."""


def _value(score: float, p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> MauveValue:
    return MauveValue(float(score), float(q[p == 0].sum()), float(p[q == 0].sum()))


def unigram_mauve(p_texts: Sequence[str], q_texts: Sequence[str], scaling: float) -> MauveValue:
    p, q = unigram_histograms(p_texts, q_texts)
    return _value(mauve_from_histograms(p, q, scaling), p, q)


def embedding_buckets(sample_size: int, configured: int) -> int:
    """``configured`` buckets where the sample allows one per ten samples, else n/10."""
    return max(2, min(configured, sample_size // 10))


def embedding_mauve(
    p_features: npt.NDArray[np.float32],
    q_features: npt.NDArray[np.float32],
    *,
    num_buckets: int,
    scaling: float,
    seed: int,
    num_redo: int = 5,
    max_iter: int = 500,
) -> MauveValue:
    """mauve-text on pre-computed features: joint PCA, k-means into ``num_buckets``,
    divergence frontier with scaling constant ``scaling``."""
    out = compute_mauve(
        p_features=p_features,
        q_features=q_features,
        num_buckets=num_buckets,
        mauve_scaling_factor=scaling,
        kmeans_num_redo=num_redo,
        kmeans_max_iter=max_iter,
        seed=seed,
        verbose=False,
    )
    return _value(out.mauve, out.p_hist, out.q_hist)


def common_sample_size(pools: Mapping[str, EmbeddedTexts], max_samples: int) -> int:
    return min(max_samples, *(len(e.texts.texts) for e in pools.values()))


def spread(values: Sequence[float]) -> float:
    """Sample standard deviation over seeds (0 for a single seed)."""
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


def compare_to_reference(
    reference: EmbeddedTexts,
    candidates: Mapping[str, EmbeddedTexts],
    config: MauveConfig,
    *,
    embedding: Mapping[str, Any],
) -> dict[str, Any]:
    """MAUVE of every candidate against ``reference``, both representations, every seed.
    Returns a JSON-ready dict (see ``scores`` for the rows)."""
    if not candidates:
        raise InvalidInputError("MAUVE: no set to compare with the reference")
    n = common_sample_size({reference.name: reference, **candidates}, config.max_samples)
    if n < 20:
        sizes = {e.name: len(e.texts.texts) for e in (reference, *candidates.values())}
        raise InvalidInputError(f"MAUVE needs at least 20 samples per side; set sizes: {sizes}")
    buckets = embedding_buckets(n, config.num_buckets)
    values: dict[tuple[str, str], list[MauveValue]] = {(c, r): [] for c in candidates for r in REPRESENTATIONS}
    total = len(config.seeds) * len(candidates)
    with tqdm(total=total, desc="MAUVE", leave=False) as bar:
        for seed in config.seeds:
            ref_idx = sample_indices(len(reference.texts.texts), n, seed, reference.name)
            ref_texts = [reference.texts.texts[i] for i in ref_idx]
            ref_vectors = reference.vectors[ref_idx]
            for name, cand in candidates.items():
                idx = sample_indices(len(cand.texts.texts), n, seed, name)
                texts = [cand.texts.texts[i] for i in idx]
                values[(name, "unigram")].append(unigram_mauve(ref_texts, texts, config.unigram_scaling))
                values[(name, "embedding")].append(
                    embedding_mauve(
                        ref_vectors,
                        cand.vectors[idx],
                        num_buckets=buckets,
                        scaling=config.embedding_scaling,
                        seed=seed,
                        num_redo=config.kmeans_num_redo,
                        max_iter=config.kmeans_max_iter,
                    )
                )
                bar.update()
    scores = []
    for (name, rep), per_seed in values.items():
        v = [x.score for x in per_seed]
        scores.append(
            {
                "dataset": name,
                "representation": rep,
                "mean": float(np.mean(v)),
                "std": spread(v),
                "per_seed": v,
                "candidate_mass_outside_reference": float(np.mean([x.candidate_outside for x in per_seed])),
                "reference_mass_outside_candidate": float(np.mean([x.reference_outside for x in per_seed])),
            }
        )
    for row in scores:
        log.info(
            "MAUVE %-22s %-9s %.3f ± %.3f (%.0f%% of its mass where %s has none)",
            row["dataset"],
            row["representation"],
            row["mean"],
            row["std"],
            100 * row["candidate_mass_outside_reference"],
            reference.name,
        )
    return {
        "reference": reference.name,
        "sample_size": n,
        "seeds": list(config.seeds),
        "settings": {
            "unigram": {"scaling": config.unigram_scaling, "tokens": "words (dp_instructions.native.tokenize)"},
            "embedding": {
                **embedding,
                "scaling": config.embedding_scaling,
                "num_buckets": buckets,
                "num_buckets_configured": config.num_buckets,
                "kmeans_num_redo": config.kmeans_num_redo,
                "kmeans_max_iter": config.kmeans_max_iter,
            },
        },
        "datasets": {
            e.name: {"rows": e.texts.source_rows, "excluded_rows": e.texts.excluded, "pool": len(e.texts.texts)}
            for e in (reference, *candidates.values())
        },
        "scores": scores,
    }


def scores_frame(result: Mapping[str, Any]) -> pl.DataFrame:
    """One row per compared dataset: mean and spread per representation."""
    rows: dict[str, dict[str, Any]] = {}
    for s in result["scores"]:
        row = rows.setdefault(s["dataset"], {"dataset": s["dataset"]})
        row[f"{s['representation']}_mean"] = s["mean"]
        row[f"{s['representation']}_std"] = s["std"]
        row[f"{s['representation']}_outside"] = s["candidate_mass_outside_reference"]
    order = [d for d in COMPARED if d in rows] + [d for d in rows if d not in COMPARED]
    return pl.DataFrame([rows[d] for d in order])


@dataclass(frozen=True)
class StepGain:
    """What one step of the method adds to MAUVE in one representation: the difference of
    the means of the rows after and before it, set against the spread over seeds."""

    step: str
    representation: str
    before: str
    after: str
    before_mean: float
    before_std: float
    after_mean: float
    after_std: float

    @property
    def gain(self) -> float:
        return self.after_mean - self.before_mean

    @property
    def beyond_spread(self) -> bool:
        """Whether the difference exceeds the larger of the two spreads over seeds (and
        :data:`MIN_GAP`): a smaller one is no evidence either way."""
        return abs(self.gain) > max(self.before_std, self.after_std, MIN_GAP)

    def describe(self) -> str:
        where = "beyond the spread over seeds" if self.beyond_spread else "within the spread over seeds"
        return (
            f"{self.step} {self.gain:+.3f} ({self.before} {self.before_mean:.3f} ± {self.before_std:.3f} → "
            f"{self.after} {self.after_mean:.3f} ± {self.after_std:.3f}; {where})"
        )


def step_gains(result: Mapping[str, Any], representation: str) -> list[StepGain]:
    """The :data:`STEPS` whose two rows the result holds, in order."""
    rows = {s["dataset"]: s for s in result["scores"] if s["representation"] == representation}
    return [
        StepGain(
            step,
            representation,
            before,
            after,
            rows[before]["mean"],
            rows[before]["std"],
            rows[after]["mean"],
            rows[after]["std"],
        )
        for step, before, after in STEPS
        if before in rows and after in rows
    ]


def gains_sentence(result: Mapping[str, Any], representation: str) -> str:
    """One sentence: what DP fine-tuning (synthetic_initial − public only) and resampling
    (synthetic_resampled − synthetic_initial) add to ``representation`` MAUVE, each with
    the two rows' spreads; empty when the result holds neither step."""
    gains = step_gains(result, representation)
    if not gains:
        return ""
    return f"What each step adds to {representation} MAUVE: " + "; ".join(g.describe() for g in gains) + "."


def markdown_table(result: Mapping[str, Any]) -> str:
    emb = result["settings"]["embedding"]
    lines = [
        f"MAUVE against `{result['reference']}` (higher is closer; n = {result['sample_size']} per side, "
        f"mean ± std over seeds {result['seeds']}).",
        "",
        f"| dataset | unigram (c={result['settings']['unigram']['scaling']:g}) "
        f"| embedding (c={emb['scaling']:g}, {emb['num_buckets']} buckets) | outside the reference: words, buckets |",
        "|---|---:|---:|---:|",
    ]
    for row in scores_frame(result).iter_rows(named=True):
        lines.append(
            f"| {row['dataset']} | {row['unigram_mean']:.3f} ± {row['unigram_std']:.3f} "
            f"| {row['embedding_mean']:.3f} ± {row['embedding_std']:.3f} "
            f"| {row['unigram_outside']:.0%}, {row['embedding_outside']:.0%} |"
        )
    gains = [gains_sentence(result, rep) for rep in REPRESENTATIONS]
    lines += ["", *(f"{g}\n" for g in gains if g)]
    lines += [
        f"Embeddings: {emb['model']}. Last column: share of the set's word mass on words, and of its "
        "samples in embedding buckets, that the reference sample does not have (MAUVE saturates "
        "near 0 as it approaches 100%).",
    ]
    return "\n".join(lines) + "\n"


def bar_plot(result: Mapping[str, Any]) -> plt.Figure:
    frame = scores_frame(result)
    x = np.arange(frame.height)
    width = 0.38
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for offset, rep, colour in ((-width / 2, "unigram", "#4C72B0"), (width / 2, "embedding", "#DD8452")):
        ax.bar(x + offset, frame[f"{rep}_mean"], width, yerr=frame[f"{rep}_std"], capsize=3, label=rep, color=colour)
    ax.set_xticks(x, frame["dataset"].to_list(), rotation=12)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("MAUVE")
    ax.set_title(f"MAUVE vs {result['reference']} (n={result['sample_size']}, {len(result['seeds'])} seeds)")
    ax.legend(loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
