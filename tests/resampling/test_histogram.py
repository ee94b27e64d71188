"""The DP histogram release: the ledger record, the noise, sensitivity 1, reuse, and
validation before any privacy is spent."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest

from dp_instructions import native
from dp_instructions.exceptions import (
    InvalidInputError,
    NonFiniteValueError,
    PrivacyBudgetExceededError,
    PrivacyError,
)
from dp_instructions.privacy import Gaussian, NoiseSource, PrivacyLedger, fingerprint_texts
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling.clustering import fit_clustering
from dp_instructions.resampling.histogram import (
    STAGE,
    HistogramRequest,
    NoisyHistogram,
    ReleasedHistograms,
    count_votes,
    prepare_release,
    release_key,
    release_noisy_histogram,
    release_vote_histogram,
    request_histogram,
)
from dp_instructions.resampling.parameters import ClusteringConfig
from tests.resampling.helpers import SKEWED_REAL, SKEWED_SYNTHETIC, HashingEncoder, instructions

PRIVACY = PrivacyParameters.model_validate(
    {"epsilon": 6.0, "delta": None, "histogram_noise_multiplier": 2.0, "noise_seed": 11}
)
FP = fingerprint_texts(["a", "b"])


@pytest.fixture(scope="module")
def setup():
    encoder = HashingEncoder()
    syn = instructions(200, SKEWED_SYNTHETIC, "s", 1)
    real = instructions(90, SKEWED_REAL, "r", 2)
    xs = encoder.encode(syn["text"].to_list())
    xr = encoder.encode(real["text"].to_list())
    clustering = fit_clustering(xs, ClusteringConfig(num_clusters=5), 3, {"model": "hashing"})
    return real, xr, clustering


def test_release_key_changes_with_every_input_and_only_then():
    base = release_key(FP, "sha256:c", 10.0, 100, None)
    assert base == release_key(FP, "sha256:c", 10, 100, None)
    others = {
        release_key(fingerprint_texts(["a", "c"]), "sha256:c", 10.0, 100, None),
        release_key(FP, "sha256:d", 10.0, 100, None),
        release_key(FP, "sha256:c", 10.000001, 100, None),
        release_key(FP, "sha256:c", 10.0, 101, None),
        release_key(FP, "sha256:c", 10.0, 100, 7),
    }
    assert base not in others and len(others) == 5


def test_release_charges_the_ledger_first_and_writes_only_noisy_counts(tmp_path, setup):
    real, xr, clustering = setup
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl", run_id="run-1")
    request = prepare_release(real, clustering, ReleasedHistograms(), PRIVACY)
    released = release_noisy_histogram(request, xr, clustering, ledger)

    (record,) = ledger.records()
    assert record.stage == STAGE == "resampling.release_noisy_histogram"
    assert record.mechanisms == (Gaussian(2.0),)
    # The same fingerprint DP fine-tuning charges, so the two releases compose.
    assert record.fingerprint == fingerprint_texts(real["text"]) == released.fingerprint
    assert record.dataset == "instructions_train" and record.dataset_size == real.height == released.dataset_size
    assert record.parameters["K"] == 5 and record.parameters["sensitivity"] == 1
    assert record.parameters["release_key"] == released.release_key
    assert record.noise["private"] is False and record.noise["seed"] == 11  # a fixed seed is flagged
    assert released.release_id == record.release_id and released.run_id == "run-1"

    # Noisy counts = votes + N(0, sigma^2) from the configured source, rounded.
    votes = native.vote_counts(xr, clustering.centroids)
    noise = np.random.Generator(np.random.PCG64(11)).standard_normal(5) * 2.0
    assert released.counts().tolist() == np.rint(votes + noise).astype(int).tolist()
    assert released.counts().tolist() != votes.tolist()

    data = released.to_json()
    assert {"K", "sigma", "N", "noisy_counts"} <= set(data) and data["K"] == 5 and data["sigma"] == 2.0
    assert "votes" not in json.dumps(data) and "raw" not in json.dumps(data)
    assert NoisyHistogram.from_json(json.loads(json.dumps(data))) == released


def test_an_earlier_release_with_the_same_key_is_reused_without_a_record(tmp_path, setup):
    real, xr, clustering = setup
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl")
    first = release_noisy_histogram(
        prepare_release(real, clustering, ReleasedHistograms(), PRIVACY), xr, clustering, ledger
    )
    store = ReleasedHistograms([("v1", first)])
    request = prepare_release(real.reverse(), clustering, store, PRIVACY)  # row order is irrelevant
    assert request.reuse and request.earlier_source == "v1"
    again = release_noisy_histogram(request, None, clustering, ledger)
    assert again == first and len(ledger.records()) == 1
    # Other data -> another key -> a new release.
    fewer = prepare_release(real.head(80), clustering, store, PRIVACY)
    assert not fewer.reuse


def test_a_histogram_file_the_ledger_does_not_vouch_for_is_never_reused(tmp_path, setup):
    real, xr, clustering = setup
    charged = PrivacyLedger(tmp_path / "ledger.jsonl")
    first = release_noisy_histogram(
        prepare_release(real, clustering, ReleasedHistograms(), PRIVACY), xr, clustering, charged
    )
    # The release charged to another ledger (e.g. copied from another project), and a file
    # whose release id the ledger has never seen.
    for store, ledger in (
        (ReleasedHistograms([("v1", first)]), PrivacyLedger(tmp_path / "another-ledger.jsonl")),
        (ReleasedHistograms([("v1", NoisyHistogram.from_json({**first.to_json(), "release_id": "f00"}))]), charged),
    ):
        request = prepare_release(real, clustering, store, PRIVACY)
        with pytest.raises(PrivacyError, match="no record of that release"):
            release_noisy_histogram(request, None, clustering, ledger)


def test_one_helper_releases_for_any_stage_and_a_record_of_another_stage_does_not_vouch(tmp_path, setup):
    # The evaluation sweep releases through the same helper, under its own stage, voters,
    # store and purpose; a shared noise source continues one stream across releases.
    real, xr, clustering = setup
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl", run_id="run-1")
    base = prepare_release(real, clustering, ReleasedHistograms(), PRIVACY)
    noise = NoiseSource.from_seed(11)

    def request(released, sigma=2.0):
        return request_histogram(
            fingerprint=base.fingerprint,
            dataset_size=base.dataset_size,
            sigma=sigma,
            noise_seed=11,
            budget=base.budget,
            clustering=clustering,
            released=released,
            stage="evaluation.resampling_sweep",
            dataset="instructions_val",
            store="resampling_sweep_histograms",
            purpose="a sweep",
        )

    first = release_vote_histogram(request(ReleasedHistograms()), xr, clustering, ledger, noise=noise)
    second = release_vote_histogram(request(ReleasedHistograms(), sigma=3.0), xr, clustering, ledger, noise=noise)
    assert not first.reused and first.record == ledger.records()[0]
    record = first.record
    assert record.stage == "evaluation.resampling_sweep" and record.dataset == "instructions_val"
    assert list(record.parameters) == ["K", "sigma", "sensitivity", "release_key", "clustering_digest", "purpose"]
    assert record.parameters["purpose"] == "a sweep" and first.histogram.dataset == "instructions_val"
    assert first.histogram.released_at == record.time and first.histogram.release_id == record.release_id
    votes = native.vote_counts(xr, clustering.centroids)
    z = np.random.Generator(np.random.PCG64(11)).standard_normal(10)
    assert first.histogram.counts().tolist() == np.rint(votes + z[:5] * 2.0).astype(int).tolist()
    assert second.histogram.counts().tolist() == np.rint(votes + z[5:] * 3.0).astype(int).tolist()

    store = ReleasedHistograms([("v1", first.histogram)])
    again = release_vote_histogram(request(store), None, clustering, ledger)
    assert again.reused and again.histogram == first.histogram and len(ledger.records()) == 2
    # Released under the sweep's stage: it does not stand in for the resampling stage's
    # release (same data, key and release id, another stage).
    resampling = HistogramRequest(**{**vars(request(store)), "stage": STAGE})
    with pytest.raises(PrivacyError, match=r"no record of that release \(resampling.release_noisy_histogram\)"):
        release_vote_histogram(resampling, None, clustering, ledger)


def test_a_refused_release_raises_and_releases_nothing(tmp_path, setup):
    real, xr, clustering = setup
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl")
    request = prepare_release(real, clustering, ReleasedHistograms(), PRIVACY.model_copy(update={"epsilon": 5.4}))
    # Fine-tuning already spent epsilon 5.22 of 5.4; the histogram would take it to 5.61.
    ledger.charge(
        stage="dp_generation.train_generator",
        mechanisms=[Gaussian(0.7)],
        fingerprint=request.fingerprint,
        dataset_size=request.dataset_size,
        budget=request.budget,
        noise=NoiseSource.secure(),
        dataset="instructions_train",
    )
    with pytest.raises(PrivacyBudgetExceededError, match="resampling.release_noisy_histogram"):
        release_noisy_histogram(request, xr, clustering, ledger)
    assert len(ledger.records()) == 1


def test_every_instruction_casts_exactly_one_vote(setup):
    real, xr, clustering = setup
    assert int(count_votes(xr, clustering, real.height).sum()) == real.height
    with pytest.raises(InvalidInputError, match="exactly one embedding"):
        count_votes(xr[:-1], clustering, real.height)
    bad = xr.copy()
    bad[3, 2] = np.inf
    with pytest.raises(NonFiniteValueError, match="instructions_train"):
        count_votes(bad, clustering, real.height)


@pytest.mark.parametrize(
    ("frame", "privacy", "message"),
    [
        (pl.DataFrame({"id": [], "text": []}, schema={"id": pl.String, "text": pl.String}), PRIVACY, "is empty"),
        (pl.DataFrame({"id": ["a", "a"], "text": ["x", "y"]}), PRIVACY, "`id` has 1 duplicated"),
        (pl.DataFrame({"id": ["a", "b"], "text": ["x", None]}), PRIVACY, "`text` has 1 null"),
        (pl.DataFrame({"id": ["a"]}), PRIVACY, r"no column\(s\) \['text'\]"),
        (
            pl.DataFrame({"id": ["a", "b"], "text": ["x", "y"]}),
            PRIVACY.model_copy(update={"histogram_noise_multiplier": None}),
            "privacy.histogram_noise_multiplier",
        ),
        (pl.DataFrame({"id": ["a", "b"], "text": ["x", "y"]}), PRIVACY.model_copy(update={"delta": 0.6}), "delta"),
        (pl.DataFrame({"id": ["a", "b"], "text": ["x", "y"]}), PRIVACY.model_copy(update={"noise_seed": -1}), "seed"),
    ],
)
def test_bad_private_input_fails_before_anything_is_charged(setup, frame, privacy, message):
    _, _, clustering = setup
    with pytest.raises(InvalidInputError, match=message):
        prepare_release(frame, clustering, ReleasedHistograms(), privacy)


def test_a_released_histogram_that_does_not_parse_names_the_field():
    good = NoisyHistogram(
        release_key="k",
        num_clusters=2,
        sigma=1.0,
        dataset_size=3,
        noisy_counts=(1, 2),
        fingerprint=FP,
        clustering_digest="sha256:c",
        noise={"private": True},
        release_id="r",
        released_at="t",
    ).to_json()
    with pytest.raises(InvalidInputError, match="noisy_counts"):
        NoisyHistogram.from_json({**good, "noisy_counts": [1, 2, 3]})
    with pytest.raises(InvalidInputError, match="`sigma`"):
        NoisyHistogram.from_json({**good, "sigma": -1})
    with pytest.raises(InvalidInputError, match="schema"):
        NoisyHistogram.from_json({**good, "schema": "other"})


def test_the_earliest_release_of_a_key_wins():
    def hist(when: str, counts: tuple[int, int]) -> NoisyHistogram:
        return NoisyHistogram("k", 2, 1.0, 3, counts, FP, "sha256:c", {"private": True}, when, when)

    store = ReleasedHistograms([("b", hist("2024-02", (1, 1))), ("a", hist("2024-01", (2, 0)))])
    assert store["k"].noisy_counts == (2, 0) and store.source("k") == "a" and len(store) == 1
