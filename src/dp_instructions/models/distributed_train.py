"""DP-LoRA fine-tuning on several GPUs (or CPU processes): a ``torchrun`` entry point.

The Kedro ``dp_generation`` node trains on one machine (``world_size`` processes it
starts itself). For a multi-GPU node, or several nodes, run this module under
``torchrun``, one process per GPU::

    torchrun --standalone --nproc_per_node=8 -m dp_instructions.models.distributed_train \\
        --base-model meta-llama/Llama-3.2-1B \\
        --data data/03_primary/instructions_train/<version>/instructions_train.parquet \\
        --epsilon 6 --epochs 10 --expected-batch-size 4096 --physical-batch-size 32 \\
        --ledger data/09_privacy/privacy_ledger.jsonl \\
        --output data/06_models/dp_generator_torchrun

Several nodes: the same command on each node with ``--nnodes=2 --node_rank=<i>
--rdzv_backend=c10d --rdzv_endpoint=<host>:29500`` instead of ``--standalone``. Without
``torchrun``, ``--nproc N`` starts N local workers itself (gloo on the CPU, NCCL on
GPUs); ``--nproc 1`` (the default) trains in this process.

What each process does: every rank reads all the data and the same base model; rank
``r`` of ``W`` trains on the shard ``r, r+W, ...``, Poisson-sampling it at the rate
``q = expected_batch_size / N`` of the whole dataset, so the union of the local batches
is one Poisson sample at rate ``q`` and the privacy analysis is that of a single process:
``steps = ceil(epochs / q)`` steps of the subsampled Gaussian mechanism.
``--physical-batch-size`` is per process (memory), ``--expected-batch-size`` is global
(privacy). Rank 0 alone adds the Gaussian noise (from ``os.urandom``; ``--noise-seed``
makes it reproducible and NOT private), clipped sums are all-reduced, every replica
applies the same update. Rank 0 writes the checkpoint (``--checkpoint``; resume by
running the same command again) and the output.

Privacy: ``--epsilon`` alone calibrates the noise multiplier with the PRV accountant
(``--histogram-noise`` reserves room for the later DP histogram, paper Algorithm 2);
``--noise-multiplier`` fixes it and reports epsilon instead. ``--ledger`` charges the
release to the project's privacy ledger *before* training, and refuses to train if the
dataset's budget (``--epsilon``) would be overspent: use it for anything that leaves the
machine; re-running the same command to resume a checkpoint does not charge again. The
output directory is a generator artefact (``metadata.json``, ``adapter/``, ``tokenizer/``
and, for a base model given as a local directory, ``base/``) that
:func:`dp_instructions.models.artifact.load_generator` reads; ``metadata.json`` holds the
plan, the accountant's history and epsilon.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError

log = logging.getLogger("dp_instructions.models.distributed_train")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dp_instructions.models.distributed_train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = parser.add_argument_group("model and data")
    data.add_argument("--base-model", required=True,
                      help="hub id or local path of a causal LM, or a Kedro `public_base_model` version directory")
    data.add_argument("--tokenizer", help="tokenizer id or directory (default: --base-model)")
    data.add_argument("--data", required=True, type=Path, help="private instructions: .parquet, .jsonl, .csv or .txt")
    data.add_argument("--text-column", default="text", help="column holding the instructions (default: text)")
    data.add_argument("--output", required=True, type=Path, help="directory for the generator artefact")
    privacy = parser.add_argument_group("privacy")
    privacy.add_argument("--epsilon", type=float,
                         help="budget epsilon (calibrates the noise unless --noise-multiplier)")
    privacy.add_argument("--delta", type=float, help="delta (default: the largest 5e-k below 1/(10 N))")
    privacy.add_argument("--noise-multiplier", type=float,
                         help="fix the DP-SGD noise multiplier instead of calibrating")
    privacy.add_argument("--histogram-noise", type=float,
                         help="noise multiplier of the later DP histogram to reserve budget for when calibrating")
    privacy.add_argument("--noise-seed", type=int, help="fixed noise seed: reproducible and NOT private")
    privacy.add_argument("--ledger", type=Path, help="privacy ledger to charge before training (needs --epsilon)")
    train = parser.add_argument_group("training")
    train.add_argument("--epochs", type=float, default=10.0)
    train.add_argument("--expected-batch-size", type=int, default=4096, help="global expected Poisson batch")
    train.add_argument("--physical-batch-size", type=int, default=64, help="micro-batch per process")
    train.add_argument("--learning-rate", type=float, default=2e-3)
    train.add_argument("--max-grad-norm", type=float, default=0.5)
    train.add_argument("--max-length", type=int, default=64)
    train.add_argument("--lora-rank", type=int, default=8)
    train.add_argument("--lora-alpha", type=int, default=16)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--checkpoint", type=Path, help="checkpoint file (resumes when it exists)")
    train.add_argument("--checkpoint-every", type=int, default=10)
    run = parser.add_argument_group("processes")
    run.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    run.add_argument("--backend", choices=["nccl", "gloo"], help="default: nccl on cuda, gloo on cpu")
    run.add_argument("--nproc", type=int, default=1, help="local workers to start when not under torchrun")
    return parser


def read_texts(path: Path, column: str) -> list[str]:
    """The instructions in `column` of a parquet / JSON-lines / CSV file, or the lines of a text file."""
    import polars as pl

    if not path.exists():
        raise InvalidInputError(f"--data {path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    readers = {".parquet": pl.read_parquet, ".jsonl": pl.read_ndjson, ".ndjson": pl.read_ndjson, ".csv": pl.read_csv}
    if suffix not in readers:
        raise InvalidInputError(f"--data {path}: unsupported format {suffix!r} (use .parquet, .jsonl, .csv or .txt)")
    frame = readers[suffix](path)
    if column not in frame.columns:
        raise InvalidInputError(f"--data {path} has no column {column!r} (--text-column); columns: {frame.columns}")
    series = frame[column]
    if series.null_count():
        raise InvalidInputError(f"column {column!r} of --data {path} has {series.null_count()} null value(s)")
    return series.cast(pl.Utf8).to_list()


def _load_model(args: argparse.Namespace, device: torch.device) -> tuple[Any, Any, str | None]:
    """(model, tokenizer, base hub id or path; None when the weights must travel with the output)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from dp_instructions.models import artifact

    spec = args.base_model
    # A local directory may move or change: the artefact then carries the base weights.
    hub_id: str | None = None if Path(spec).is_dir() else spec
    if (Path(spec) / artifact.METADATA).exists():  # a Kedro base-model version directory
        base = artifact.load_base_model(Path(spec))
        hub_id = base.hub_id
        model = base.model if base.model is not None else AutoModelForCausalLM.from_pretrained(
            hub_id, dtype=torch.float32)
        if args.tokenizer is None and hub_id is None:
            raise InvalidInputError(
                f"--base-model {spec} is the project's embedded base model: pass its tokenizer with --tokenizer "
                "(the Kedro `public_tokenizer` version directory)"
            )
    else:
        try:
            # float32: the LoRA weights and Adam state live in the base layers' dtype.
            model = AutoModelForCausalLM.from_pretrained(spec, dtype=torch.float32)
        except OSError as exc:
            raise InvalidInputError(f"--base-model {spec!r} cannot be loaded: {exc}") from exc
    tokenizer_spec = args.tokenizer or hub_id or spec
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_spec))
    except OSError as exc:
        raise InvalidInputError(f"--tokenizer {tokenizer_spec!r} cannot be loaded: {exc}") from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.bos_token is None:
        tokenizer.bos_token = tokenizer.eos_token
    return model.to(device), tokenizer, hub_id


def plan_privacy(args: argparse.Namespace, n: int) -> dict[str, Any]:
    """Sampling rate, steps, noise multiplier, delta and the DP-SGD epsilon of the run."""
    from dp_instructions.privacy import Budget, SubsampledGaussian, calibrate_sgd_noise, compose_epsilon, dpsgd_schedule

    if args.epsilon is None and args.noise_multiplier is None:
        raise InvalidInputError("give --epsilon (to calibrate the noise) or --noise-multiplier")
    if args.ledger is not None and args.epsilon is None:
        raise InvalidInputError("--ledger charges against the dataset's budget: give --epsilon too")
    schedule = dpsgd_schedule(n, args.expected_batch_size, args.epochs)
    budget = Budget.for_dataset(args.epsilon if args.epsilon is not None else 1.0, n, args.delta)
    sigma = args.noise_multiplier
    if sigma is None:
        sigma = calibrate_sgd_noise(args.epsilon, budget.delta, schedule.sampling_rate, schedule.steps,
                                    args.histogram_noise)
    mechanism = SubsampledGaussian(sigma, schedule.sampling_rate, schedule.steps)
    return {
        "dataset_size": n, "sampling_rate": schedule.sampling_rate, "steps": schedule.steps,
        "noise_multiplier": float(sigma), "delta": budget.delta, "budget_epsilon": args.epsilon,
        "epsilon": compose_epsilon([mechanism], budget.delta), "mechanism": mechanism.to_dict(),
    }


def _charge(args: argparse.Namespace, plan: dict[str, Any], texts: Sequence[str], noise: Any,
            identity: str) -> str | None:
    """Charge the ledger (rank 0, before any noise is drawn). Returns the release id.

    Re-running the same command to resume from ``--checkpoint`` continues the release
    already charged (same plan, same data), so it is not charged again: a sidecar next to
    the checkpoint remembers the release, and the ledger must still hold it.
    """
    from dp_instructions.privacy import Budget, PrivacyLedger, SubsampledGaussian, fingerprint_texts

    if args.ledger is None:
        return None
    ledger = PrivacyLedger(args.ledger)
    fingerprint = fingerprint_texts(texts)
    sidecar = args.checkpoint.with_name(args.checkpoint.name + ".release.json") if args.checkpoint else None
    if sidecar is not None and sidecar.exists():
        previous = json.loads(sidecar.read_text(encoding="utf-8"))
        if previous.get("identity") == identity and any(
            r.release_id == previous.get("release_id") and r.fingerprint == fingerprint for r in ledger.records()
        ):
            log.info("resuming release %s: already charged to %s", previous["release_id"], args.ledger)
            return str(previous["release_id"])
    record = ledger.charge(
        stage="dp_generation.dp_finetune (torchrun)",
        mechanisms=[SubsampledGaussian(plan["noise_multiplier"], plan["sampling_rate"], plan["steps"])],
        fingerprint=fingerprint, dataset_size=len(texts),
        budget=Budget(args.epsilon, plan["delta"]), noise=noise, dataset=str(args.data),
        parameters={k: v for k, v in plan.items() if k != "mechanism"},
    )
    if sidecar is not None:
        sidecar.parent.mkdir(parents=True, exist_ok=True)
        sidecar.write_text(json.dumps({"identity": identity, "release_id": record.release_id}), encoding="utf-8")
    return record.release_id


def _identity(args: argparse.Namespace, plan: dict[str, Any]) -> str:
    """What a checkpoint must match to be resumed: the privacy plan, the data, the base
    model and the training configuration (world size excepted: a resume may use more or
    fewer processes)."""
    from dataclasses import asdict

    return json.dumps({"plan": plan, "data": str(args.data.resolve()), "base_model": args.base_model,
                       "config": asdict(_config(args))}, sort_keys=True, default=str)


def _config(args: argparse.Namespace):
    from dp_instructions.models.dp_training.loop import DPFineTuneConfig

    return DPFineTuneConfig(
        expected_batch_size=args.expected_batch_size, physical_batch_size=args.physical_batch_size,
        learning_rate=args.learning_rate, max_grad_norm=args.max_grad_norm, max_length=args.max_length,
        lora_rank=args.lora_rank, lora_alpha=args.lora_alpha, seed=args.seed, checkpoint_every=args.checkpoint_every,
    )


def _save(args: argparse.Namespace, model: Any, tokenizer: Any, hub_id: str | None, plan: dict[str, Any],
          result: Any, noise: Any, ledger_record: str | None) -> dict[str, Any]:
    from dp_instructions.models import artifact

    metadata = {
        "base_hub_id": hub_id, "base_model": args.base_model, "trained_by": "dp_instructions.models.distributed_train",
        "privacy": {**plan, "noise": noise.describe(), "ledger": str(args.ledger) if args.ledger else None,
                    "ledger_record": ledger_record},
        "training": result.to_dict(),
    }
    artifact.save_generator(artifact.GeneratorArtifact(model=model, tokenizer=tokenizer, metadata=metadata),
                            args.output)
    return metadata


def _run_torchrun(args: argparse.Namespace) -> dict[str, Any] | None:
    from dp_instructions.models.dp_training.loop import train_lora_distributed
    from dp_instructions.privacy.noise import NoiseSource

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    if use_cuda:
        torch.cuda.set_device(local_rank)
    device = torch.device("cuda", local_rank) if use_cuda else torch.device("cpu")
    dist.init_process_group(args.backend or ("nccl" if use_cuda else "gloo"))
    try:
        rank = dist.get_rank()
        texts = read_texts(args.data, args.text_column)
        noise = NoiseSource.from_seed(args.noise_seed)
        # Rank 0 plans and charges; the others wait for the outcome so that a refusal
        # (budget exceeded) stops every rank instead of leaving them in a collective.
        outcome: list[Any] = [None]
        if rank == 0:
            try:
                plan = plan_privacy(args, len(texts))
                outcome = [(plan, _charge(args, plan, texts, noise, _identity(args, plan)), None)]
            except DPInstructionsError as exc:
                outcome = [(None, None, exc)]
        dist.broadcast_object_list(outcome, src=0)
        plan, ledger_record, error = outcome[0]
        if error is not None:
            raise error
        model, tokenizer, hub_id = _load_model(args, device)
        peft_model, result = train_lora_distributed(
            model, tokenizer, texts, _config(args), sampling_rate=plan["sampling_rate"], steps=plan["steps"],
            noise_multiplier=plan["noise_multiplier"], noise_source=noise, checkpoint_path=args.checkpoint,
            run_identity=_identity(args, plan), device=device,
        )
        metadata = _save(args, peft_model, tokenizer, hub_id, plan, result, noise, ledger_record) if rank == 0 else None
        dist.barrier()
        return metadata
    finally:
        dist.destroy_process_group()


def _run_local(args: argparse.Namespace) -> dict[str, Any]:
    from dp_instructions.models.dp_training.multiprocess import train_lora_multiprocess
    from dp_instructions.privacy.noise import NoiseSource

    device = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
                          else "cpu")
    texts = read_texts(args.data, args.text_column)
    noise = NoiseSource.from_seed(args.noise_seed)
    plan = plan_privacy(args, len(texts))
    ledger_record = _charge(args, plan, texts, noise, _identity(args, plan))
    model, tokenizer, hub_id = _load_model(args, device)
    peft_model, result = train_lora_multiprocess(
        model, tokenizer, texts, _config(args), world_size=args.nproc, sampling_rate=plan["sampling_rate"],
        steps=plan["steps"], noise_multiplier=plan["noise_multiplier"], noise_source=noise,
        checkpoint_path=args.checkpoint, run_identity=_identity(args, plan), device=device,
        backend=args.backend,
    )
    return _save(args, peft_model, tokenizer, hub_id, plan, result, noise, ledger_record)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    under_torchrun = "WORLD_SIZE" in os.environ and "RANK" in os.environ
    if under_torchrun and args.nproc != 1:
        raise InvalidInputError("--nproc is for runs without torchrun; under torchrun use --nproc_per_node")
    if args.nproc < 1:
        raise InvalidInputError(f"--nproc must be >= 1, got {args.nproc}")
    metadata = _run_torchrun(args) if under_torchrun else _run_local(args)
    if metadata is not None:
        privacy, training = metadata["privacy"], metadata["training"]
        print(json.dumps({
            "output": str(args.output), "epsilon": privacy["epsilon"], "delta": privacy["delta"],
            "noise_multiplier": privacy["noise_multiplier"], "sampling_rate": privacy["sampling_rate"],
            "steps": training["steps"], "world_size": training["extra"]["world_size"],
            "private": privacy["noise"]["private"], "seconds": round(training["seconds"], 1),
            "last_loss": None if math.isnan(training["last_loss"]) else training["last_loss"],
        }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
