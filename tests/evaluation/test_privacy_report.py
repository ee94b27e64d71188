"""The privacy report reads the ledger back: composed epsilon per stage and in total, every
release's parameters, fixed-seed releases flagged."""

from __future__ import annotations

import pytest

from dp_instructions.evaluation.privacy_report import build_privacy_report, stages_frame
from dp_instructions.privacy import (
    Budget,
    Gaussian,
    NoiseSource,
    PrivacyLedger,
    SubsampledGaussian,
    compose_epsilon,
    fingerprint_texts,
)

TRAIN = [f"train {i}" for i in range(5000)]
VAL = [f"val {i}" for i in range(400)]
SGD = SubsampledGaussian(1.0, 0.02, 50)


def charge(ledger, stage, mechanisms, texts, dataset, noise):
    return ledger.charge(
        stage=stage,
        mechanisms=mechanisms,
        fingerprint=fingerprint_texts(texts),
        dataset_size=len(texts),
        budget=Budget.for_dataset(6.0, len(texts)),
        noise=noise,
        dataset=dataset,
        parameters={"note": stage},
    )


def test_report_composes_per_dataset_and_stage_and_flags_fixed_seeds(tmp_path):
    earlier = PrivacyLedger(tmp_path / "ledger.jsonl", run_id="run-0")
    charge(earlier, "dp_generation.train_generator", [SGD], TRAIN, "instructions_train", NoiseSource.secure())
    charge(earlier, "resampling.noisy_histogram", [Gaussian(10.0)], TRAIN, "instructions_train", NoiseSource.secure())
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl", run_id="run-1")
    charge(ledger, "evaluation.resampling_sweep", [Gaussian(5.0)], VAL, "instructions_val", NoiseSource.secure())
    fixed = charge(
        ledger, "evaluation.resampling_sweep", [Gaussian(10.0)], VAL, "instructions_val", NoiseSource.fixed(7)
    )

    report = build_privacy_report(ledger)

    assert report["records"] == 4 and report["run_id"] == "run-1"
    train, val = report["datasets"]
    assert train["datasets"] == ["instructions_train"] and train["dataset_size"] == 5000
    delta = train["budget"]["delta"]
    assert train["epsilon_spent"] == pytest.approx(compose_epsilon([SGD, Gaussian(10.0)], delta))
    assert train["epsilon_spent"] < sum(s["epsilon"] for s in train["stages"])  # composed, not summed
    assert [s["stage"] for s in train["stages"]] == ["dp_generation.train_generator", "resampling.noisy_histogram"]
    assert train["stages"][0]["epsilon"] == pytest.approx(compose_epsilon([SGD], delta))
    assert train["all_private"] and not val["all_private"]
    sweep = val["stages"][0]
    assert sweep["releases"] == 2 and sweep["fixed_seed_releases"] == 1
    assert sweep["epsilon"] == pytest.approx(compose_epsilon([Gaussian(5.0), Gaussian(10.0)], val["budget"]["delta"]))
    release = val["releases"][1]
    assert release["mechanisms"] == [{"kind": "gaussian", "noise_multiplier": 10.0, "count": 1}]
    assert release["noise_private"] is False and release["noise_seed"] == 7
    assert report["any_fixed_seed"] and report["fixed_seed_releases"] == [fixed.release_id]
    assert len(report["this_run_releases"]) == 2

    frame = stages_frame(report)
    assert frame.height == 3 + 2  # three (dataset, stage) rows and one total per dataset
    total = frame.filter(frame["stage"].str.starts_with("TOTAL") & (frame["dataset"] == "instructions_val"))
    assert total["fixed_seed"].to_list() == [True]


def test_an_empty_ledger_reports_nothing_spent(tmp_path):
    report = build_privacy_report(PrivacyLedger(tmp_path / "none.jsonl"))
    assert report["records"] == 0 and report["datasets"] == [] and not report["any_fixed_seed"]
    assert stages_frame(report).height == 0
