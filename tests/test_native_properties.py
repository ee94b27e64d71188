"""Property tests: each Rust kernel against its plain-Python oracle (tests/oracles.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dp_instructions import native
from dp_instructions.exceptions import InsufficientSamplesError
from tests import oracles

# Characters unassigned in this Python's Unicode database (Cn) or surrogates (Cs) are left
# out: the Rust tables may be of a newer Unicode version that assigns them.
any_char = st.characters(exclude_categories=("Cs", "Cn"))
any_text = st.text(alphabet=any_char, max_size=60)

# A small vocabulary so that n-grams repeat across texts, with tricky Unicode cases:
# case folding (İ, ß, Σ final sigma), CJK, Arabic-Indic digits, a superscript (not a word
# character), combining marks, underscores.
VOCAB = [
    "a",
    "B",
    "c",
    "dé",
    "İstanbul",
    "STRASSE",
    "straße",
    "ΟΔΟΣ",
    "οδος",
    "東京",
    "٣",
    "x²y",
    "_",
    "e\u0301",
    "Ⅻ",
    "naïve",
    "NAÏVE",
    "ǅ",
]
SEPARATORS = [" ", "  ", ", ", "\n", "-", ".", "\u3000", "—"]
vocab_text = st.lists(st.tuples(st.sampled_from(VOCAB), st.sampled_from(SEPARATORS)), max_size=14).map(
    lambda parts: "".join(w + s for w, s in parts)
)
some_text = st.one_of(vocab_text, any_text)


@given(any_text)
@settings(max_examples=400)
def test_tokenize_matches_oracle(text):
    assert native.tokenize(text) == oracles.words(text)


@given(
    st.lists(some_text, max_size=25),
    st.integers(min_value=1, max_value=4),
    st.one_of(st.none(), st.lists(some_text, max_size=4)),
    st.sampled_from([None, 1, 3]),
)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_ngram_dedup_matches_oracle(texts, n, reference, threads):
    result = native.ngram_dedup(texts, n, reference, num_threads=threads)
    kept, matched = oracles.ngram_dedup(texts, n, reference or ())
    assert result.kept.tolist() == kept
    assert result.matched.tolist() == matched


# Small dyadic values: every float64 sum is exact, so exact ties really are ties.
dyadic = st.integers(min_value=-16, max_value=16).map(lambda v: v / 4)


@st.composite
def points_and_centroids(draw, exact: bool):
    d = draw(st.integers(min_value=1, max_value=9))
    n = draw(st.integers(min_value=0, max_value=40))
    k = draw(st.integers(min_value=1, max_value=12))
    elements = dyadic if exact else st.floats(-1e3, 1e3, width=32)
    centroids = draw(hnp.arrays(np.float32, (k, d), elements=elements))
    if draw(st.booleans()) and k > 1:  # duplicate centroids force ties
        centroids[k - 1] = centroids[0]
    x = draw(hnp.arrays(np.float32, (n, d), elements=elements))
    return x, centroids


@given(points_and_centroids(exact=True), st.sampled_from([None, 1, 2]))
@settings(max_examples=300)
def test_nearest_centroid_matches_oracle_with_exact_ties(data, threads):
    x, centroids = data
    labels, dists = native.nearest_centroid(x, centroids, num_threads=threads)
    exp_labels, exp_dists = oracles.nearest_centroid(x, centroids)
    assert labels.tolist() == exp_labels
    assert dists.tolist() == [float(np.float32(v)) for v in exp_dists]
    assert native.vote_counts(x, centroids, num_threads=threads).tolist() == oracles.vote_counts(x, centroids)


@given(points_and_centroids(exact=False))
@settings(max_examples=200)
def test_nearest_centroid_matches_oracle_on_general_floats(data):
    x, centroids = data
    labels, dists = native.nearest_centroid(x, centroids)
    exp_labels, exp_dists = oracles.nearest_centroid(x, centroids)
    # The kernel re-scores plausible candidates in float64, but its float32 filter bounds
    # the error against the *true* distance: on near-ties closer than the float64 rounding
    # of the oracle's sum (e.g. x=-2, c=0 vs c=-5e-31: the true distances differ by 2e-30,
    # the float64 sums are both 4.0) it can keep the truly nearer centroid that the
    # oracle's rounded metric calls a tie. Any such label must be a tie within that rounding.
    for i, (got, want) in enumerate(zip(labels.tolist(), exp_labels)):
        if got != want:
            d_got = oracles.sq_distance(x[i].tolist(), centroids[got].tolist())
            assert abs(d_got - exp_dists[i]) <= 4 * np.spacing(max(exp_dists[i], 1e-300)) + 1e-300, (i, got, want)
    np.testing.assert_array_equal(dists, np.asarray(exp_dists, dtype=np.float32))


@st.composite
def labels_and_targets(draw):
    k = draw(st.integers(min_value=0, max_value=8))
    m = draw(st.integers(min_value=0, max_value=60)) if k else 0
    labels = np.asarray(draw(st.lists(st.integers(0, k - 1), min_size=m, max_size=m)) if k else [], dtype=np.int64)
    targets = np.asarray(draw(st.lists(st.integers(0, 12), min_size=k, max_size=k)), dtype=np.int64)
    return labels, targets


@given(labels_and_targets(), st.integers(0, 2**64 - 1), st.booleans())
@settings(max_examples=300)
def test_resample_indices_matches_oracle(data, seed, replace):
    labels, targets = data
    expected_short = oracles.resample_shortfalls(labels.tolist(), targets.tolist(), replace)
    if expected_short:
        with pytest.raises(InsufficientSamplesError) as info:
            native.resample_indices(labels, targets, seed, replace)
        got = [(s.cluster, s.needed, s.available) for s in info.value.shortfalls]
        assert got == expected_short
        return
    out = native.resample_indices(labels, targets, seed, replace)
    assert len(out) == int(targets.sum())
    pos = 0
    for j, t in enumerate(targets.tolist()):
        part = out[pos : pos + t]
        pos += t
        assert all(labels[i] == j for i in part), "drawn index from the wrong cluster"
        assert part.tolist() == sorted(part.tolist())
        if not replace:
            assert len(set(part.tolist())) == t, "repeat without replacement"
    again = native.resample_indices(labels, targets, seed, replace, num_threads=1)
    assert out.tolist() == again.tolist()


@given(st.integers(1, 6), st.integers(2, 9))
def test_resample_is_uniform_within_cluster(t, size):
    assume(t <= size)
    labels = np.zeros(size, dtype=np.int64)
    hits = np.zeros(size)
    trials = 600
    for seed in range(trials):
        hits[native.resample_indices(labels, np.array([t]), seed)] += 1
    expected = trials * t / size
    # Binomial(trials, t/size): 6 standard deviations is effectively never exceeded.
    sd = np.sqrt(trials * (t / size) * (1 - t / size)) + 1e-9
    assert np.all(np.abs(hits - expected) <= 6 * sd + 1)
