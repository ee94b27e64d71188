"""Unit tests of the typed facade dp_instructions.native: results and clear errors."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from dp_instructions import native
from dp_instructions.exceptions import (
    InsufficientSamplesError,
    InvalidInputError,
    LabelOutOfRangeError,
    NonFiniteValueError,
)


def test_ngram_dedup_paper_rule_first_holder_is_kept():
    base = "please write a python function that reverses a linked list in place and returns it"
    texts = [base, "hello there", "Please, WRITE a Python function that reverses a linked list in place!"]
    result = native.ngram_dedup(texts, n=10)
    assert result.kept.tolist() == [True, True, False]
    assert result.matched.tolist() == [native.NO_MATCH, native.NO_MATCH, 0]


def test_ngram_dedup_reference_code():
    result = native.ngram_dedup(["one two three four"], n=3, reference=["zero one two three"])
    assert result.matched.tolist() == [native.REFERENCE_MATCH]
    assert not result.kept[0]


def test_ngram_dedup_empty_input():
    result = native.ngram_dedup([], n=10)
    assert result.kept.shape == (0,) and result.matched.dtype == np.int64


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"texts": "a single string"}, "`texts` must be a sequence"),
        ({"texts": ["ok", None]}, "`texts[1]`"),
        ({"texts": ["ok"], "n": 0}, "`n`"),
        ({"texts": ["ok"], "reference": [3]}, "`reference[0]`"),
        ({"texts": ["ok"], "num_threads": 0}, "`num_threads`"),
    ],
)
def test_ngram_dedup_bad_input_names_the_argument(kwargs, fragment):
    with pytest.raises(InvalidInputError, match=fragment.replace("[", r"\[")):
        native.ngram_dedup(**kwargs)


def test_ngram_dedup_same_result_for_any_thread_count():
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(60)]
    texts = [" ".join(rng.choice(vocab, size=rng.integers(2, 30))) for _ in range(3000)]
    one = native.ngram_dedup(texts, n=4, num_threads=1)
    two = native.ngram_dedup(texts, n=4, num_threads=2)
    assert np.array_equal(one.kept, two.kept) and np.array_equal(one.matched, two.matched)


def _unit_rows(rng, n, d):
    a = rng.standard_normal((n, d)).astype(np.float32)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_vote_counts_agree_with_faiss():
    faiss = pytest.importorskip("faiss")
    rng = np.random.default_rng(0)
    x, c = _unit_rows(rng, 5000, 64), _unit_rows(rng, 300, 64)
    index = faiss.IndexFlatL2(64)
    index.add(c)
    dist, idx = index.search(x, 1)
    labels, ours = native.nearest_centroid(x, c)
    # faiss rounds through ||x||^2 + ||c||^2 - 2x.c in float32: allow its error only.
    assert np.mean(labels == idx[:, 0]) > 0.999
    np.testing.assert_allclose(ours, dist[:, 0], atol=1e-4)
    counts = native.vote_counts(x, c)
    assert counts.sum() == 5000
    assert np.array_equal(counts, np.bincount(labels, minlength=300))


@pytest.mark.parametrize(
    ("x", "c", "error", "fragment"),
    [
        (np.zeros((3, 4), np.float64), np.zeros((2, 4), np.float32), InvalidInputError, "`x` has dtype float64"),
        (np.zeros((3, 4), np.float32), np.zeros((2, 5), np.float32), InvalidInputError, "dimension mismatch"),
        (np.zeros((3, 4), np.float32), np.zeros((0, 4), np.float32), InvalidInputError, "K >= 1"),
        (np.zeros(4, np.float32), np.zeros((2, 4), np.float32), InvalidInputError, "2-dimensional"),
        (np.zeros((3, 8), np.float32)[:, ::2], np.zeros((2, 4), np.float32), InvalidInputError, "C-contiguous"),
        (
            np.zeros((3, 4), np.float32),
            np.array([[0, 0, np.inf, 0]], np.float32),
            NonFiniteValueError,
            "`centroids`.*row 0, column 2",
        ),
        ([[0.0]], np.zeros((1, 1), np.float32), InvalidInputError, "numpy array"),
    ],
)
def test_centroid_kernels_reject_bad_arrays(x, c, error, fragment):
    for fn in (native.nearest_centroid, native.vote_counts):
        with pytest.raises(error, match=fragment):
            fn(x, c)


def test_resample_errors_are_value_errors_with_details():
    labels = np.array([0, 0, 1], dtype=np.int64)
    with pytest.raises(InsufficientSamplesError) as info:
        native.resample_indices(labels, np.array([3, 2], dtype=np.int64), seed=1)
    assert isinstance(info.value, ValueError)
    assert [(s.cluster, s.needed, s.available) for s in info.value.shortfalls] == [(0, 3, 2), (1, 2, 1)]
    assert "need more initial samples" in str(info.value)
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.shortfalls == info.value.shortfalls
    with pytest.raises(LabelOutOfRangeError, match=r"labels\[2\]"):
        native.resample_indices(labels, np.array([1], dtype=np.int64), seed=1)
    with pytest.raises(InvalidInputError, match="`seed`"):
        native.resample_indices(labels, np.array([1, 1], dtype=np.int64), seed=-1)
    with pytest.raises(InvalidInputError, match="`labels` has dtype int32"):
        native.resample_indices(labels.astype(np.int32), np.array([1, 1], dtype=np.int64), seed=1)


def test_resample_replace_allows_oversampling():
    labels = np.array([0, 1], dtype=np.int64)
    out = native.resample_indices(labels, np.array([4, 0], dtype=np.int64), seed=5, replace=True)
    assert out.tolist() == [0, 0, 0, 0]
