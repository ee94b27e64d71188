"""Plain-Python oracles of the Rust kernels: the same semantics, written as simply as
possible. Property tests compare the kernels with them; benchmarks time them as the
reference implementation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd"})
# `\w` matches a superset of the word characters (it adds other numerics): split further.
_W_RUN = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Maximal runs of Unicode letters, decimal digits or `_`, each lower-cased."""
    out: list[str] = []
    for match in _W_RUN.finditer(text):
        run = match.group()
        if run.isascii():
            out.append(run.lower())
            continue
        current: list[str] = []
        for ch in run:
            if ch == "_" or unicodedata.category(ch) in WORD_CATEGORIES:
                current.append(ch)
            elif current:
                out.append("".join(current).lower())
                current = []
        if current:
            out.append("".join(current).lower())
    return out


def _ngrams(text: str, n: int) -> list[tuple[str, ...]]:
    ws = words(text)
    return [tuple(ws[k : k + n]) for k in range(len(ws) - n + 1)]


def ngram_dedup(texts: Sequence[str], n: int, reference: Iterable[str] = ()) -> tuple[list[bool], list[int]]:
    """(kept, matched) with matched = earliest earlier text sharing an n-gram, else -2 if
    a reference text shares one, else -1."""
    ref: set[tuple[str, ...]] = set()
    for t in reference:
        ref.update(_ngrams(t, n))
    first: dict[tuple[str, ...], int] = {}
    kept: list[bool] = []
    matched: list[int] = []
    for i, text in enumerate(texts):
        grams = _ngrams(text, n)
        earliest = min((first[g] for g in grams if g in first), default=None)
        if earliest is not None:
            kept.append(False)
            matched.append(earliest)
        elif any(g in ref for g in grams):
            kept.append(False)
            matched.append(-2)
        else:
            kept.append(True)
            matched.append(-1)
        for g in grams:
            first.setdefault(g, i)
    return kept, matched


def sq_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Squared L2 distance in float64, summed in coordinate order."""
    acc = 0.0
    for p, q in zip(a, b):
        diff = float(p) - float(q)
        acc += diff * diff
    return acc


def nearest_centroid(x: np.ndarray, centroids: np.ndarray) -> tuple[list[int], list[float]]:
    labels: list[int] = []
    dists: list[float] = []
    cl = centroids.tolist()
    for row in x.tolist():
        best, best_d = 0, float("inf")
        for j, c in enumerate(cl):
            dist = sq_distance(row, c)
            if dist < best_d:
                best, best_d = j, dist
        labels.append(best)
        dists.append(best_d)
    return labels, dists


def vote_counts(x: np.ndarray, centroids: np.ndarray) -> list[int]:
    counts = [0] * len(centroids)
    for label in nearest_centroid(x, centroids)[0]:
        counts[label] += 1
    return counts


def resample_shortfalls(labels: Sequence[int], targets: Sequence[int], replace: bool) -> list[tuple[int, int, int]]:
    """(cluster, needed, available) for every cluster that cannot meet its target."""
    sizes = [0] * len(targets)
    for label in labels:
        sizes[label] += 1
    return [(j, t, sizes[j]) for j, t in enumerate(targets) if ((t > 0 and sizes[j] == 0) if replace else t > sizes[j])]


def resample_with_masks(labels: np.ndarray, targets: np.ndarray, seed: int) -> np.ndarray:
    """The paper's code path: one boolean mask per cluster plus numpy.random.choice."""
    rng = np.random.default_rng(seed)
    out = []
    for j, t in enumerate(targets):
        members = np.where(labels == j)[0]
        out.append(np.sort(rng.choice(members, size=int(t), replace=False)))
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)
