"""MAUVE: the histogram path agrees with mauve-text, the scores order sets correctly, and
the result has the documented structure."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from matplotlib.figure import Figure
from mauve import compute_mauve

from dp_instructions.evaluation.embeddings import EmbeddedTexts
from dp_instructions.evaluation.mauve_scores import (
    COMPARED,
    bar_plot,
    compare_to_reference,
    embedding_buckets,
    gains_sentence,
    markdown_table,
    mauve_from_histograms,
    scores_frame,
    step_gains,
    unigram_histograms,
    unigram_mauve,
)
from dp_instructions.evaluation.parameters import EmbeddingMauveConfig, MauveConfig, MauveKMeansConfig
from dp_instructions.evaluation.samples import TextSet, dataset_texts, draw_pool
from dp_instructions.exceptions import InvalidInputError
from tests.evaluation import fakes


def test_histogram_mauve_is_exactly_what_mauve_text_computes_from_its_histograms():
    rng = np.random.default_rng(0)
    p = rng.normal(size=(300, 8)).astype(np.float32)
    q = (rng.normal(size=(300, 8)) + 0.7).astype(np.float32)
    out = compute_mauve(
        p_features=p,
        q_features=q,
        num_buckets=12,
        mauve_scaling_factor=5,
        seed=3,
        kmeans_num_redo=1,
        kmeans_max_iter=50,
    )
    assert 0 < out.mauve < 1
    assert mauve_from_histograms(out.p_hist, out.q_hist, 5) == pytest.approx(out.mauve, abs=1e-12)


def test_unigram_histograms_cover_the_joint_vocabulary():
    p, q = unigram_histograms(["a b b"], ["b c"])  # vocab [a, b, c]
    np.testing.assert_allclose(p, [1 / 3, 2 / 3, 0])
    np.testing.assert_allclose(q, [0, 1 / 2, 1 / 2])


def test_unigram_mauve_orders_identical_overlapping_and_disjoint_samples():
    real = fakes.texts(300, 0, fakes.REAL_MIX)
    same = unigram_mauve(real, list(real), 5)
    shifted = unigram_mauve(real, fakes.texts(300, 1, fakes.SYNTHETIC_MIX), 5)
    disjoint = unigram_mauve(real, ["zebra quantum violin"] * 300, 5)
    assert same.score == pytest.approx(1.0, abs=1e-3)
    assert disjoint.score < 0.05 < shifted.score < same.score
    # How much of each side lies where the other has nothing: what explains a saturated score.
    assert same.candidate_outside == same.reference_outside == 0.0
    assert disjoint.candidate_outside == disjoint.reference_outside == 1.0
    half = unigram_mauve(real, real[:150] + ["zebra quantum violin"] * 150, 5)
    assert 0.1 < half.candidate_outside < 0.5 and half.score < same.score  # 3 new words per text of ~12


def test_histograms_are_validated():
    with pytest.raises(InvalidInputError, match="sum to 1"):
        mauve_from_histograms(np.array([0.5, 0.6]), np.array([0.5, 0.5]), 5)
    with pytest.raises(InvalidInputError, match="equal length"):
        mauve_from_histograms(np.array([1.0]), np.array([0.5, 0.5]), 5)


def test_buckets_follow_the_sample_size_up_to_the_configured_number():
    assert embedding_buckets(5000, 500) == 500
    assert embedding_buckets(500, 500) == 50
    assert embedding_buckets(12, 500) == 2


def _embedded(name: str, centres: np.ndarray, weights: list[float], n: int, seed: int) -> EmbeddedTexts:
    rng = np.random.default_rng(seed)
    topic = rng.choice(len(weights), size=n, p=weights)
    vectors = centres[topic] + 0.3 * rng.normal(size=(n, centres.shape[1]))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    names = list(fakes.TOPICS)
    texts = [f"{fakes.TOPICS[names[t]][0]} {i}" for i, t in enumerate(topic)]
    return EmbeddedTexts(TextSet(name, texts, n + 5, 5), np.ascontiguousarray(vectors, dtype=np.float32))


def test_scores_have_the_documented_structure_and_order_sets_by_closeness():
    centres = np.random.default_rng(9).normal(size=(4, 16))
    real = [0.4, 0.1, 0.2, 0.3]
    reference = _embedded("instructions_test", centres, real, 400, 1)
    candidates = {
        "public_only_samples": _embedded("public_only_samples", centres, [0.0, 0.9, 0.1, 0.0], 300, 6),
        "synthetic_initial": _embedded("synthetic_initial", centres, [0.1, 0.5, 0.3, 0.1], 300, 2),
        "synthetic_resampled": _embedded("synthetic_resampled", centres, [0.35, 0.15, 0.2, 0.3], 250, 3),
        "public_instructions": _embedded("public_instructions", centres, [0.0, 0.0, 0.0, 1.0], 500, 4),
        "instructions_train": _embedded("instructions_train", centres, real, 500, 5),
    }
    config = MauveConfig(
        max_samples=1000,
        pool_size=None,
        seeds=(0, 1, 2),
        embedding=EmbeddingMauveConfig(num_buckets=500),
        kmeans=MauveKMeansConfig(num_redo=1, max_iter=100),
    )
    result = compare_to_reference(reference, candidates, config, embedding={"model": "test"})

    assert result["sample_size"] == 250  # equal sizes: the smallest set
    assert result["settings"]["embedding"]["num_buckets"] == 25
    assert result["datasets"]["instructions_test"] == {"rows": 405, "excluded_rows": 5, "pool": 400}
    assert {(s["dataset"], s["representation"]) for s in result["scores"]} == {
        (d, r) for d in COMPARED for r in ("unigram", "embedding")
    }
    for s in result["scores"]:
        assert len(s["per_seed"]) == 3 and 0 <= min(s["per_seed"]) <= max(s["per_seed"]) <= 1
        assert s["mean"] == pytest.approx(np.mean(s["per_seed"])) and s["std"] >= 0
        assert 0 <= s["candidate_mass_outside_reference"] <= 1 and 0 <= s["reference_mass_outside_candidate"] <= 1
    public = next(
        s for s in result["scores"] if s["dataset"] == "public_instructions" and s["representation"] == "embedding"
    )
    assert public["reference_mass_outside_candidate"] > 0.5  # the public set covers one topic of four
    emb = {s["dataset"]: s["mean"] for s in result["scores"] if s["representation"] == "embedding"}
    assert emb["public_instructions"] < emb["synthetic_initial"] < emb["synthetic_resampled"]
    assert emb["public_only_samples"] < emb["synthetic_initial"] < emb["instructions_train"]

    frame = scores_frame(result)
    assert frame["dataset"].to_list() == list(COMPARED)
    assert COMPARED[:3] == ("public_only_samples", "synthetic_initial", "synthetic_resampled")
    table = markdown_table(result)
    assert table.count("\n| ") == 1 + len(COMPARED) and "n = 250" in table
    # What each step adds, row to row, in both representations.
    fine_tuning, resampling = step_gains(result, "embedding")
    assert (fine_tuning.before, fine_tuning.after) == ("public_only_samples", "synthetic_initial")
    assert (resampling.before, resampling.after) == ("synthetic_initial", "synthetic_resampled")
    assert fine_tuning.gain == pytest.approx(emb["synthetic_initial"] - emb["public_only_samples"])
    assert fine_tuning.gain > 0 and fine_tuning.beyond_spread
    assert "What each step adds to unigram MAUVE: DP fine-tuning " in table
    assert f"What each step adds to embedding MAUVE: {fine_tuning.describe()}; {resampling.describe()}." in table
    fig = bar_plot(result)
    assert isinstance(fig, Figure) and len(fig.axes[0].containers) >= 2


def test_dataset_texts_counts_excluded_rows_and_names_the_dataset_at_fault():
    frame = pl.DataFrame({"id": ["a", "b", "c"], "text": ["hello", "  ", None]})
    texts = dataset_texts(frame, "synthetic_initial")
    assert texts.texts == ["hello"] and texts.source_rows == 3 and texts.excluded == 2
    with pytest.raises(InvalidInputError, match="dataset `public_instructions` has no `text` column"):
        dataset_texts(pl.DataFrame({"id": ["a"], "prompt": ["x"]}), "public_instructions")
    with pytest.raises(InvalidInputError, match="no non-empty"):
        dataset_texts(pl.DataFrame({"id": ["a"], "text": [""]}), "instructions_test")


def test_pools_are_seeded_uniform_subsets():
    texts = TextSet("instructions_train", [f"t{i}" for i in range(100)], 100, 0)
    pool = draw_pool(texts, 30, seed=4)
    assert len(pool.texts) == 30 and set(pool.texts) <= set(texts.texts)
    assert draw_pool(texts, 30, seed=4) == pool and draw_pool(texts, 30, seed=5) != pool
    assert draw_pool(texts, None, seed=4) is texts


def _scores(means: dict[str, tuple[float, float]]) -> dict:
    return {
        "scores": [{"dataset": d, "representation": "unigram", "mean": m, "std": sd} for d, (m, sd) in means.items()]
    }


def test_step_gains_say_what_each_step_adds_against_the_spread():
    result = _scores(
        {
            "public_only_samples": (0.030, 0.002),
            "synthetic_initial": (0.042, 0.001),
            "synthetic_resampled": (0.045, 0.004),
        }
    )
    fine_tuning, resampling = step_gains(result, "unigram")
    assert fine_tuning.step == "DP fine-tuning" and fine_tuning.beyond_spread
    assert resampling.step == "resampling" and not resampling.beyond_spread  # 0.003 < spread 0.004
    assert fine_tuning.describe() == (
        "DP fine-tuning +0.012 (public_only_samples 0.030 ± 0.002 → synthetic_initial 0.042 ± 0.001; "
        "beyond the spread over seeds)"
    )
    assert "within the spread over seeds" in resampling.describe()
    # A run without the public-only row still says what resampling adds; one with neither step says nothing.
    without = _scores({"synthetic_initial": (0.042, 0.001), "synthetic_resampled": (0.060, 0.001)})
    assert [g.step for g in step_gains(without, "unigram")] == ["resampling"]
    assert step_gains(without, "embedding") == [] and gains_sentence(without, "embedding") == ""
