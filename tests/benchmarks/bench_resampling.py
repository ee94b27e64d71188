"""The resampling stage (paper, Algorithm 2): speed per step at paper scale, embedding
throughput, and resampling quality (MAUVE) on real text.

    python tests/benchmarks/bench_resampling.py                 # everything
    python tests/benchmarks/bench_resampling.py --quick         # small smoke run
    python tests/benchmarks/bench_resampling.py --only steps    # or: embedding, quality

1. Steps: M = 1,000,000 synthetic and N = 180,000 real precomputed 384-d embeddings
   (unit vectors around 2,000 directions, real and synthetic with different mixtures),
   K = 1,000: seconds for k-means, labelling, the DP release (fingerprint, votes, ledger,
   noise), targets and resampling, with the labels, votes and resampling timed against
   faiss / numpy references in the same run (same threads) and checked to agree.
2. Embedding throughput (sentences/s) of the default model, contextual and static, on
   this machine's CPU, and on the GPU when torch sees one.
3. Quality: ``../shared/data/dev_real.jsonl`` is the "real" set; ``public_ood.jsonl`` plus
   every other row of dev_real is the synthetic pool. MAUVE (mauve-text on embedding
   features of contextual MiniLM, the judge) of the real set against a random subset of
   the pool and against the DP-resampled set of the same size, over several seeds.
   Embeddings are cached under --cache-dir (they take minutes on a 2-core CPU).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dp_instructions import native  # noqa: E402
from dp_instructions.privacy import PrivacyLedger  # noqa: E402
from dp_instructions.privacy.parameters import PrivacyParameters  # noqa: E402
from dp_instructions.resampling.clustering import fit_clustering  # noqa: E402
from dp_instructions.resampling.embeddings import embed_texts, load_encoder  # noqa: E402
from dp_instructions.resampling.histogram import (  # noqa: E402
    ReleasedHistograms,
    prepare_release,
    release_noisy_histogram,
)
from dp_instructions.resampling.parameters import ClusteringConfig, EmbeddingConfig, ShortageMode  # noqa: E402
from dp_instructions.resampling.sampling import draw_indices  # noqa: E402
from dp_instructions.resampling.targets import plan_draws, targets_from_noisy_counts  # noqa: E402
from tests import oracles  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
PRIVACY = PrivacyParameters.model_validate(
    {"epsilon": 6.0, "delta": None, "histogram_noise_multiplier": 10.0, "noise_seed": 0}
)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_time(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t, result = timed(fn)
        times.append(t)
    return statistics.median(times), result


def mixture(rng: np.random.Generator, n: int, directions: np.ndarray, weights: np.ndarray, spread: float) -> np.ndarray:
    """``n`` unit vectors scattered around ``directions`` drawn with ``weights``."""
    out = np.empty((n, directions.shape[1]), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        pick = rng.choice(directions.shape[0], size=m, p=weights)
        block = directions[pick] + spread * rng.standard_normal((m, directions.shape[1]), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + m] = block
    return out


def bench_steps(m: int, n: int, k: int, d: int, iterations: int, threads: int, runs: int) -> list[dict]:
    import faiss

    faiss.omp_set_num_threads(threads)
    rng = np.random.default_rng(0)
    directions = rng.standard_normal((2 * k, d)).astype(np.float32)
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    w_syn = rng.dirichlet(np.full(2 * k, 0.5))
    w_real = rng.dirichlet(np.full(2 * k, 0.5))
    t_gen, (xs, xr) = timed(
        lambda: (mixture(rng, m, directions, w_syn, 0.06), mixture(rng, n, directions, w_real, 0.06))
    )
    print(
        f"steps: M={m:,} synthetic, N={n:,} real, d={d}, K={k:,}, {iterations} k-means iterations, "
        f"{threads} threads (data generated in {t_gen:.1f}s)",
        flush=True,
    )
    rows: list[dict] = []

    cfg = ClusteringConfig(num_clusters=k, iterations=iterations)
    t_fit, clustering = timed(lambda: fit_clustering(xs, cfg, 1, {"model": "bench"}, num_threads=threads))
    ours_t, (labels, _) = median_time(
        lambda: native.nearest_centroid(xs, clustering.centroids, num_threads=threads), runs
    )
    assert np.array_equal(labels, clustering.labels)

    def faiss_labels() -> np.ndarray:
        index = faiss.IndexFlatL2(d)
        index.add(clustering.centroids)
        return index.search(xs, 1)[1][:, 0]

    ref_t, ref_labels = median_time(faiss_labels, runs)
    rows.append(
        {
            "step": f"k-means (faiss, {clustering.train_points:,} training points) + labels",
            "ours_s": t_fit,
            "ref_s": None,
            "note": "one run; includes labelling all M",
        }
    )
    rows.append(
        {
            "step": f"label M={m:,} (nearest centroid)",
            "ours_s": ours_t,
            "ref_s": ref_t,
            "note": f"faiss IndexFlatL2.search; labels that differ: {int((ref_labels != labels).sum())}",
        }
    )

    texts = [f"real instruction {i}" for i in range(n)]
    real = pl.DataFrame({"id": [str(i) for i in range(n)], "text": texts})
    t_prep, request = timed(lambda: prepare_release(real, clustering, ReleasedHistograms(), PRIVACY))
    rows.append(
        {"step": f"prepare release (fingerprint of N={n:,} texts, key)", "ours_s": t_prep, "ref_s": None, "note": ""}
    )
    votes_t, votes = median_time(lambda: native.vote_counts(xr, clustering.centroids, num_threads=threads), runs)

    def faiss_votes() -> np.ndarray:
        index = faiss.IndexFlatL2(d)
        index.add(clustering.centroids)
        return np.bincount(index.search(xr, 1)[1][:, 0], minlength=k)

    fvotes_t, fvotes = median_time(faiss_votes, runs)
    rows.append(
        {
            "step": f"votes N={n:,}",
            "ours_s": votes_t,
            "ref_s": fvotes_t,
            "note": f"faiss search + bincount; votes that differ: {int(np.abs(votes - fvotes).sum()) // 2}",
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        ledger = PrivacyLedger(Path(tmp) / "ledger.jsonl")
        t_rel, released = timed(lambda: release_noisy_histogram(request, xr, clustering, ledger, num_threads=threads))
    rows.append(
        {
            "step": "release: votes + ledger charge (PRV) + noise",
            "ours_s": t_rel,
            "ref_s": None,
            "note": "fixed noise seed (benchmark)",
        }
    )

    t_total = n  # the paper's T = N
    t_tg, tg = median_time(lambda: targets_from_noisy_counts(released.counts(), t_total), runs)
    plan = plan_draws(tg, clustering.sizes(), np.clip(released.counts(), 0, None), ShortageMode.REDISTRIBUTE)
    rows.append(
        {
            "step": f"targets (exact largest remainder), T={t_total:,}",
            "ours_s": t_tg,
            "ref_s": None,
            "note": f"{len(plan.shortfalls)} short clusters redistributed",
        }
    )
    res_t, idx = median_time(lambda: draw_indices(clustering.labels, plan, 7, num_threads=threads), runs)
    ref_res_t, ref_idx = median_time(lambda: oracles.resample_with_masks(clustering.labels, plan.draws, 7), runs)
    assert len(idx) == len(ref_idx) == t_total
    assert np.array_equal(np.bincount(clustering.labels[idx], minlength=k), plan.draws)
    assert np.array_equal(np.bincount(clustering.labels[ref_idx], minlength=k), plan.draws)
    rows.append(
        {
            "step": f"resample T={t_total:,} from M={m:,}",
            "ours_s": res_t,
            "ref_s": ref_res_t,
            "note": "mask per cluster + numpy choice (paper code); same per-cluster counts",
        }
    )
    return rows


def bench_embedding(count: int, batch_size: int) -> list[dict]:
    import torch

    path = SHARED / "dev_real.jsonl"
    if path.exists():
        texts = [json.loads(line)["text"] for line in path.open()][:count]
        source = f"{path.name}"
    else:
        print("  ../shared/data/dev_real.jsonl is missing: embedding generated sentences")
        texts = [f"Write a short story about a robot number {i} who learns to paint." for i in range(count)]
        source = "generated"
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    rows = []
    for device in devices:
        for mode in ("contextual", "static"):
            enc = load_encoder(
                EmbeddingConfig(
                    model="all-MiniLM-L6-v2",
                    mode=mode,
                    max_seq_length=128,
                    device=device,
                    batch_size=batch_size,
                    show_progress=False,
                )
            )
            embed_texts(enc, texts[:32], dataset="warm-up", show_progress=False)
            t, _ = timed(
                lambda enc=enc: embed_texts(enc, texts, dataset="bench", batch_size=batch_size, show_progress=False)
            )
            rows.append(
                {
                    "device": device,
                    "mode": mode,
                    "texts": len(texts),
                    "seconds": t,
                    "per_second": len(texts) / t,
                    "source": source,
                    "threads": torch.get_num_threads() if device == "cpu" else None,
                }
            )
            print(
                f"  embedding {mode:10s} on {device}: {len(texts) / t:8.1f} sentences/s "
                f"({len(texts)} texts from {source}, max 128 tokens)",
                flush=True,
            )
    return rows


def cached_embeddings(cache: Path, mode: str, texts: list[str]) -> np.ndarray:
    key = hashlib.sha256(("\n".join(texts) + mode).encode()).hexdigest()[:16]
    file = cache / f"emb-{mode}-{len(texts)}-{key}.npy"
    if file.exists():
        return np.load(file)
    enc = load_encoder(EmbeddingConfig(model="all-MiniLM-L6-v2", mode=mode, max_seq_length=128, batch_size=64))
    t, x = timed(lambda: embed_texts(enc, texts, dataset=f"quality-{mode}", show_progress=True))
    print(f"  embedded {len(texts):,} texts ({mode}) in {t:.0f}s", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(file, x)
    return x


def bench_quality(cache: Path, k: int, sigma: float, target: int, seeds: int, ood_limit: int | None) -> dict:
    import mauve

    real_path, ood_path = SHARED / "dev_real.jsonl", SHARED / "public_ood.jsonl"
    if not (real_path.exists() and ood_path.exists()):
        print("  ../shared/data/{dev_real,public_ood}.jsonl missing: quality benchmark skipped")
        return {}
    real = [json.loads(line)["text"] for line in real_path.open()]
    ood = [json.loads(line)["text"] for line in ood_path.open()]
    if ood_limit:
        ood = ood[:ood_limit]
    pool = ood + real[::2]  # public OOD text + half of the real distribution
    print(
        f"quality: real = dev_real ({len(real):,}); pool = public_ood ({len(ood):,}) + every other "
        f"dev_real row ({len(real[::2]):,}); T={target}, K={k}, sigma={sigma}, {seeds} seeds",
        flush=True,
    )
    judge_real = cached_embeddings(cache, "contextual", real)
    judge_pool = cached_embeddings(cache, "contextual", pool)
    features = {"contextual": (judge_real, judge_pool)}
    features["static"] = (cached_embeddings(cache, "static", real), cached_embeddings(cache, "static", pool))

    def score(indices: np.ndarray, seed: int) -> float:
        out = mauve.compute_mauve(
            p_features=judge_real,
            q_features=judge_pool[indices],
            device_id=-1,
            verbose=False,
            seed=seed,
            num_buckets=max(2, min(len(real), len(indices)) // 10),
        )
        return float(out.mauve)

    def share_real(indices: np.ndarray) -> float:
        return float(np.mean(np.asarray(indices) >= len(ood)))

    results: dict[str, dict] = {}
    rng = np.random.default_rng(0)
    scores, shares = [], []
    for s in range(seeds):
        idx = np.sort(rng.choice(len(pool), size=target, replace=False))
        scores.append(score(idx, s))
        shares.append(share_real(idx))
    results["random subset"] = {"mauve": scores, "real_share": shares}
    # Upper reference: the resampled set could at best be T of the dev_real rows in the pool.
    scores = [
        score(
            np.sort(rng.choice(np.arange(len(ood), len(pool)), size=min(target, len(pool) - len(ood)), replace=False)),
            s,
        )
        for s in range(seeds)
    ]
    results["reference: dev_real rows of the pool"] = {"mauve": scores, "real_share": [1.0] * seeds}
    real_df = pl.DataFrame({"id": [str(i) for i in range(len(real))], "text": real})
    for mode, (xr, xp) in features.items():
        scores, shares, shortfalls = [], [], []
        for s in range(seeds):
            clustering = fit_clustering(xp, ClusteringConfig(num_clusters=k), 100 + s, {"model": mode})
            privacy = PRIVACY.model_copy(update={"histogram_noise_multiplier": sigma, "noise_seed": 1000 + s})
            with tempfile.TemporaryDirectory() as tmp:
                request = prepare_release(real_df, clustering, ReleasedHistograms(), privacy)
                released = release_noisy_histogram(request, xr, clustering, PrivacyLedger(Path(tmp) / "l.jsonl"))
            tg = targets_from_noisy_counts(released.counts(), target)
            plan = plan_draws(tg, clustering.sizes(), np.clip(released.counts(), 0, None), ShortageMode.REDISTRIBUTE)
            idx = draw_indices(clustering.labels, plan, 200 + s)
            scores.append(score(idx, s))
            shares.append(share_real(idx))
            shortfalls.append(len(plan.shortfalls))
        results[f"DP-resampled ({mode} MiniLM clusters)"] = {
            "mauve": scores,
            "real_share": shares,
            "short_clusters": shortfalls,
        }
    for name, r in results.items():
        print(
            f"  {name:40s} MAUVE {np.mean(r['mauve']):.3f} +- {np.std(r['mauve']):.3f}   "
            f"dev_real share {np.mean(r['real_share']):.2f}",
            flush=True,
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", choices=["steps", "embedding", "quality"], action="append")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--synthetic", type=int, default=1_000_000)
    parser.add_argument("--real", type=int, default=180_000)
    parser.add_argument("--clusters", type=int, default=1_000)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--embed-texts", type=int, default=512)
    parser.add_argument("--quality-k", type=int, default=20)
    parser.add_argument("--quality-target", type=int, default=500)
    parser.add_argument("--quality-seeds", type=int, default=5)
    parser.add_argument("--ood-limit", type=int, default=None, help="use only the first n public_ood rows")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "dp-instructions-bench")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if args.quick:
        args.synthetic, args.real, args.clusters, args.iterations, args.runs = 50_000, 10_000, 100, 10, 1
        args.embed_texts, args.quality_seeds, args.ood_limit = 64, 2, args.ood_limit or 1_000
    only = set(args.only or ["steps", "embedding", "quality"])
    out: dict = {}
    if "steps" in only:
        rows = bench_steps(args.synthetic, args.real, args.clusters, 384, args.iterations, args.threads, args.runs)
        print("\n| step | ours (s) | reference (s) | speed-up | note |\n|---|---:|---:|---:|---|")
        for r in rows:
            ref = f"{r['ref_s']:.3f}" if r["ref_s"] is not None else "-"
            speed = f"{r['ref_s'] / r['ours_s']:.1f}x" if r["ref_s"] is not None else "-"
            print(f"| {r['step']} | {r['ours_s']:.3f} | {ref} | {speed} | {r['note']} |")
        print(flush=True)
        out["steps"] = rows
    if "embedding" in only:
        out["embedding"] = bench_embedding(args.embed_texts, 64)
    if "quality" in only:
        out["quality"] = bench_quality(
            args.cache_dir, args.quality_k, 10.0, args.quality_target, args.quality_seeds, args.ood_limit
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main()
