"""Side-by-side speed of the Rust kernels against the references they replace.

    python tests/benchmarks/bench_native.py [--quick] [--threads 2]

Prints, per kernel, the median seconds of ours and of the reference over several runs
and the ratio reference/ours (higher is better), checking on the way that both give the
same answer. Text for the n-gram benchmark comes from ../shared/data/public_ood.jsonl
(replicated to >= 150 MB) when present, else from generated instructions.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dp_instructions import native  # noqa: E402
from tests import oracles  # noqa: E402

SHARED_OOD = ROOT.parent / "shared" / "data" / "public_ood.jsonl"


def median_time(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def votes_peak_extra_mb(which: str, n: int, k: int, d: int, threads: int) -> float:
    """Peak memory that one vote count adds on top of its inputs, measured in a fresh
    process by sampling its resident set size during a second (warm) call."""
    out = subprocess.run(
        [sys.executable, __file__, "--peak-child", which, str(n), str(k), str(d), str(threads)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _peak_child(which: str, n: int, k: int, d: int, threads: int) -> None:
    rng = np.random.default_rng(1)
    x, c = unit_rows(rng, n, d), unit_rows(rng, k, d)
    if which == "faiss":
        import faiss

        faiss.omp_set_num_threads(threads)
        run = lambda: faiss_votes(x, c)  # noqa: E731
    else:
        run = lambda: native.vote_counts(x, c, num_threads=threads)  # noqa: E731
    run()  # warm up: thread pools, BLAS buffers, lazy imports
    print(sampled_peak_extra_mb(run))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sampled_peak_extra_mb(fn: Callable[[], object]) -> float:
    """Peak resident memory above the level before `fn`, sampled every millisecond."""
    base = peak = rss_mb()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mb())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        fn()
    finally:
        done.set()
        sampler.join()
    return max(peak, rss_mb()) - base


def faiss_votes(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    import faiss

    index = faiss.IndexFlatL2(c.shape[1])
    index.add(c)
    _, idx = index.search(x, 1)
    return np.bincount(idx[:, 0], minlength=c.shape[0])


def instruction_corpus(target_mb: float) -> tuple[list[str], str]:
    """>= target_mb of text: real prompts replicated, every other replica perturbed so
    that it brings new n-grams (a realistic mix of duplicates and new text)."""
    if SHARED_OOD.exists():
        base = [json.loads(line)["text"] for line in SHARED_OOD.open(encoding="utf-8")]
        source = f"{SHARED_OOD.name} ({len(base):,} prompts) replicated"
    else:
        rng = np.random.default_rng(0)
        vocab = [f"word{i}" for i in range(5000)]
        base = [" ".join(rng.choice(vocab, size=rng.integers(5, 80))) for _ in range(20000)]
        source = "generated text (../shared/data/public_ood.jsonl missing)"
    base_bytes = sum(len(t.encode()) for t in base)
    texts: list[str] = []
    replica, total = 0, 0
    while total < target_mb * 1e6:
        if replica % 2 == 0:
            texts.extend(base)
            total += base_bytes
        else:
            tag = f"r{replica}"
            for t in base:
                ws = t.split(" ")
                ws[::7] = [tag] * len(ws[::7])
                texts.append(" ".join(ws))
                total += len(texts[-1].encode())
        replica += 1
    return texts, source


def bench_ngram(target_mb: float, runs: int, threads: int) -> dict:
    texts, source = instruction_corpus(target_mb)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    print(f"n-gram dedup: {len(texts):,} texts, {mb:.0f} MB from {source}", flush=True)
    ours_t, ours = median_time(lambda: native.ngram_dedup(texts, 10, num_threads=threads), runs)
    ref_t, ref = median_time(lambda: oracles.ngram_dedup(texts, 10), max(1, runs // 2))
    assert ours.kept.tolist() == ref[0] and ours.matched.tolist() == ref[1], "results differ"
    return {
        "kernel": f"ngram_dedup n=10, {mb:.0f} MB",
        "reference": "Python dict/set (tests/oracles.py)",
        "ours_s": ours_t,
        "ref_s": ref_t,
        "extra": f"{mb / ours_t:.0f} MB/s; kept {int(ours.kept.sum()):,}/{len(texts):,}",
    }


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    a = rng.standard_normal((n, d), dtype=np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    return a


def bench_votes(n: int, k: int, d: int, runs: int, threads: int) -> dict:
    import faiss

    faiss.omp_set_num_threads(threads)
    rng = np.random.default_rng(1)
    x, c = unit_rows(rng, n, d), unit_rows(rng, k, d)
    ours_t, ours = median_time(lambda: native.vote_counts(x, c, num_threads=threads), runs)
    ref_t, ref = median_time(lambda: faiss_votes(x, c), runs)
    ours_mem = votes_peak_extra_mb("ours", n, k, d, threads)
    ref_mem = votes_peak_extra_mb("faiss", n, k, d, threads)
    # faiss rounds in float32 through ||x||^2+||c||^2-2x.c; ours is exact: near-ties may differ.
    moved = int(np.abs(ours - ref).sum()) // 2
    return {
        "kernel": f"vote_counts N={n:,} K={k:,} d={d}",
        "reference": "faiss IndexFlatL2.search + np.bincount",
        "ours_s": ours_t,
        "ref_s": ref_t,
        "extra": f"peak extra RSS ours {ours_mem:.0f} MB, faiss {ref_mem:.0f} MB; votes that differ {moved}",
    }


def bench_resample(m: int, k: int, runs: int, threads: int) -> dict:
    rng = np.random.default_rng(2)
    labels = rng.integers(0, k, size=m).astype(np.int64)
    sizes = np.bincount(labels, minlength=k)
    targets = (sizes // 2).astype(np.int64)
    ours_t, ours = median_time(lambda: native.resample_indices(labels, targets, seed=7, num_threads=threads), runs)
    ref_t, ref = median_time(lambda: oracles.resample_with_masks(labels, targets, seed=7), runs)
    assert len(ours) == len(ref) == targets.sum()
    assert np.array_equal(np.bincount(labels[ours], minlength=k), targets)
    return {
        "kernel": f"resample_indices M={m:,} K={k:,}",
        "reference": "mask per cluster + numpy choice (paper code)",
        "ours_s": ours_t,
        "ref_s": ref_t,
        "extra": f"{int(targets.sum()):,} draws",
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--peak-child":
        which, n, k, d, threads = sys.argv[2], *map(int, sys.argv[3:7])
        _peak_child(which, n, k, d, threads)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    t, runs = args.threads, args.runs
    print(f"threads={t} runs={runs} (median) cpu_count={os.cpu_count()}", flush=True)
    rows = []
    if args.quick:
        rows.append(bench_ngram(5, runs, t))
        rows.append(bench_votes(20_000, 1000, 384, runs, t))
        rows.append(bench_resample(100_000, 1000, runs, t))
    else:
        rows.append(bench_ngram(150, 3, t))
        rows.append(bench_votes(180_000, 1000, 384, runs, t))
        rows.append(bench_votes(1_000_000, 1000, 384, 3, t))
        rows.append(bench_resample(1_000_000, 1000, runs, t))
    print()
    print("| kernel | reference | ours (s) | reference (s) | speed-up | notes |")
    print("|---|---|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['kernel']} | {r['reference']} | {r['ours_s']:.3f} | {r['ref_s']:.3f} "
            f"| {r['ref_s'] / r['ours_s']:.1f}x | {r['extra']} |"
        )


if __name__ == "__main__":
    main()
