"""Target arithmetic (largest remainder, shortfalls, redistribution) against plain-Python
oracles, and the three shortage modes."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dp_instructions.exceptions import InsufficientSamplesError, InvalidInputError
from dp_instructions.resampling.parameters import ShortageMode
from dp_instructions.resampling.targets import (
    check_target_size,
    initial_samples_needed,
    largest_remainder,
    paper_rounding_total,
    plan_draws,
    redistribute,
    targets_from_noisy_counts,
)

# --- oracles: the definitions, written as plainly as possible ---------------------------


def oracle_largest_remainder(weights: list[float], total: int) -> list[int]:
    """Hamilton's method in exact fractions, one leftover seat at a time."""
    fractions = [Fraction(w) for w in weights]
    quotas = [f * total / sum(fractions) for f in fractions]
    seats = [math.floor(q) for q in quotas]
    remainders = [q - s for q, s in zip(quotas, seats)]
    for _ in range(total - sum(seats)):
        best = max(range(len(remainders)), key=lambda i: (remainders[i], -i))
        seats[best] += 1
        remainders[best] = Fraction(-1)
    return seats


def oracle_targets(noisy: list[float], total: int) -> list[int]:
    return oracle_largest_remainder([max(c, 0.0) for c in noisy], total)


def oracle_redistribute(targets: list[int], available: list[int], weights: list[float]) -> list[int]:
    out = [min(t, a) for t, a in zip(targets, available)]
    excess = sum(targets) - sum(out)
    while excess > 0:
        room = [a - o for a, o in zip(available, out)]
        w = [max(weights[i], 0.0) if room[i] > 0 else 0.0 for i in range(len(out))]
        if sum(w) == 0:
            w = [float(r) for r in room]
        extra = oracle_largest_remainder(w, excess)
        excess = 0
        for i, e in enumerate(extra):
            grown = out[i] + e
            if grown > available[i]:
                excess += grown - available[i]
                grown = available[i]
            out[i] = grown
    return out


# --- strategies ------------------------------------------------------------------------

counts = st.one_of(
    st.integers(min_value=-60, max_value=400).map(float),  # what the release holds: rounded counts
    st.floats(min_value=-50.0, max_value=1e4, allow_nan=False, allow_infinity=False),
)
histograms = st.lists(counts, min_size=1, max_size=40).filter(lambda h: max(h) > 0)


@given(histograms, st.integers(min_value=0, max_value=5_000))
@settings(max_examples=200, deadline=None)
def test_targets_match_the_oracle_and_sum_to_t(noisy, total):
    got = targets_from_noisy_counts(noisy, total)
    assert got.dtype == np.int64
    assert got.tolist() == oracle_targets(noisy, total)
    assert int(got.sum()) == total
    clipped = [max(c, 0.0) for c in noisy]
    s = sum(Fraction(c) for c in clipped)
    for t, c in zip(got.tolist(), clipped):
        quota = Fraction(c) * total / s
        assert math.floor(quota) <= t <= math.ceil(quota)  # each target is its quota rounded
        if c == 0:
            assert t == 0  # a cluster the noisy histogram gives nothing gets nothing


@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=10_000),
)
@settings(max_examples=200, deadline=None)
def test_largest_remainder_matches_the_oracle(weights, total):
    assume(sum(weights) > 0)
    assert largest_remainder(weights, total).tolist() == oracle_largest_remainder(weights, total)


def test_ties_go_to_the_lower_index_and_floats_are_exact():
    assert largest_remainder([1, 1, 1], 2).tolist() == [1, 1, 0]
    assert largest_remainder([1, 1, 1], 4).tolist() == [2, 1, 1]
    # 0.1 + 0.2 != 0.3 in floating point; exact arithmetic still splits 3 units as 1:2.
    assert largest_remainder([0.1, 0.2], 3).tolist() == [1, 2]


def test_clipping_and_renormalising_beat_the_papers_flooring():
    noisy = [-12.0, 30.0, 30.0, 41.0, 7.0]  # N = 100 votes, noise pushed one count below zero
    t = 1_000
    ours = targets_from_noisy_counts(noisy, t)
    assert ours.tolist() == [0, 278, 278, 379, 65] and ours.sum() == t  # quotas 277.8, 277.8, 379.6, 64.8
    # The paper's int(T * max(c, 0) / N): the clipped mass overshoots (108 > 100), and
    # its total is neither T nor predictable.
    assert paper_rounding_total(noisy, t, 100) == 1_080


def test_a_histogram_with_no_positive_count_is_refused():
    with pytest.raises(InvalidInputError, match="noise swamps the votes"):
        targets_from_noisy_counts([-3.0, 0.0, -1.0], 10)
    with pytest.raises(InvalidInputError, match="NaN"):
        targets_from_noisy_counts([1.0, float("nan")], 10)


@st.composite
def shortage_cases(draw):
    k = draw(st.integers(min_value=1, max_value=25))
    available = draw(st.lists(st.integers(min_value=0, max_value=60), min_size=k, max_size=k))
    assume(sum(available) > 0)
    weights = draw(st.lists(st.integers(min_value=0, max_value=100).map(float), min_size=k, max_size=k))
    assume(sum(weights) > 0)
    total = draw(st.integers(min_value=0, max_value=sum(available)))
    return largest_remainder(weights, total), np.asarray(available, dtype=np.int64), np.asarray(weights)


@given(shortage_cases())
@settings(max_examples=200, deadline=None)
def test_redistribution_matches_the_oracle_and_keeps_t(case):
    targets, available, weights = case
    got = redistribute(targets, available, weights)
    assert got.tolist() == oracle_redistribute(targets.tolist(), available.tolist(), weights.tolist())
    assert int(got.sum()) == int(targets.sum())
    assert (got <= available).all()
    assert (got >= np.minimum(targets, available)).all()  # nobody loses what they could have
    if (targets <= available).all():
        assert got.tolist() == targets.tolist()


def test_redistribution_follows_the_noisy_shares_then_the_room():
    # Cluster 0 is short by 6; clusters 1 and 2 share it 2:1 by weight; cluster 3 (no
    # weight) gets nothing while the others have room.
    got = redistribute(np.array([10, 4, 2, 0]), np.array([4, 20, 20, 20]), np.array([10.0, 4.0, 2.0, 0.0]))
    assert got.tolist() == [4, 8, 4, 0]
    # The weighted clusters are full: leftovers go to the unweighted one.
    got = redistribute(np.array([10, 4, 0]), np.array([4, 5, 20]), np.array([10.0, 4.0, 0.0]))
    assert got.tolist() == [4, 5, 5]
    with pytest.raises(InvalidInputError, match="without replacement"):
        redistribute(np.array([10, 10]), np.array([5, 4]), np.array([1.0, 1.0]))


TARGETS = np.array([5, 3, 2, 0])
AVAILABLE = np.array([2, 10, 1, 7])
WEIGHTS = np.array([50.0, 30.0, 20.0, 0.0])


def test_error_mode_lists_every_short_cluster_and_the_pool_that_would_do():
    with pytest.raises(InsufficientSamplesError) as info:
        plan_draws(TARGETS, AVAILABLE, WEIGHTS, ShortageMode.ERROR)
    err = info.value
    assert [(s.cluster, s.needed, s.available) for s in err.shortfalls] == [(0, 5, 2), (2, 2, 1)]
    # M = 20; cluster 0 needs 5/2 of its share: ceil(20 * 5 / 2) = 50 initial samples.
    assert "need more initial samples" in str(err) and "about 50 initial samples" in str(err)
    assert "redistribute" in str(err) and "no privacy cost" in str(err)
    assert initial_samples_needed(TARGETS, AVAILABLE, 20) == 50


def test_replace_mode_takes_every_member_once_then_draws_with_replacement():
    plan = plan_draws(TARGETS, AVAILABLE, WEIGHTS, ShortageMode.REPLACE)
    assert plan.draws.tolist() == [2, 3, 1, 0]
    assert plan.extra.tolist() == [3, 0, 1, 0]
    assert plan.total == 10 and [s.cluster for s in plan.shortfalls] == [0, 2]
    with pytest.raises(InsufficientSamplesError, match="no synthetic member") as info:
        plan_draws(np.array([1, 1]), np.array([3, 0]), np.array([1.0, 1.0]), ShortageMode.REPLACE)
    assert [s.cluster for s in info.value.shortfalls] == [1]


def test_redistribute_mode_keeps_t_without_duplicates():
    plan = plan_draws(TARGETS, AVAILABLE, WEIGHTS, ShortageMode.REDISTRIBUTE)
    assert plan.draws.tolist() == [2, 7, 1, 0] and plan.extra.sum() == 0 and plan.total == 10
    assert plan.initial_samples_needed == 50


def test_no_shortfall_draws_the_targets_in_every_mode():
    for mode in ShortageMode:
        plan = plan_draws(np.array([1, 2]), np.array([3, 3]), np.array([1.0, 2.0]), mode)
        assert plan.draws.tolist() == [1, 2] and plan.extra.sum() == 0 and plan.shortfalls == []


def test_an_empty_target_cluster_has_no_predicted_pool_size():
    assert initial_samples_needed(np.array([1, 1]), np.array([0, 5]), 5) is None


def test_t_larger_than_the_pool_needs_replacement():
    check_target_size(10, 10, ShortageMode.ERROR)
    check_target_size(11, 10, ShortageMode.REPLACE)
    for mode in (ShortageMode.ERROR, ShortageMode.REDISTRIBUTE):
        with pytest.raises(InvalidInputError, match="resampling.target_size.*T = 11"):
            check_target_size(11, 10, mode)
