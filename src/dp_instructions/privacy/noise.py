"""Gaussian noise for DP releases, from a cryptographically secure source.

Why: the DP guarantee assumes the adversary cannot predict the noise. numpy's and
torch's generators (PCG64, Mersenne Twister, Philox) are fast and statistically good but
predictable: whoever learns or guesses the seed, or sees enough output, can subtract the
noise. The secure source here draws every uniform from the operating system's CSPRNG
(``os.urandom``, the same source as :mod:`secrets`) and turns pairs of 53-bit uniforms
into normals with the Box–Muller transform, vectorised in numpy (millions of draws per
second, enough for per-step DP-SGD noise).

A fixed seed (for tests and reproducible demos) uses numpy's PCG64 instead. Its output
is *not* private; :attr:`NoiseSource.private` is ``False`` and the ledger records the
release as "not private".

Known limit: like every floating-point Gaussian sampler, this one does not defend
against the floating-point attacks on the low-order bits of released values (Mironov
2012); releases here are rounded counts or model weights trained further, not raw
doubles, but the caveat is stated for auditors.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from dp_instructions.exceptions import InvalidInputError

__all__ = ["NoiseSource", "secure_uniform"]

_TWO_POW_MINUS_53 = 2.0**-53


def secure_uniform(n: int) -> npt.NDArray[np.float64]:
    """``n`` uniforms in the open interval (0, 1) from ``os.urandom``: the top 53 bits of
    a random 64-bit word, offset by half a step so neither 0 nor 1 can occur (Box–Muller
    takes ``log`` of them)."""
    if n < 0:
        raise InvalidInputError(f"`n` must be >= 0, got {n}")
    words = np.frombuffer(os.urandom(8 * n), dtype=np.uint64)
    return ((words >> np.uint64(11)).astype(np.float64) + 0.5) * _TWO_POW_MINUS_53


def _secure_standard_normal(n: int) -> npt.NDArray[np.float64]:
    pairs = (n + 1) // 2
    u = secure_uniform(2 * pairs)
    radius = np.sqrt(-2.0 * np.log(u[:pairs]))
    angle = (2.0 * math.pi) * u[pairs:]
    out = np.empty(2 * pairs, dtype=np.float64)
    out[:pairs] = radius * np.cos(angle)
    out[pairs:] = radius * np.sin(angle)
    return out[:n]


class NoiseSource:
    """Where a DP release draws its Gaussian noise from.

    ``NoiseSource.secure()`` (the default, ``seed=None``) reads ``os.urandom``;
    ``NoiseSource.fixed(seed)`` is reproducible and **not private**. Build one from the
    parameters with :meth:`from_seed` (``privacy.noise_seed: null`` means secure) and pass
    it to :meth:`PrivacyLedger.charge` so the ledger records which it was.
    """

    def __init__(self, seed: int | None = None):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise InvalidInputError(f"noise `seed` must be None (secure) or an int >= 0, got {seed!r}")
        self._seed = None if seed is None else int(seed)
        self._rng = None if seed is None else np.random.Generator(np.random.PCG64(self._seed))

    @classmethod
    def secure(cls) -> NoiseSource:
        return cls(None)

    @classmethod
    def fixed(cls, seed: int) -> NoiseSource:
        if seed is None:
            raise InvalidInputError("a fixed noise source needs an int seed")
        return cls(seed)

    @classmethod
    def from_seed(cls, seed: int | None) -> NoiseSource:
        """``None`` -> secure; an int -> fixed (not private)."""
        return cls(seed)

    @property
    def private(self) -> bool:
        """Whether the noise is unpredictable, i.e. whether the release is actually DP."""
        return self._seed is None

    @property
    def seed(self) -> int | None:
        return self._seed

    def describe(self) -> dict[str, Any]:
        """What the ledger records about the noise."""
        if self._seed is None:
            return {"source": "os.urandom (CSPRNG), Box-Muller", "private": True, "seed": None}
        return {"source": "numpy PCG64 with a fixed seed (NOT PRIVATE)", "private": False, "seed": self._seed}

    def normal(self, shape: int | tuple[int, ...], std: float, dtype: npt.DTypeLike = np.float64) -> np.ndarray:
        """Independent N(0, std^2) draws of the given shape."""
        if (
            isinstance(std, bool)
            or not isinstance(std, (int, float, np.floating))
            or not (math.isfinite(std) and std >= 0)
        ):
            raise InvalidInputError(f"`std` must be a finite number >= 0, got {std!r}")
        shape_t = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        if any(s < 0 for s in shape_t):
            raise InvalidInputError(f"`shape` must be non-negative, got {shape!r}")
        n = int(np.prod(shape_t, dtype=np.int64))
        if self._rng is None:
            z = _secure_standard_normal(n)
        else:
            z = self._rng.standard_normal(n)
        return (z * float(std)).reshape(shape_t).astype(dtype, copy=False)

    def __repr__(self) -> str:
        return "NoiseSource.secure()" if self._seed is None else f"NoiseSource.fixed({self._seed})"
