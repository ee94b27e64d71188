"""Noise for DP releases: secure by default, a fixed seed is reproducible and flagged."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy import NoiseSource
from dp_instructions.privacy.noise import secure_uniform


def test_secure_noise_is_gaussian_with_the_right_scale():
    noise = NoiseSource.secure()
    assert noise.private and noise.seed is None
    z = noise.normal(200_001, std=10.0)  # odd size: Box-Muller pairs are trimmed
    assert z.shape == (200_001,) and z.dtype == np.float64
    assert abs(z.mean()) < 0.1
    assert z.std() == pytest.approx(10.0, rel=0.01)
    assert stats.kstest(z / 10.0, "norm").pvalue > 1e-6


def test_secure_noise_is_not_reproducible_and_uniforms_are_open():
    a, b = NoiseSource.secure().normal((3, 4), 1.0), NoiseSource.secure().normal((3, 4), 1.0)
    assert a.shape == (3, 4) and not np.array_equal(a, b)
    u = secure_uniform(100_000)
    assert (u > 0).all() and (u < 1).all()
    assert stats.kstest(u, "uniform").pvalue > 1e-6


def test_fixed_seed_is_reproducible_and_not_private():
    a, b = NoiseSource.fixed(7), NoiseSource.from_seed(7)
    assert not a.private and a.seed == 7
    assert np.array_equal(a.normal(5, 2.0), b.normal(5, 2.0))
    c = NoiseSource.fixed(7)
    assert not np.array_equal(c.normal(5, 1.0), c.normal(5, 1.0))  # the stream advances: no repeats
    assert a.describe() == {"source": "numpy PCG64 with a fixed seed (NOT PRIVATE)", "private": False, "seed": 7}
    assert NoiseSource.from_seed(None).describe()["private"] is True
    assert a.normal(4, 1.0, dtype=np.float32).dtype == np.float32


def test_bad_arguments():
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(InvalidInputError, match="seed"):
            NoiseSource(bad)
    with pytest.raises(InvalidInputError, match="std"):
        NoiseSource.secure().normal(3, -1.0)
    with pytest.raises(InvalidInputError, match="std"):
        NoiseSource.secure().normal(3, float("nan"))
