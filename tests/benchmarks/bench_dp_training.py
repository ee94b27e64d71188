"""Step time of DP-LoRA against the same LoRA training without DP, and sampling speed.

    python tests/benchmarks/bench_dp_training.py [--quick] [--threads 2]
    python tests/benchmarks/bench_dp_training.py --device cuda --model-size 100m

Both arms run :func:`dp_instructions.models.dp_training.loop.train_lora` on the same model,
data, expected batch and micro-batch (``--batch``): the only difference is
``config.dp``. Four arms:

* ``lora``: plain Adam, no per-example gradients, no noise (the non-private control);
* ``dp-fixed``: DP-Adam with a fixed-seed noise source; its Poisson batches are drawn
  from the same seeded generator as ``lora``'s, so both arms see *identical* batches;
* ``dp-secure``: DP-Adam as in production: noise and batch coins from ``os.urandom``.
* ``dp-unbucketed``: ``dp-fixed`` with ``length_bucketing`` off: each micro-batch in the
  drawn order at the full width (what the loop did before bucketing); the same batches,
  clipping and noise, so ``dp-unbucketed / dp-fixed`` is what bucketing saves.
* ``dp-ghost``: ``dp-fixed`` with ``grad_sample_mode="ghost"`` (Opacus fast gradient
  clipping: per-example norms only, then a second backward pass); the same clipped sum.

``--precision`` (auto, fp32, bf16) sets every arm's base-model dtype (auto: bf16 on GPUs
that support it).

Each arm runs ``--runs`` times, interleaved (load on a shared machine drifts), each run
``--steps`` steps; a run's figure is its median step time, the arm's figure the median
over runs. The target is ``dp-secure / lora <= 1.3`` on the CPU. On the CPU the step time
is process CPU time with one torch thread (``--threads``), because wall time on a shared
machine measures the neighbours; wall times are printed too. On CUDA it is wall time.
Time per example is printed as well: ``dp-secure`` draws its own (secret) batches, whose
sizes differ from the other arms'. Sampling throughput (samples/s, new tokens/s) is
measured on the DP-trained model with
:func:`dp_instructions.models.sampling.sample_instructions`.

Models are GPT-2s built from a config: ``small`` is the embedded default (n_embd 192,
4 layers, 4 heads, 64 tokens, BPE vocabulary 4096 trained on the public demo corpus);
``100m`` is GPT-2-small shaped (768, 12 layers, 12 heads, 128 tokens) with a 16,384-row
vocabulary, about 98M parameters. Texts are the English first turns of the demo chat
corpus (instruction-like, 5-60 tokens). ``--profile`` adds a cProfile of one DP run.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dp_instructions.models.dp_training.loop import DPFineTuneConfig, train_lora  # noqa: E402
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2  # noqa: E402
from dp_instructions.models.sampling import SamplingConfig, sample_instructions  # noqa: E402
from dp_instructions.models.tokenizer import train_bpe_tokenizer  # noqa: E402
from dp_instructions.privacy.noise import NoiseSource  # noqa: E402

MODEL_SIZES = {
    # name: (SmallGPT2Config, vocabulary rows of the model)
    "small": (SmallGPT2Config(n_embd=192, n_layer=4, n_head=4, max_length=64), None),
    "100m": (SmallGPT2Config(n_embd=768, n_layer=12, n_head=12, max_length=128), 16_384),
}


def public_texts(n: int, seed: int) -> list[str]:
    from dp_instructions.demo.public import public_instruction

    rnd = random.Random(seed)
    return [public_instruction(rnd)[0] for _ in range(n)]


def instruction_texts(n: int, seed: int) -> list[str]:
    """English first user turns of the demo chat corpus (the shape of the private data)."""
    from dp_instructions.demo.corpus import generate_conversations

    frame = generate_conversations(size=int(n * 1.6) + 50, seed=seed)
    texts = [
        conv[0]["content"]
        for conv, lang in zip(frame["conversation"].to_list(), frame["language"].to_list())
        if lang == "English" and conv and (conv[0]["content"] or "").strip()
    ]
    if len(texts) < n:
        raise SystemExit(f"the demo corpus gave only {len(texts)} English instructions, fewer than {n}")
    return texts[:n]


def build_model(tokenizer, size: str):
    config, vocab_rows = MODEL_SIZES[size]
    model = build_small_gpt2(tokenizer, config, seed=0)
    if vocab_rows is not None and vocab_rows > len(tokenizer):
        model.resize_token_embeddings(vocab_rows)  # rows past the tokenizer are never read, only computed
    return model.eval()


def run_arm(arm: str, base, tokenizer, texts, args, device, seed: int):
    cfg = DPFineTuneConfig(
        expected_batch_size=args.batch,
        physical_batch_size=args.physical_batch or args.batch,
        max_length=MODEL_SIZES[args.model_size][0].max_length,
        dp=arm != "lora",
        length_bucketing=arm != "dp-unbucketed",
        grad_sample_mode="ghost" if arm == "dp-ghost" else "hooks",
        precision=args.precision,
        seed=seed,
        learning_rate=1e-3,
        max_grad_norm=0.5,
        lora_rank=8,
        lora_alpha=16,
        lora_dropout=0.0,
        target_modules=None,
        checkpoint_every=10,
    )
    noise = NoiseSource.secure() if arm == "dp-secure" else NoiseSource.fixed(seed)
    model = copy.deepcopy(base).to(device)
    return train_lora(
        model,
        tokenizer,
        texts,
        cfg,
        sampling_rate=args.batch / len(texts),
        steps=args.steps,
        noise_multiplier=1.0,
        noise_source=noise,
        device=device,
    )


def profile_dp(base, tokenizer, texts, args, device) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run_arm("dp-secure", base, tokenizer, texts, args, device, seed=99)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", help="cpu or cuda[:n]")
    parser.add_argument("--model-size", default="small", choices=sorted(MODEL_SIZES))
    parser.add_argument(
        "--batch", type=int, default=None, help="expected batch = micro-batch (default 32 cpu / 64 cuda)"
    )
    parser.add_argument(
        "--physical-batch", type=int, default=None, help="micro-batch (default: the whole expected batch at once)"
    )
    parser.add_argument("--precision", default="auto", choices=("auto", "fp32", "bf16"), help="base model dtype")
    parser.add_argument("--steps", type=int, default=15, help="steps per run")
    parser.add_argument("--runs", type=int, default=3, help="runs per arm (median)")
    parser.add_argument("--train-size", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=256, help="instructions to sample for the throughput figure")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default 1 on cpu)")
    parser.add_argument("--quick", action="store_true", help="fewer steps, runs and samples")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one DP run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is visible")
    if args.batch is None:
        args.batch = 64 if device.type == "cuda" else 32
    if args.quick:
        args.steps, args.runs, args.samples = min(args.steps, 8), min(args.runs, 2), min(args.samples, 64)
    if args.threads is None and device.type == "cpu":
        args.threads = 1  # one thread: CPU time then measures work, not OpenMP spin-waits
    if args.threads:
        torch.set_num_threads(args.threads)

    t0 = time.perf_counter()
    vocab = 16_384 if args.model_size == "100m" else 4096
    tokenizer = train_bpe_tokenizer(public_texts(4000, 0), vocab_size=vocab)
    texts = instruction_texts(args.train_size, 1)
    base = build_model(tokenizer, args.model_size)
    n_params = sum(p.numel() for p in base.parameters())
    lengths = [len(ids) for ids in tokenizer(texts[:500])["input_ids"]]
    print(
        f"model {args.model_size}: {n_params / 1e6:.1f}M parameters, vocab rows {base.config.vocab_size}, "
        f"max length {MODEL_SIZES[args.model_size][0].max_length}; device {device}, torch threads "
        f"{torch.get_num_threads()}; {len(texts)} instructions (median {statistics.median(lengths):.0f} tokens); "
        f"batch {args.batch}, micro-batch {args.physical_batch or args.batch}, {args.steps} steps x {args.runs} runs "
        f"(setup {time.perf_counter() - t0:.1f}s)"
    )

    arms = ("lora", "dp-fixed", "dp-secure", "dp-unbucketed", "dp-ghost")
    per_step: dict[str, list[float]] = {a: [] for a in arms}
    per_example: dict[str, list[float]] = {a: [] for a in arms}
    wall_step: dict[str, list[float]] = {a: [] for a in arms}
    trained = None
    # One warm-up run of each arm (allocator, kernels, Opacus hook set-up caches).
    for arm in arms:
        run_arm(arm, base, tokenizer, texts, argparse.Namespace(**{**vars(args), "steps": 2}), device, seed=1000)
    # On the CPU the figure is process CPU time per step: on a shared machine wall time
    # mostly measures the neighbours (2x swings between identical runs at load 6 on 2
    # cores). On a GPU, CPU time means nothing: wall time (each step ends in a sync).
    use_cpu_time = device.type == "cpu"
    for run in range(args.runs):
        for arm in arms:
            model, result = run_arm(arm, base, tokenizer, texts, args, device, seed=run)
            per_step[arm].append(result.extra["per_step_cpu_seconds"] if use_cpu_time else result.per_step_seconds)
            wall_step[arm].append(result.per_step_seconds)
            # Per example too: the secure arm's Poisson batches differ from the others'.
            spent = result.extra["cpu_seconds"] if use_cpu_time else result.seconds
            per_example[arm].append(spent / max(1, result.examples_seen))
            if arm == "dp-secure":
                trained = model
    med = {a: statistics.median(per_step[a]) for a in arms}
    kind = "CPU" if use_cpu_time else "wall"
    print(
        f"\n{'arm':<10} {f'median step, {kind} (ms)':>24} {'per run (ms)':>28} {'median step, wall (ms)':>24} "
        f"{f'{kind} ms / example':>18}"
    )
    for arm in arms:
        runs = ", ".join(f"{1e3 * s:.1f}" for s in per_step[arm])
        print(
            f"{arm:<10} {1e3 * med[arm]:>24.1f} {runs:>28} {1e3 * statistics.median(wall_step[arm]):>24.1f} "
            f"{1e3 * statistics.median(per_example[arm]):>18.2f}"
        )
    ratio_secure = med["dp-secure"] / med["lora"]
    ratio_fixed = med["dp-fixed"] / med["lora"]
    verdict = "meets" if ratio_secure <= 1.3 else "MISSES"
    wall_ratio = statistics.median(wall_step["dp-secure"]) / statistics.median(wall_step["lora"])
    bucketing_gain = med["dp-unbucketed"] / med["dp-fixed"]
    ghost_ratio = med["dp-ghost"] / med["dp-fixed"]
    print(
        f"\nDP-LoRA / LoRA step time ({kind}): {ratio_secure:.2f} with secure noise ({verdict} the 1.3 target), "
        f"{ratio_fixed:.2f} with fixed-seed noise (identical batches); wall-time ratio {wall_ratio:.2f}"
    )
    print(
        f"length bucketing: DP step without / with it ({kind}, identical batches): {bucketing_gain:.2f}x "
        f"(micro-batch {args.physical_batch or args.batch})"
    )
    print(f"ghost clipping: DP step ghost / hooks ({kind}, identical batches): {ghost_ratio:.2f}x")

    sampling_cfg = SamplingConfig(
        num_samples=args.samples,
        batch_size=min(args.samples, 128),
        max_new_tokens=MODEL_SIZES[args.model_size][0].max_length - 1,
        seed=0,
    )
    sample_instructions(trained, tokenizer, SamplingConfig(num_samples=8, batch_size=8, max_new_tokens=8))  # warm-up
    sampling = [sample_instructions(trained, tokenizer, sampling_cfg)[1] for _ in range(max(1, args.runs))]
    sps = statistics.median(s["samples_per_second"] for s in sampling)
    tps = statistics.median(s["tokens_per_second"] for s in sampling)
    print(
        f"sampling (nucleus top_p 0.95, up to {sampling_cfg.max_new_tokens} new tokens, batch "
        f"{sampling_cfg.batch_size}): {sps:.1f} samples/s, {tps:.0f} new tokens/s"
    )

    if args.profile:
        print("\ncProfile of one dp-secure run (top 25 by own time):")
        print(profile_dp(base, tokenizer, texts, args, device))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "model_size": args.model_size,
                    "parameters": n_params,
                    "device": str(device),
                    "threads": torch.get_num_threads(),
                    "batch": args.batch,
                    "steps": args.steps,
                    "runs": args.runs,
                    "time": kind,
                    "median_step_seconds": med,
                    "step_seconds": per_step,
                    "wall_step_seconds": wall_step,
                    "ratio_secure": ratio_secure,
                    "wall_ratio_secure": wall_ratio,
                    "ratio_fixed": ratio_fixed,
                    "bucketing_gain": bucketing_gain,
                    "ghost_over_hooks": ghost_ratio,
                    "precision": args.precision,
                    "physical_batch": args.physical_batch or args.batch,
                    "seconds_per_example": per_example,
                    "sampling_samples_per_second": sps,
                    "sampling_tokens_per_second": tps,
                    "cpu_count": os.cpu_count(),
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
