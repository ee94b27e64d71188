"""The torchrun entry point is a thin CLI over the node's release code: it plans against
what the ledger already holds, reserves the planned histogram with a fixed sigma, loads
the model before charging, and records the release in the node's shape.

Each test runs ``main()`` in this process (``--nproc 1``) on a tiny model saved to disk.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dp_instructions.exceptions import InvalidInputError, PrivacyBudgetExceededError
from dp_instructions.models import distributed_train
from dp_instructions.models.artifact import load_generator
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.privacy import Budget, Gaussian, NoiseSource, PrivacyLedger, compose_epsilon, fingerprint_texts
from tests.models.conftest import corpus

N = 200  # expected batch 50: q = 0.25, 4 steps per epoch
EPSILON = 4.0
TEXTS = corpus(N, 21)


@pytest.fixture
def files(tmp_path, tiny_tokenizer) -> dict[str, Path]:
    base, tokenizer, data = tmp_path / "base", tmp_path / "tokenizer", tmp_path / "train.txt"
    build_small_gpt2(
        tiny_tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24), seed=0
    ).save_pretrained(str(base))
    tiny_tokenizer.save_pretrained(str(tokenizer))
    data.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    return {
        "base": base,
        "tokenizer": tokenizer,
        "data": data,
        "ledger": tmp_path / "ledger.jsonl",
        "output": tmp_path / "out",
        "checkpoints": tmp_path / "checkpoints",
    }


def argv(files: dict[str, Path], *extra: str) -> list[str]:
    return [
        "--base-model",
        str(files["base"]),
        "--tokenizer",
        str(files["tokenizer"]),
        "--data",
        str(files["data"]),
        "--output",
        str(files["output"]),
        "--ledger",
        str(files["ledger"]),
        "--epsilon",
        str(EPSILON),
        "--epochs",
        "1",
        "--expected-batch-size",
        "50",
        "--physical-batch-size",
        "25",
        "--max-length",
        "24",
        "--noise-seed",
        "0",
        "--device",
        "cpu",
        "--checkpoint-dir",
        str(files["checkpoints"]),
        "--checkpoint-every",
        "2",
        *extra,
    ]


def charge_earlier_histogram(ledger: PrivacyLedger, sigma: float = 2.0) -> None:
    ledger.charge(
        stage="resampling.release_noisy_histogram",
        mechanisms=[Gaussian(sigma)],
        fingerprint=fingerprint_texts(TEXTS),
        dataset_size=N,
        budget=Budget.for_dataset(EPSILON, N),
        noise=NoiseSource.fixed(0),
        dataset="instructions_train",
    )


def printed_summary(out: str) -> dict:
    """The JSON summary the CLI prints last. In-process, a handler that an earlier test's
    KedroSession installed may also log to stdout; on the command line logs go to stderr."""
    return json.loads(out[out.rindex("\n{\n") + 1 :] if not out.startswith("{\n") else out)


def test_calibration_counts_earlier_releases_on_the_same_data(files, capsys):
    ledger = PrivacyLedger(files["ledger"])
    charge_earlier_histogram(ledger)  # epsilon ~1.8 of 4 already spent
    assert distributed_train.main(argv(files)) == 0
    earlier, release = ledger.records()
    assert release.stage == "dp_generation.train_dp_generator (torchrun)"
    assert release.epsilon_total <= EPSILON
    # Calibrated to what was left: the composition with the earlier release fills the budget.
    assert release.epsilon_total == pytest.approx(EPSILON, abs=0.05)
    assert compose_epsilon([*earlier.mechanisms, *release.mechanisms], release.budget.delta) <= EPSILON
    # The node's record shape.
    assert set(release.parameters) == {"plan", "max_grad_norm", "base_model", "canary_rows", "identity"}
    assert release.parameters["canary_rows"] == 0 and release.parameters["plan"]["steps"] == 4
    printed = printed_summary(capsys.readouterr().out)
    assert printed["release_id"] == release.release_id and printed["steps"] == 4
    generator = load_generator(files["output"])
    assert generator.metadata["privacy"]["release_id"] == release.release_id
    assert generator.metadata["training_result"]["steps"] == 4

    # The same command again replays the finished release: no second charge.
    assert distributed_train.main(argv(files)) == 0
    assert len(ledger.records()) == 2
    assert printed_summary(capsys.readouterr().out)["resumed_from_step"] == 4


def test_a_fixed_noise_multiplier_must_leave_room_for_the_planned_histogram(files):
    # sigma 1.0 alone: epsilon ~3.65 of 4; with the histogram (sigma 2, ~1.8) it overspends.
    with pytest.raises(InvalidInputError, match="budget"):
        distributed_train.main(argv(files, "--noise-multiplier", "1.0", "--histogram-noise", "2.0"))
    assert PrivacyLedger(files["ledger"]).records() == []
    assert not files["output"].exists()


def test_a_fixed_noise_multiplier_is_checked_against_earlier_releases(files):
    ledger = PrivacyLedger(files["ledger"])
    charge_earlier_histogram(ledger)
    with pytest.raises((InvalidInputError, PrivacyBudgetExceededError), match="budget"):
        distributed_train.main(argv(files, "--noise-multiplier", "1.0"))
    assert len(ledger.records()) == 1


def test_a_base_model_that_cannot_be_loaded_spends_nothing(files, tmp_path):
    not_a_model = tmp_path / "not_a_model"
    not_a_model.mkdir()
    with pytest.raises(ValueError) as raised:  # InvalidInputError is a ValueError
        distributed_train.main(argv(files, "--base-model", str(not_a_model)))
    assert PrivacyLedger(files["ledger"]).records() == []
    assert isinstance(raised.value, InvalidInputError) and "--base-model" in str(raised.value)


def test_unknown_lora_targets_spend_nothing(files):
    with pytest.raises(Exception, match="target"):
        distributed_train.main(argv(files, "--target-modules", "no_such_module"))
    assert PrivacyLedger(files["ledger"]).records() == []
