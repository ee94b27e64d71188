"""Annotation throughput of the OpenAI-compatible teacher backend against a real local
server (``transformers serve``), at concurrency 1 and 16, in one run; and the local
``transformers`` backend on the same model, batched, for comparison.

    python tests/benchmarks/bench_annotation.py                       # tiny local chat model
    python tests/benchmarks/bench_annotation.py --model PATH --requests 64 --max-tokens 64

Each figure is the median of ``--repeats`` runs over ``--requests`` distinct requests
(no response cache: every request is sent). The server runs on this machine, so on a
2-core CPU the client and the server share the cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

from dp_instructions.alignment.teachers.base import ChatRequest, GenerationSettings  # noqa: E402
from dp_instructions.alignment.teachers.openai_backend import OpenAIChatTeacher  # noqa: E402
from dp_instructions.alignment.teachers.transformers_backend import TransformersTeacher  # noqa: E402
from tests.alignment.teachers.openai_server import TransformersServer, save_tiny_chat_model  # noqa: E402


def requests(n: int, run: int) -> list[ChatRequest]:
    return [ChatRequest.from_user_text(f"r{run}-{i}", f"give me ideas for dinner, variant {run} {i}") for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a local chat model directory (default: a tiny one built here)")
    parser.add_argument("--requests", type=int, default=48)
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", default="1,16")
    parser.add_argument(
        "--server-args", default="", help='extra `transformers serve` flags, e.g. "--continuous-batching"'
    )
    args = parser.parse_args()
    settings = GenerationSettings(max_tokens=args.max_tokens, temperature=1.0, seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(args.model) if args.model else save_tiny_chat_model(Path(tmp) / "tiny-chat")
        server = TransformersServer(model_dir, Path(tmp) / "server.log", tuple(args.server_args.split()))
        try:
            rows = []
            run = 0
            for concurrency in (int(c) for c in args.concurrency.split(",")):
                teacher = OpenAIChatTeacher(
                    base_url=f"{server.url}/v1", api_key="bench", model=str(model_dir), concurrency=concurrency
                )
                teacher.answer(requests(4, -1 - concurrency), settings)  # warm-up: the server loads the model
                rates = []
                for _ in range(args.repeats):
                    run += 1
                    batch = requests(args.requests, run)
                    started = time.perf_counter()
                    result = teacher.answer(batch, settings)
                    rates.append(len(batch) / (time.perf_counter() - started))
                    assert all(a.status.value != "failed" for a in result.answers)
                rows.append((f"openai backend, concurrency {concurrency}", statistics.median(rates)))
        finally:
            server.stop()
        local = TransformersTeacher(
            AutoModelForCausalLM.from_pretrained(str(model_dir)),
            AutoTokenizer.from_pretrained(str(model_dir)),
            name=str(model_dir),
            batch_size=16,
        )
        rates = []
        for _ in range(args.repeats):
            run += 1
            batch = requests(args.requests, run)
            started = time.perf_counter()
            local.answer(batch, settings)
            rates.append(len(batch) / (time.perf_counter() - started))
        rows.append(("transformers backend, batch 16 (in process)", statistics.median(rates)))
    base = rows[0][1]
    print(f"\n{args.requests} requests, {args.max_tokens} new tokens each, median of {args.repeats} runs")
    print(f"{'backend':<46} {'requests/s':>11} {'vs concurrency 1':>17}")
    for name, rate in rows:
        print(f"{name:<46} {rate:>11.1f} {rate / base:>16.2f}x")


if __name__ == "__main__":
    main()
