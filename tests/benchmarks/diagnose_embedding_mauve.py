"""Why embedding MAUVE of the demo's synthetic sets sits near 0, and whether resampling
is at fault (issue 7).

After a default ``kedro run``, this takes the run's public base model, tokenizer and
private splits from the catalog and compares generators that differ only in how they
were fine-tuned on ``instructions_train``:

1. ``dp_lora``: the run's own DP generator and ``synthetic_initial`` (DP-LoRA, as released);
2. ``lora_not_private``: the same LoRA trainer and schedule with clipping and noise off
   (the memorisation audit's control trainer);
3. ``full_not_private``: every weight of the same public base trained on the same data
   for the same number of epochs as its public pre-training (ordinary training, one-cycle
   schedule peaking at ``--full-lr``; about the DP run's example count: 2 passes over
   instructions_train at batch 64);
4. ``full_private``: the run's DP trainer and budget with every weight of the base trainable
   instead of LoRA adapters (full DP fine-tuning), at ``--private-batch`` (default 64: ~300
   noisy steps where the run's batch of 512 gives 39) and ``--private-lr``. Its noise is
   calibrated to the run's budget as the pipeline does, on a throw-away ledger.

Each generator's samples go through the real resampling pipeline (Kedro SequentialRunner,
a DP histogram on a throw-away ledger) and the evaluation's own MAUVE nodes, so the
figures are comparable with ``mauve_scores``. Variants 2 and 3 are not private: this is a
private-side diagnostic, like the evaluation reports. It prints aggregate scores only,
never a sample, and saves nothing into the project.

    kedro run                                                     # first, once
    python tests/benchmarks/diagnose_embedding_mauve.py           # ~30 min on 2 CPU cores
    python tests/benchmarks/diagnose_embedding_mauve.py --variants dp_lora,full_not_private
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import torch
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog, MemoryDataset
from kedro.io.core import Version
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset

from dp_instructions.datasets.privacy_ledger import PrivacyLedgerDataset
from dp_instructions.datasets.released_histograms import ReleasedHistogramsDataset
from dp_instructions.models.artifact import GeneratorArtifact
from dp_instructions.models.device import limit_cpu_threads, pick_device
from dp_instructions.models.dp_training import lora
from dp_instructions.models.dp_training.loop import DPFineTuneConfig, train_lora
from dp_instructions.models.dp_training.plan import plan_dp_training
from dp_instructions.models.generator import pretrain
from dp_instructions.models.train_generator import materialise_base
from dp_instructions.pipelines.dp_generation import nodes as generation_nodes
from dp_instructions.pipelines.evaluation import create_pipeline as evaluation_pipeline
from dp_instructions.pipelines.memorisation_control import nodes as control_nodes
from dp_instructions.pipelines.resampling import create_pipeline as resampling_pipeline
from dp_instructions.privacy.budget import Budget
from dp_instructions.privacy.noise import NoiseSource

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ("dp_lora", "lora_not_private", "full_not_private", "full_private")
MAUVE_NODES = ("embed_initial_pool", "embed_comparison_sets", "compute_mauve_scores")


class KeptMemoryDataset(MemoryDataset):
    """A MemoryDataset the runner does not release, so its value can be read afterwards."""

    def _release(self) -> None:
        pass


def load_run(names: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    bootstrap_project(ROOT)
    with KedroSession.create(project_path=ROOT) as session:
        context = session.load_context()
        return {name: context.catalog.load(name) for name in names}, dict(context.params)


@contextmanager
def every_weight_trainable() -> Iterator[None]:
    """The DP trainer with every weight of the base trainable instead of LoRA adapters.

    Position embeddings stay frozen: Hugging Face's GPT-2 adds one row per position to every
    example of the batch, so Opacus sees a per-example gradient of batch size 1 for them and
    clipping would not bound one example's influence. Any embedding table other than the
    input tokens' is frozen for the same reason."""
    attach_lora = lora.add_lora

    def attach_everything(model: Any, config: DPFineTuneConfig) -> Any:
        tokens = model.get_input_embeddings()
        shared = {
            id(p)
            for m in model.modules()
            if isinstance(m, torch.nn.Embedding) and m is not tokens
            for p in m.parameters()
        }
        for p in model.parameters():
            p.requires_grad_(id(p) not in shared)
        return model

    lora.add_lora = attach_everything
    try:
        yield
    finally:
        lora.add_lora = attach_lora


def train_full_private(
    data: dict[str, Any], params: dict[str, Any], batch: int, learning_rate: float
) -> tuple[GeneratorArtifact, dict]:
    config = params["dp_generation"].resolve(params["seed"])
    texts = data["instructions_train"]["text"].to_list()
    privacy = params["privacy"]
    plan = plan_dp_training(
        training_examples=len(texts),
        expected_batch_size=batch,
        epochs=config.epochs,
        budget=Budget.from_params(privacy, len(texts)),
        histogram_noise_multiplier=privacy.histogram_noise_multiplier,
    )
    ft = dataclasses.replace(config.finetune, expected_batch_size=batch, learning_rate=learning_rate, dp=True)
    device = pick_device(config.device)
    model = materialise_base(copy.deepcopy(data["public_base_model"]), device)
    started = time.perf_counter()
    with every_weight_trainable():
        trained, result = train_lora(
            model,
            data["public_tokenizer"],
            texts,
            ft,
            sampling_rate=plan.sampling_rate,
            steps=plan.steps,
            noise_multiplier=plan.noise_multiplier,
            noise_source=NoiseSource.secure(),
            device=device,
        )
    return GeneratorArtifact(model=trained.to("cpu").eval(), tokenizer=data["public_tokenizer"]), {
        "epsilon": plan.epsilon,
        "steps": plan.steps,
        "batch": batch,
        "noise_multiplier": plan.noise_multiplier,
        "learning_rate": learning_rate,
        "last_loss": result.last_loss,
        "seconds": time.perf_counter() - started,
    }


def train_variant(
    name: str, data: dict[str, Any], params: dict[str, Any], args: argparse.Namespace
) -> tuple[GeneratorArtifact | None, dict]:
    """The variant's generator (None for the run's own samples) and how it was trained."""
    if name == "dp_lora":
        meta = data["dp_generator"].metadata.get("privacy", {})
        return None, {"epsilon": meta.get("epsilon"), "steps": meta.get("steps")}
    if name == "full_private":
        return train_full_private(data, params, args.private_batch, args.private_lr)
    base = copy.deepcopy(data["public_base_model"])
    tokenizer = data["public_tokenizer"]
    started = time.perf_counter()
    if name == "lora_not_private":
        # The control node inserts the run's canaries again, so the data are the DP run's.
        artifact, report = control_nodes.train_nonprivate_control(
            base, tokenizer, data["instructions_train"], data["canaries"], params["dp_generation"], params["seed"]
        )
        result = report["result"]
        return artifact, {
            "steps": result["steps"],
            "last_loss": result["last_loss"],
            "seconds": time.perf_counter() - started,
        }
    config = params["dp_generation"].resolve(params["seed"])  # validated by Kedro
    pre = config.pretraining
    stats = pretrain(
        base.model,
        tokenizer,
        data["instructions_train"]["text"].to_list(),
        max_length=min(config.finetune.max_length, pre.max_length),
        epochs=pre.epochs,
        batch_size=pre.batch_size,
        learning_rate=args.full_lr,
        seed=params["seed"],
    )
    return GeneratorArtifact(model=base.model, tokenizer=tokenizer), {
        "steps": stats["steps"],
        "last_loss": stats["last_loss"],
        "seconds": stats["seconds"],
    }


def resample(
    synthetic: pl.DataFrame, data: dict[str, Any], params: dict[str, Any], tmp: Path
) -> tuple[pl.DataFrame, dict]:
    store = str(tmp / "dp_histogram.json")
    catalog = DataCatalog(
        {
            "synthetic_initial": MemoryDataset(synthetic),
            "instructions_train": MemoryDataset(data["instructions_train"]),
            # context.params holds the validated models (ResamplingParameters, EvaluationParameters).
            "params:resampling": MemoryDataset(
                params["resampling"].model_copy(
                    update={"embedding": params["resampling"].embedding.model_copy(update={"show_progress": False})}
                )
            ),
            "params:privacy": MemoryDataset(params["privacy"]),
            "params:seed": MemoryDataset(params["seed"]),
            "privacy_ledger": PrivacyLedgerDataset(str(tmp / "ledger.jsonl")),
            "released_histograms": ReleasedHistogramsDataset(store),
            "dp_histogram": JSONDataset(filepath=store, version=Version(None, None)),
            "synthetic_resampled": KeptMemoryDataset(),
            "resampling_report": KeptMemoryDataset(),
        }
    )
    SequentialRunner().run(resampling_pipeline(), catalog)
    return catalog["synthetic_resampled"].load(), catalog["resampling_report"].load()


def mauve(synthetic: pl.DataFrame, resampled: pl.DataFrame, data: dict[str, Any], params: dict[str, Any]) -> dict:
    catalog = DataCatalog(
        {
            "synthetic_initial": MemoryDataset(synthetic),
            "synthetic_resampled": MemoryDataset(resampled),
            "instructions_test": MemoryDataset(data["instructions_test"]),
            "instructions_train": MemoryDataset(data["instructions_train"]),
            "public_instructions": MemoryDataset(data["public_instructions"]),
            "public_only_samples": MemoryDataset(data["public_only_samples"]),
            "params:evaluation": MemoryDataset(params["evaluation"]),
            "params:seed": MemoryDataset(params["seed"]),
            "mauve_scores": KeptMemoryDataset(),
        }
    )
    SequentialRunner().run(evaluation_pipeline().only_nodes(*MAUVE_NODES), catalog)
    return catalog["mauve_scores"].load()


def summarise(name: str, training: dict, report: dict, scores: dict) -> dict[str, Any]:
    rows = {(s["dataset"], s["representation"]): s for s in scores["scores"]}
    out: dict[str, Any] = {
        "variant": name,
        "training": training,
        "tv_to_noisy_real": report["total_variation_to_noisy_real"],
    }
    for dataset in ("synthetic_initial", "synthetic_resampled"):
        for rep in ("unigram", "embedding"):
            row = rows[(dataset, rep)]
            out[f"{dataset}.{rep}"] = {
                "mean": row["mean"],
                "std": row["std"],
                "outside": row["candidate_mass_outside_reference"],
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated subset of {VARIANTS}")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--private-batch", type=int, default=64, help="full_private: expected (Poisson) batch")
    parser.add_argument("--private-lr", type=float, default=0.001, help="full_private: DP-Adam learning rate")
    parser.add_argument(
        "--full-lr", type=float, default=0.002, help="full_not_private: peak of the one-cycle schedule (AdamW)"
    )
    args = parser.parse_args()
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variant(s) {sorted(unknown)}; known: {VARIANTS}")
    limit_cpu_threads()
    data, params = load_run(
        [
            "public_base_model",
            "public_tokenizer",
            "dp_generator",
            "synthetic_initial",
            "canaries",
            "instructions_train",
            "instructions_test",
            "public_instructions",
            "public_only_samples",
        ]
    )
    results = []
    for name in variants:
        artifact, training = train_variant(name, data, params, args)
        if artifact is None:
            synthetic = data["synthetic_initial"]
        else:
            synthetic, _ = generation_nodes.sample_synthetic_instructions(
                artifact, params["dp_generation"], params["seed"]
            )
        with tempfile.TemporaryDirectory() as tmp:
            resampled, report = resample(synthetic, data, params, Path(tmp))
        results.append(summarise(name, training, report, mauve(synthetic, resampled, data, params)))
        print(json.dumps(results[-1]), flush=True)

    print(
        "\nembedding MAUVE against instructions_test (mean ± std over the evaluation's seeds; "
        "share of samples in buckets with no test instruction)"
    )
    print(f"{'variant':<18} {'training':<28} {'initial':>24} {'resampled':>24}   TV to noisy real (init -> res)")
    for r in results:
        t = r["training"]
        trained = (
            f"eps {t['epsilon']:.2f}, {t['steps']} steps"
            if "epsilon" in t
            else f"{t['steps']} steps, loss {t['last_loss']:.2f}"
        )
        cells = [
            f"{r[f'{d}.embedding']['mean']:.4f} ± {r[f'{d}.embedding']['std']:.4f} ({r[f'{d}.embedding']['outside']:.0%})"
            for d in ("synthetic_initial", "synthetic_resampled")
        ]
        tv = r["tv_to_noisy_real"]
        print(
            f"{r['variant']:<18} {trained:<28} {cells[0]:>24} {cells[1]:>24}"
            f"   {tv['initial']:.3f} -> {tv['resampled']:.3f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
