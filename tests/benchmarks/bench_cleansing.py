"""End-to-end speed of the data_cleansing pipeline against a plain-Python implementation.

    python tests/benchmarks/bench_cleansing.py [--size 1000000] [--reference-size 100000]

Generates demo conversations (not timed), runs the whole data_cleansing pipeline with
Kedro's SequentialRunner on in-memory datasets, and reports conversations/s and the
peak resident memory of the process. Then it runs ours and the plain-Python reference
(tests/benchmarks/reference_cleansing.py) on `--reference-size` conversations and prints
the ratio.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kedro.io import DataCatalog, MemoryDataset  # noqa: E402
from kedro.runner import SequentialRunner  # noqa: E402

from dp_instructions.cleansing.parameters import DataCleansingParameters  # noqa: E402
from dp_instructions.cleansing.pii import DEFAULT_DETECTORS  # noqa: E402
from dp_instructions.demo.corpus import generate_conversations, generate_eval_reference  # noqa: E402
from dp_instructions.pipelines.data_cleansing import create_pipeline  # noqa: E402
from tests.benchmarks import reference_cleansing  # noqa: E402

PARAMS = DataCleansingParameters()  # the default run's values
SEED = 20240721


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def run_ours(raw, reference) -> tuple[float, int]:
    catalog = DataCatalog(
        {
            "raw_conversations": MemoryDataset(raw, copy_mode="assign"),
            "eval_reference_instructions": MemoryDataset(reference, copy_mode="assign"),
            "params:data_cleansing": MemoryDataset(PARAMS),
            "params:seed": MemoryDataset(SEED),
        }
    )
    start = time.perf_counter()
    out = SequentialRunner().run(create_pipeline(), catalog)
    elapsed = time.perf_counter() - start
    report = out["cleansing_report"].load()
    return elapsed, report["kept_instructions"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--reference-size", type=int, default=100_000)
    args = parser.parse_args()
    logging.disable(logging.INFO)

    print(f"generating {args.size:,} demo conversations (not timed)...", flush=True)
    raw = generate_conversations(args.size, seed=0)
    reference = generate_eval_reference(300, seed=0, conversations_size=args.size, conversations_seed=0)
    rss_before = peak_rss_gb()
    ours_s, kept = run_ours(raw, reference)
    print(
        f"ours, {args.size:,} conversations: {ours_s:.1f} s = {args.size / ours_s:,.0f} conversations/s; "
        f"kept {kept:,}; peak RSS {peak_rss_gb():.2f} GB (after generation {rss_before:.2f} GB)",
        flush=True,
    )

    small = raw.head(args.reference_size)
    small_ref = generate_eval_reference(300, seed=0, conversations_size=args.reference_size, conversations_seed=0)
    ours_small_s, ours_kept = run_ours(small, small_ref)
    rows = small.to_dicts()
    start = time.perf_counter()
    result = reference_cleansing.cleanse(
        rows, small_ref["text"].to_list(), PARAMS.model_dump(), SEED, [d.pattern for d in DEFAULT_DETECTORS]
    )
    ref_s = time.perf_counter() - start
    ref_kept = len(result["train"]) + len(result["val"]) + len(result["test"])
    print()
    print("| run | conversations | ours (s) | plain Python (s) | speed-up | kept (ours / reference) |")
    print("|---|---:|---:|---:|---:|---|")
    print(
        f"| data_cleansing end to end | {args.reference_size:,} | {ours_small_s:.2f} | {ref_s:.2f} "
        f"| {ref_s / ours_small_s:.1f}x | {ours_kept:,} / {ref_kept:,} |"
    )
    print(f"| data_cleansing end to end | {args.size:,} | {ours_s:.1f} | - | - | {kept:,} |")


if __name__ == "__main__":
    main()
