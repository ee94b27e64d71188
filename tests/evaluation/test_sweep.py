"""The K x sigma sweep: every histogram charged before release, refused points reported,
repeated queries reused for free, each released point scored. (Targets, draws and the
initial-samples formula are the resampling stage's, tested in tests/resampling.)"""

from __future__ import annotations

import polars as pl
import pytest
from matplotlib.figure import Figure

from dp_instructions.evaluation.embeddings import EmbeddedTexts, embed_sets, load_encoder
from dp_instructions.evaluation.parameters import EmbeddingConfig, MauveConfig, MauveKMeansConfig, SweepConfig
from dp_instructions.evaluation.samples import TextSet
from dp_instructions.evaluation.sweep import (
    RELEASED,
    REUSED,
    SKIPPED_BUDGET,
    STAGE,
    cluster_synthetic,
    mauve_plot,
    points_table,
    release_histograms,
    release_order,
    released_in,
    samples_plot,
    score_sweep,
)
from dp_instructions.exceptions import InvalidInputError, PrivacyError
from dp_instructions.privacy import Budget, Gaussian, PrivacyLedger, compose_epsilon, fingerprint_texts
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling.histogram import ReleasedHistograms
from dp_instructions.resampling.parameters import ResamplingParameters, ShortageMode
from tests.evaluation import fakes

PRIVACY = PrivacyParameters(epsilon=1.0, delta=None, noise_seed=11)
# The resampling default (static token embeddings: fast); MAUVE still embeds with the model.
RESAMPLING = ResamplingParameters.model_validate({"embedding": {"mode": "static"}, "clustering": {"num_clusters": 50}})
CONFIG = SweepConfig(ks=(3, 6), noise_multipliers=(2.0, 8.0))


def embedded(name: str, texts: list[str]) -> EmbeddedTexts:
    encoder = load_encoder(EmbeddingConfig())
    return embed_sets([TextSet(name, texts, 5 * len(texts), 0)], encoder, 64)[name]


SYNTHETIC = TextSet("synthetic_initial", fakes.texts(160, 3, fakes.SYNTHETIC_MIX), 160, 0)


def test_every_point_is_charged_before_release_refused_points_are_reported_and_repeats_are_free(tmp_path):
    clusterings = cluster_synthetic(SYNTHETIC, RESAMPLING, CONFIG, seed=0)
    assert {k: int(c.sizes().sum()) for k, c in clusterings.by_k.items()} == {3: 160, 6: 160}
    assert clusterings.texts == SYNTHETIC.texts and clusterings.space["model"] == "all-MiniLM-L6-v2"
    voters = fakes.frame(fakes.texts(200, 4, fakes.REAL_MIX), "val")
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl", run_id="r")
    # A budget that holds the two cheap points (sigma 8) but not a sigma-2 one on top.
    delta = Budget.for_dataset(1.0, 200).delta
    assert (
        compose_epsilon([Gaussian(8.0)] * 2, delta)
        < 1.0
        < compose_epsilon([Gaussian(8.0)] * 2 + [Gaussian(2.0)], delta)
    )
    release = release_histograms(
        clusterings, voters, ledger=ledger, privacy=PRIVACY, config=CONFIG, released=ReleasedHistograms()
    )

    assert [(p["k"], p["noise_multiplier"]) for p in release["points"]] == release_order(CONFIG)
    assert release_order(CONFIG) == [(3, 8.0), (6, 8.0), (3, 2.0), (6, 2.0)]
    assert [p["status"] for p in release["points"]] == [RELEASED, RELEASED, SKIPPED_BUDGET, SKIPPED_BUDGET]
    records = ledger.records()
    assert len(records) == 2 and {r.stage for r in records} == {STAGE} and records[0].dataset == "instructions_val"
    assert {r.fingerprint for r in records} == {fingerprint_texts(voters["text"])}
    assert records[0].mechanisms == (Gaussian(8.0),) and records[0].parameters["K"] == 3
    histogram = release["points"][0]["histogram"]
    assert histogram["release_id"] == records[0].release_id and len(histogram["noisy_counts"]) == 3
    assert all(isinstance(c, int) for c in histogram["noisy_counts"])  # rounded, as the resampling stage does
    assert histogram["noise"]["private"] is False  # noise_seed 11: reproducible, flagged
    assert "privacy budget exceeded" in release["points"][2]["reason"]

    # The same query again: the earlier releases are reused, nothing is charged.
    store = ReleasedHistograms(("v1", h) for h in released_in(release, "v1"))
    again = release_histograms(clusterings, voters, ledger=ledger, privacy=PRIVACY, config=CONFIG, released=store)
    assert [p["status"] for p in again["points"]][:2] == [REUSED, REUSED] and len(ledger.records()) == 2

    reference = embedded("instructions_test", fakes.texts(150, 5, fakes.REAL_MIX))
    pool = embedded("synthetic_initial", SYNTHETIC.texts[:100])
    mauve = MauveConfig(max_samples=60, pool_size=None, seeds=(0,), kmeans=MauveKMeansConfig(num_redo=1, max_iter=50))
    scored = score_sweep(
        release,
        clusterings,
        pool,
        reference,
        load_encoder(EmbeddingConfig()),
        mauve,
        sample_size=60,
        target_size=80,
        shortage=ShortageMode.ERROR,
        seed=0,
    )
    assert scored["shortage"] == "redistribute"  # a sweep cannot stop where the stage would
    assert scored["baseline"]["label"].startswith("synthetic_initial") and len(scored["baseline"]["per_seed"]) == 1
    done = [p for p in scored["points"] if p["status"] == RELEASED]
    assert len(done) == 2 and all(0 <= p["mauve_mean"] <= 1 and len(p["per_seed"]) == 1 for p in done)
    assert all(0 <= p["mass_outside_reference"] <= 1 for p in done)
    assert all(p["resampled"] == 80 and p["draws_with_replacement"] == 0 for p in done)  # redistributed
    # More initial samples than the 160 are needed exactly when some cluster ran short;
    # real-like voters over another topic mix make some point run short.
    assert all((p["initial_samples_required"] > 160) == (p["shortfall_clusters"] > 0) for p in done)
    assert any(p["shortfall_clusters"] > 0 for p in done)
    skipped = [p for p in scored["points"] if p["status"] == SKIPPED_BUDGET]
    assert len(skipped) == 2 and all(p["mauve_mean"] is None for p in skipped)
    assert len(points_table(scored)) == 4
    assert isinstance(mauve_plot(scored), Figure) and isinstance(samples_plot(scored), Figure)


def test_kmeans_refuses_more_clusters_than_synthetic_texts():
    few = TextSet("synthetic_initial", fakes.texts(5, 3, fakes.SYNTHETIC_MIX), 5, 0)
    with pytest.raises(InvalidInputError, match="evaluation.sweep.ks"):
        cluster_synthetic(few, RESAMPLING, SweepConfig(ks=(6,)), seed=0)


def test_voters_are_checked_before_anything_is_charged(tmp_path):
    small = TextSet("synthetic_initial", fakes.texts(20, 3, fakes.SYNTHETIC_MIX), 20, 0)
    clusterings = cluster_synthetic(small, RESAMPLING, SweepConfig(ks=(2,)), seed=0)
    ledger = PrivacyLedger(tmp_path / "ledger.jsonl")
    bad = pl.DataFrame({"id": ["a", "a"], "text": ["x", "y"]})
    with pytest.raises(InvalidInputError, match="instructions_val: column `id` has 1 duplicated"):
        release_histograms(
            clusterings, bad, ledger=ledger, privacy=PRIVACY, config=SweepConfig(ks=(2,)), released=ReleasedHistograms()
        )
    assert ledger.records() == []


def test_an_orphaned_histogram_is_refused_not_passed_on_as_a_release(tmp_path):
    # A sweep file whose ledger record is missing (ledger reset, file copied from another
    # project, or written by hand) proves nothing: reusing it would pass it on as a
    # dp_release with no privacy accounted for.
    small = TextSet("synthetic_initial", fakes.texts(40, 3, fakes.SYNTHETIC_MIX), 40, 0)
    config = SweepConfig(ks=(2,), noise_multipliers=(8.0,))
    clusterings = cluster_synthetic(small, RESAMPLING, config, seed=0)
    voters = fakes.frame(fakes.texts(60, 4, fakes.REAL_MIX), "val")
    charged = PrivacyLedger(tmp_path / "charged.jsonl", run_id="r")
    release = release_histograms(
        clusterings, voters, ledger=charged, privacy=PRIVACY, config=config, released=ReleasedHistograms()
    )
    store = ReleasedHistograms(("v1", h) for h in released_in(release, "v1"))
    assert [p["status"] for p in release["points"]] == [RELEASED] and len(store) == 1

    elsewhere = PrivacyLedger(tmp_path / "other.jsonl", run_id="r")  # holds no record of that release
    with pytest.raises(PrivacyError, match="no record of that release"):
        release_histograms(clusterings, voters, ledger=elsewhere, privacy=PRIVACY, config=config, released=store)
    assert elsewhere.records() == []
    # The ledger that was charged vouches for it: reused for free.
    again = release_histograms(clusterings, voters, ledger=charged, privacy=PRIVACY, config=config, released=store)
    assert [p["status"] for p in again["points"]] == [REUSED] and len(charged.records()) == 1
