"""dp_generation end to end on tiny settings: a sliced run with DataCatalog and
SequentialRunner, and `kedro run` through a real KedroSession after data_cleansing."""

from __future__ import annotations

import json

import polars as pl
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from dp_instructions.datasets.earlier_base_models import EarlierBaseModelsDataset
from dp_instructions.datasets.privacy_ledger import PrivacyLedgerDataset
from dp_instructions.demo import generate_public_pretraining_corpus
from dp_instructions.demo.corpus import generate_public_instructions
from dp_instructions.models.canaries import CANARY_SCHEMA
from dp_instructions.models.parameters import DPGenerationParameters
from dp_instructions.pipelines.dp_generation import create_pipeline
from dp_instructions.privacy import PrivacyLedger, fingerprint_texts
from dp_instructions.privacy.parameters import PrivacyParameters
from tests.kedro_session import latest_version, project_copy, run_pipeline
from tests.models.conftest import corpus

TINY = {
    "base_model": None,
    "device": "cpu",
    "public_pretraining": {
        "vocab_size": 400,
        "n_embd": 32,
        "n_layer": 1,
        "n_head": 2,
        "max_length": 32,
        "epochs": 1,
        "batch_size": 32,
        "learning_rate": 0.003,
    },
    "training": {
        "epochs": 1,
        "expected_batch_size": 64,
        "physical_batch_size": 64,
        "max_length": 32,
        "learning_rate": 0.004,
        "checkpoint_every": 5,
    },
    "sampling": {"num_samples": 40, "public_only_samples": 30, "batch_size": 20, "max_new_tokens": 12},
    "canaries": {"enabled": True, "repetitions": [1, 10], "per_repetition": 1, "kinds": ["phone"], "seed": 3},
}
PRIVACY = PrivacyParameters.model_validate(
    {"epsilon": 8.0, "delta": None, "histogram_noise_multiplier": 10.0, "noise_seed": None}
)


def test_sliced_run_releases_a_generator_and_samples(tmp_path):
    train = pl.DataFrame({"id": [f"r{i}" for i in range(300)], "text": corpus(300, seed=9)})
    params = {**TINY, "training": {**TINY["training"], "checkpoint_dir": str(tmp_path / "ckpt")}}
    catalog = DataCatalog(
        {
            "public_pretraining_corpus": MemoryDataset(generate_public_pretraining_corpus(120, seed=0)),
            "public_instructions": MemoryDataset(generate_public_instructions(120, seed=0), copy_mode="assign"),
            "earlier_public_base_models": EarlierBaseModelsDataset(str(tmp_path / "public_base_model")),
            "instructions_train": MemoryDataset(train, copy_mode="assign"),
            "privacy_ledger": PrivacyLedgerDataset(str(tmp_path / "ledger.jsonl")),
            "params:dp_generation": MemoryDataset(DPGenerationParameters.model_validate(params)),
            "params:privacy": MemoryDataset(PRIVACY),
            "params:seed": MemoryDataset(1),
        }
    )
    outputs = SequentialRunner().run(create_pipeline(), catalog)
    synthetic = outputs["synthetic_initial"].load()
    report = outputs["sampling_report"].load()
    canaries = outputs["canaries"].load()
    assert synthetic.columns == ["id", "text", "sample_index", "generator"]
    counts = report["counts"]
    assert counts["generated"] == 40 and counts["kept"] == synthetic.height
    assert counts["kept"] + counts["empty"] + counts["duplicates"] == 40
    assert synthetic["id"].n_unique() == synthetic.height and (synthetic["text"].str.len_chars() > 0).all()
    assert canaries.schema == pl.Schema(CANARY_SCHEMA) and canaries.height == 2
    [record] = PrivacyLedger(tmp_path / "ledger.jsonl").records()
    assert record.fingerprint == fingerprint_texts(train["text"])  # canaries are not the protected data
    assert synthetic["generator"].unique().to_list() == [record.release_id]
    plan = outputs["dp_training_report"].load()["plan"]
    assert plan["training_examples"] == 300 + 1 + 10 and record.dataset_size == 300
    assert plan["sampling_rate"] == 64 / 311 and plan["steps"] == 5  # ceil(311 / 64)
    public_only = outputs["public_only_samples"].load()
    public_report = outputs["public_only_sampling_report"].load()
    assert public_only.columns == synthetic.columns and public_only["id"].str.starts_with("public-only-").all()
    assert public_report["counts"]["generated"] == 30 and public_report["counts"]["kept"] == public_only.height
    assert public_report["sampling"] == {**report["sampling"], "num_samples": 30}
    assert public_only["generator"].unique().to_list() == [public_report["base_model_identity"]]


def test_kedro_session_run_after_data_cleansing(tmp_path):
    project = project_copy(tmp_path)
    runtime = {
        "demo_conversations": 1200,
        "demo_eval_reference": 40,
        "demo_public_instructions": 150,
        "demo_public_pretraining_corpus": 150,
    }
    run_pipeline(project, "data_cleansing", runtime)
    run_pipeline(project, "dp_generation", {**runtime, "dp_generation": TINY})
    data = project / "data"
    synthetic = pl.read_parquet(latest_version(data / "07_model_output/synthetic_initial.parquet"))
    assert synthetic.height > 0
    generator_dir = latest_version(data / "06_models/dp_generator")
    meta = json.loads((generator_dir / "metadata.json").read_text())
    assert {"adapter", "tokenizer", "base"} <= {p.name for p in generator_dir.iterdir()}
    assert meta["privacy"]["steps"] > 0 and meta["privacy"]["epsilon"] <= meta["privacy"]["epsilon_planned_total"]
    # The public-only baseline names the very base model the DP generator was fine-tuned from.
    public_only = pl.read_parquet(latest_version(data / "07_model_output/public_only_samples.parquet"))
    assert public_only.height > 0 and public_only["generator"].unique().to_list() == [meta["base_model"]["identity"]]
    ledger = PrivacyLedger(data / "09_privacy/privacy_ledger.sqlite").records()
    assert [r.stage for r in ledger] == ["dp_generation.train_dp_generator"]
    first_base = latest_version(data / "06_models/public_base_model")
    assert json.loads((first_base / "metadata.json").read_text())["identity"].startswith("public-base:")
    # Running again reuses the public base model (no pre-training) and the finished release: no second charge.
    run_pipeline(project, "dp_generation", {**runtime, "dp_generation": TINY})
    assert len(PrivacyLedger(data / "09_privacy/privacy_ledger.sqlite").records()) == 1
    second_base = json.loads((latest_version(data / "06_models/public_base_model") / "metadata.json").read_text())
    assert second_base["reused_from"] == first_base.parent.name
