"""The DP generator release: ledger record, resume after interruption without a second
charge, reuse of a finished release, and a refused second release."""

from __future__ import annotations

import polars as pl
import pytest
import torch

from dp_instructions.exceptions import InvalidInputError, PrivacyBudgetExceededError
from dp_instructions.models.artifact import BaseModel
from dp_instructions.models.dp_training import checkpoint
from dp_instructions.models.parameters import DPGenerationParameters, GenerationConfig
from dp_instructions.models.train_generator import STAGE, train_dp_generator
from dp_instructions.privacy import PrivacyLedger, SubsampledGaussian, compose_epsilon, fingerprint_texts
from dp_instructions.privacy.parameters import PrivacyParameters
from tests.models.conftest import corpus

N = 400
PRIVACY = PrivacyParameters.model_validate(
    {"epsilon": 8.0, "delta": None, "histogram_noise_multiplier": 10.0, "noise_seed": None}
)


def config(tmp_path, **training) -> GenerationConfig:
    params = {
        "device": "cpu",
        "training": {
            "epochs": 1,
            "expected_batch_size": 64,
            "physical_batch_size": 32,
            "max_length": 24,
            "checkpoint_dir": str(tmp_path / "checkpoints"),
            "checkpoint_every": 1,
            **training,
        },
        "sampling": {"num_samples": 8},
    }
    return DPGenerationParameters.model_validate(params).resolve(seed=0)


@pytest.fixture
def data():
    train = pl.DataFrame({"id": [f"r{i}" for i in range(N)], "text": corpus(N, seed=5)})
    return train


def test_release_is_charged_once_to_the_train_fingerprint_for_the_plan_run(tmp_path, data, tiny_model, tiny_tokenizer):
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl")
    artifact, report = train_dp_generator(
        BaseModel(model=tiny_model), tiny_tokenizer, data, data, ledger, config(tmp_path), PRIVACY
    )
    [record] = ledger.records()
    plan = report["plan"]
    assert record.stage == STAGE and record.dataset == "instructions_train"
    assert record.fingerprint == fingerprint_texts(data["text"]) == artifact.metadata["privacy"]["fingerprint"]
    assert record.mechanisms == (SubsampledGaussian(plan["noise_multiplier"], 64 / N, plan["steps"]),)
    assert plan["steps"] == report["result"]["steps"] == 7  # ceil(400 / 64)
    assert record.epsilon == pytest.approx(compose_epsilon(record.mechanisms, record.budget.delta))
    assert artifact.metadata["privacy"]["release_id"] == record.release_id
    assert record.epsilon_total <= PRIVACY.epsilon


def test_interrupted_run_resumes_under_the_same_release(tmp_path, data, tiny_tokenizer, monkeypatch):
    from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2

    def fresh_base():
        return BaseModel(
            model=build_small_gpt2(
                tiny_tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24), seed=0
            )
        )

    ledger = PrivacyLedger(tmp_path / "ledger.jsonl")
    real_save = checkpoint.write
    calls = {"n": 0}

    def save_then_die(*args, **kwargs):
        real_save(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 3:  # checkpoint_every=1: dies right after checkpointing step 3
            raise KeyboardInterrupt("simulated interruption")

    monkeypatch.setattr(checkpoint, "write", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        train_dp_generator(fresh_base(), tiny_tokenizer, data, data, ledger, config(tmp_path), PRIVACY)
    assert len(ledger.records()) == 1
    monkeypatch.setattr(checkpoint, "write", real_save)

    # Resumed with length bucketing off: how micro-batches are cut is not part of the release.
    unbucketed = config(tmp_path, length_bucketing=False)
    artifact, report = train_dp_generator(fresh_base(), tiny_tokenizer, data, data, ledger, unbucketed, PRIVACY)
    assert len(ledger.records()) == 1, "resuming must not charge the release again"
    assert report["result"]["resumed_from_step"] == 3
    assert report["release_id"] == ledger.records()[0].release_id

    # Finished: running again is post-processing of the same release.
    again, report2 = train_dp_generator(fresh_base(), tiny_tokenizer, data, data, ledger, config(tmp_path), PRIVACY)
    assert len(ledger.records()) == 1 and report2["result"]["resumed_from_step"] == 7
    for (name, a), (_, b) in zip(artifact.model.named_parameters(), again.model.named_parameters()):
        if "lora_" in name:
            assert torch.equal(a, b), name

    # A new release on the same data is calibrated to what is left: far more noise, and
    # the composed total stays within the budget.
    _, report3 = train_dp_generator(
        fresh_base(), tiny_tokenizer, data, data, ledger, config(tmp_path, resume=False), PRIVACY
    )
    first, second = ledger.records()
    assert report3["plan"]["noise_multiplier"] > 5 * report["plan"]["noise_multiplier"]
    assert second.epsilon_total <= PRIVACY.epsilon

    # A hand-set noise multiplier that would overspend is refused before any training.
    with pytest.raises((PrivacyBudgetExceededError, InvalidInputError), match="budget"):
        train_dp_generator(
            fresh_base(),
            tiny_tokenizer,
            data,
            data,
            ledger,
            config(tmp_path, resume=False, noise_multiplier=1.0),
            PRIVACY,
        )
    assert len(ledger.records()) == 2
