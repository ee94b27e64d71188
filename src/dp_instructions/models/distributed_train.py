"""DP-LoRA fine-tuning on several GPUs (or CPU processes): a ``torchrun`` entry point.

The Kedro ``dp_generation`` node trains on one machine (``world_size`` processes it
starts itself). For a multi-GPU node, or several nodes, run this module under
``torchrun``, one process per GPU::

    torchrun --standalone --nproc_per_node=8 -m dp_instructions.models.distributed_train \\
        --base-model meta-llama/Llama-3.2-1B \\
        --data data/03_primary/instructions_train/<version>/instructions_train.parquet \\
        --epsilon 6 --histogram-noise 10 --epochs 10 --expected-batch-size 4096 --physical-batch-size 32 \\
        --ledger data/09_privacy/privacy_ledger.sqlite --checkpoint-dir data/06_models/dp_checkpoints_torchrun \\
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
applies the same update. Rank 0 writes the checkpoints and the output.

Privacy: this is a thin command line over the same release code as the Kedro node
(:func:`dp_instructions.models.dp_training.release.prepare_release`), run by rank 0
after every rank has loaded the data and the model: the release is planned against the
dataset's budget (``--epsilon``, ``--delta``) and everything ``--ledger`` already holds
on the same data (by content fingerprint), reserving room for the later DP histogram
(``--histogram-noise``); ``--noise-multiplier`` fixes the noise instead of calibrating
and is refused if that composition would overspend. The ledger is charged before
training with the node's record shape (stage ``dp_generation.train_dp_generator
(torchrun)``). With ``--checkpoint-dir``, re-running the same command resumes an
interrupted run, or replays a finished one, under the release already charged
(``--no-resume`` charges a new release instead). The output directory is a generator
artefact (``metadata.json``, ``adapter/``, ``tokenizer/`` and, for a base model given as a
local directory, ``base/``) that :func:`dp_instructions.models.artifact.load_generator`
reads; ``metadata.json`` holds what the node's does, plus the training result.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

from dp_instructions.exceptions import DPInstructionsError, InvalidInputError

log = logging.getLogger("dp_instructions.models.distributed_train")

STAGE = "dp_generation.train_dp_generator (torchrun)"


def _physical_batch(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        rows = int(value)
    except ValueError:
        rows = 0
    if rows < 1:
        raise argparse.ArgumentTypeError(f"must be a positive int or 'auto', got {value!r}")
    return rows


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dp_instructions.models.distributed_train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = parser.add_argument_group("model and data")
    data.add_argument(
        "--base-model",
        required=True,
        help="hub id or local path of a causal LM, or a Kedro `public_base_model` version directory",
    )
    data.add_argument("--tokenizer", help="tokenizer id or directory (default: --base-model)")
    data.add_argument("--data", required=True, type=Path, help="private instructions: .parquet, .jsonl, .csv or .txt")
    data.add_argument("--text-column", default="text", help="column holding the instructions (default: text)")
    data.add_argument("--output", required=True, type=Path, help="directory for the generator artefact")
    privacy = parser.add_argument_group("privacy")
    privacy.add_argument("--epsilon", type=float, required=True, help="the dataset's privacy budget epsilon")
    privacy.add_argument("--delta", type=float, help="delta (default: the largest 5e-k below 1/(10 N))")
    privacy.add_argument(
        "--noise-multiplier", type=float, help="fix the DP-SGD noise multiplier instead of calibrating it to the budget"
    )
    privacy.add_argument(
        "--histogram-noise", type=float, help="noise multiplier of the later DP histogram to reserve budget for"
    )
    privacy.add_argument("--noise-seed", type=int, help="fixed noise seed: reproducible and NOT private")
    privacy.add_argument(
        "--ledger",
        required=True,
        help="privacy ledger to charge before training: a .sqlite (or .jsonl) file, or a postgresql:// connection "
        "string (password from PGPASSWORD or ~/.pgpass, not the command line)",
    )
    train = parser.add_argument_group("training")
    train.add_argument("--epochs", type=float, default=10.0)
    train.add_argument("--expected-batch-size", type=int, default=4096, help="global expected Poisson batch")
    train.add_argument(
        "--physical-batch-size",
        type=_physical_batch,
        default="auto",
        help="micro-batch per process, or auto (default: the largest that fits in the GPU's free memory; 64 on a CPU)",
    )
    train.add_argument(
        "--grad-sample-mode",
        choices=("hooks", "ghost"),
        default="hooks",
        help="per-example clipping: per-example gradients (hooks) or Opacus' ghost clipping (less memory)",
    )
    train.add_argument(
        "--precision",
        choices=("auto", "fp32", "bf16"),
        default="auto",
        help="the frozen base model's dtype (auto: bf16 on GPUs that support it)",
    )
    train.add_argument(
        "--no-length-bucketing",
        dest="length_bucketing",
        action="store_false",
        help="cut each Poisson batch in its drawn order at full width (default: grouped by length, padding trimmed)",
    )
    train.add_argument("--learning-rate", type=float, default=2e-3)
    train.add_argument("--max-grad-norm", type=float, default=0.5)
    train.add_argument("--max-length", type=int, default=64)
    train.add_argument("--lora-rank", type=int, default=8)
    train.add_argument("--lora-alpha", type=int, default=16)
    train.add_argument("--lora-dropout", type=float, default=0.0)
    train.add_argument(
        "--target-modules",
        nargs="+",
        help="LoRA target modules (default: the attention projections of the architecture)",
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument(
        "--checkpoint-dir", type=Path, help="checkpoints and release state (re-running the same command resumes)"
    )
    train.add_argument("--checkpoint-every", type=int, default=10)
    train.add_argument(
        "--resume",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="continue the release of an earlier run of the same command (default: yes)",
    )
    run = parser.add_argument_group("processes")
    run.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    run.add_argument("--backend", choices=["nccl", "gloo"], help="default: nccl on cuda, gloo on cpu")
    run.add_argument("--nproc", type=int, default=1, help="local workers to start when not under torchrun")
    return parser


def read_texts(path: Path, column: str) -> list[str]:
    """The instructions in `column` of a parquet / JSON-lines / CSV file, or the lines of a text file."""
    texts = _read_texts(path, column)
    if not texts:
        raise InvalidInputError(f"--data {path} holds no instructions: nothing to fine-tune on")
    return texts


def _read_texts(path: Path, column: str) -> list[str]:
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


@dataclass
class _Loaded:
    """The base model, its tokenizer, and what identifies the base in the release."""

    model: Any
    tokenizer: Any
    base: Any  # artifact.BaseModel: hub id, or the weights (saved with the output)
    base_id: str


def _load_model(args: argparse.Namespace, device: torch.device) -> _Loaded:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from dp_instructions.models import artifact
    from dp_instructions.models.dp_training.release import base_identity

    spec = args.base_model
    if (Path(spec) / artifact.METADATA).exists():  # a Kedro base-model version directory
        base = artifact.load_base_model(Path(spec))
        hub_id = base.hub_id
        model = (
            base.model if base.model is not None else AutoModelForCausalLM.from_pretrained(hub_id, dtype=torch.float32)
        )
        if args.tokenizer is None and hub_id is None:
            raise InvalidInputError(
                f"--base-model {spec} is the project's embedded base model: pass its tokenizer with --tokenizer "
                "(the Kedro `public_tokenizer` version directory)"
            )
    else:
        # A local directory may move or change: the artefact then carries the base weights.
        hub_id = None if Path(spec).is_dir() else spec
        try:
            # float32: the LoRA weights and Adam state live in the base layers' dtype.
            model = AutoModelForCausalLM.from_pretrained(spec, dtype=torch.float32)
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"--base-model {spec!r} cannot be loaded: {exc}") from exc
        base = (
            artifact.BaseModel(model=None, hub_id=hub_id, metadata={"source": "hub"})
            if hub_id is not None
            else artifact.BaseModel(model=model, metadata={"source": f"local directory {spec}"})
        )
    tokenizer_spec = args.tokenizer or hub_id or spec
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_spec))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"--tokenizer {tokenizer_spec!r} cannot be loaded: {exc}") from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.bos_token is None:
        tokenizer.bos_token = tokenizer.eos_token
    # The identity digests the untrained weights; LoRA is injected into `model` later.
    base_id = base_identity(base)
    return _Loaded(model=model.to(device), tokenizer=tokenizer, base=base, base_id=base_id)


def _config(args: argparse.Namespace):
    from dp_instructions.models.dp_training.loop import DPFineTuneConfig

    return DPFineTuneConfig(
        expected_batch_size=args.expected_batch_size,
        physical_batch_size=args.physical_batch_size,
        grad_sample_mode=args.grad_sample_mode,
        precision=args.precision,
        length_bucketing=args.length_bucketing,
        learning_rate=args.learning_rate,
        max_grad_norm=args.max_grad_norm,
        max_length=args.max_length,
        lora_rank=args.lora_rank,
        lora_alpha=args.lora_alpha,
        lora_dropout=args.lora_dropout,
        target_modules=args.target_modules,
        seed=args.seed,
        dp=True,
        checkpoint_every=args.checkpoint_every,
    )


def _checkpoints(args: argparse.Namespace):
    from dp_instructions.models.dp_training.release import ReleaseCheckpoints

    return ReleaseCheckpoints(args.checkpoint_dir) if args.checkpoint_dir is not None else None


def _prepare(args: argparse.Namespace, texts: Sequence[str], loaded: _Loaded, noise: Any):
    """The shared plan/charge/resume step (rank 0 only under torchrun)."""
    from dp_instructions.models.dp_training.release import prepare_release
    from dp_instructions.privacy import Budget, PrivacyLedger, fingerprint_texts

    budget = Budget.for_dataset(args.epsilon, len(texts), args.delta)
    return prepare_release(
        ledger=PrivacyLedger(args.ledger),
        checkpoints=_checkpoints(args),
        resume=args.resume,
        stage=STAGE,
        dataset=str(args.data),
        fingerprint=fingerprint_texts(texts),
        dataset_size=len(texts),
        texts=texts,
        model=loaded.model,
        base=loaded.base_id,
        tokenizer=loaded.tokenizer,
        finetune=_config(args),
        epochs=args.epochs,
        budget=budget,
        noise=noise,
        noise_multiplier=args.noise_multiplier,
        histogram_noise_multiplier=args.histogram_noise,
        world_size=None,  # a torchrun job may resume on more or fewer processes: same release
    )


def _save(
    args: argparse.Namespace,
    peft_model: Any,
    loaded: _Loaded,
    texts: Sequence[str],
    release: Any,
    result: Any,
    noise: Any,
) -> dict[str, Any]:
    from dp_instructions.models import artifact
    from dp_instructions.models.dp_training.release import finish_release
    from dp_instructions.models.train_generator import generator_metadata
    from dp_instructions.privacy import PrivacyLedger, fingerprint_texts

    finish_release(_checkpoints(args), release)
    metadata = generator_metadata(
        loaded.base,
        loaded.base_id,
        release,
        noise,
        _config(args),
        epochs=args.epochs,
        stage=STAGE,
        fingerprint=fingerprint_texts(texts),
        dataset_size=len(texts),
        training_examples=len(texts),
    ) | {
        "trained_by": "dp_instructions.models.distributed_train",
        "ledger": PrivacyLedger(args.ledger).location,  # never a password
        "training_result": result.to_dict(),
    }
    artifact.save_generator(
        artifact.GeneratorArtifact(model=peft_model, tokenizer=loaded.tokenizer, metadata=metadata), args.output
    )
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
        noise = NoiseSource.from_seed(args.noise_seed)
        # Every rank reads the data and loads the model; a failure on any rank stops all
        # of them before rank 0 charges anything.
        loaded: _Loaded | None = None
        texts: list[str] = []
        failure: DPInstructionsError | None = None
        try:
            texts = read_texts(args.data, args.text_column)
            loaded = _load_model(args, device)
        except DPInstructionsError as exc:
            failure = exc
        failed = torch.tensor([0.0 if failure is None else 1.0])
        dist.all_reduce(failed, op=dist.ReduceOp.MAX)
        if failure is not None:
            raise failure
        if failed.item():
            raise DPInstructionsError("another rank could not read --data or load --base-model (see its log)")
        assert loaded is not None
        # Rank 0 plans and charges; the others wait for the outcome so that a refusal
        # (budget exceeded) stops every rank instead of leaving them in a collective.
        outcome: list[Any] = [None]
        if rank == 0:
            try:
                outcome = [(_prepare(args, texts, loaded, noise), None)]
            except DPInstructionsError as exc:
                outcome = [(None, exc)]
        dist.broadcast_object_list(outcome, src=0)
        release, error = outcome[0]
        if error is not None:
            raise error
        peft_model, result = train_lora_distributed(
            loaded.model,
            loaded.tokenizer,
            texts,
            _config(args),
            noise_source=noise,
            **release.loop_arguments(),
            device=device,
        )
        metadata = _save(args, peft_model, loaded, texts, release, result, noise) if rank == 0 else None
        dist.barrier()
        return metadata
    finally:
        dist.destroy_process_group()


def _run_local(args: argparse.Namespace) -> dict[str, Any]:
    from dp_instructions.models.dp_training.multiprocess import train_lora_multiprocess
    from dp_instructions.privacy.noise import NoiseSource

    device = torch.device(
        "cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu"
    )
    texts = read_texts(args.data, args.text_column)
    noise = NoiseSource.from_seed(args.noise_seed)
    loaded = _load_model(args, device)  # a bad --base-model fails here, before any charge
    release = _prepare(args, texts, loaded, noise)
    peft_model, result = train_lora_multiprocess(
        loaded.model,
        loaded.tokenizer,
        texts,
        _config(args),
        world_size=args.nproc,
        noise_source=noise,
        **release.loop_arguments(),
        device=device,
        backend=args.backend,
    )
    return _save(args, peft_model, loaded, texts, release, result, noise)


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
        privacy, training = metadata["privacy"], metadata["training_result"]
        print(
            json.dumps(
                {
                    "output": str(args.output),
                    "release_id": privacy["release_id"],
                    "epsilon": privacy["epsilon"],
                    "epsilon_planned_total": privacy["epsilon_planned_total"],
                    "delta": privacy["delta"],
                    "noise_multiplier": privacy["noise_multiplier"],
                    "sampling_rate": privacy["sampling_rate"],
                    "steps": privacy["steps"],
                    "world_size": training["extra"]["world_size"],
                    "private": privacy["noise"]["private"],
                    "seconds": round(training["seconds"], 1),
                    "resumed_from_step": training["resumed_from_step"],
                    "last_loss": None if math.isnan(training["last_loss"]) else training["last_loss"],
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
