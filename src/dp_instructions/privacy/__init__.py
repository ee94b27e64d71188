"""Differential-privacy accounting, the privacy ledger and the privacy boundary.

- :mod:`.budget`: ``Budget`` (epsilon, delta), ``default_delta(N)``, ``check_delta``.
- :mod:`.accounting`: mechanisms (``SubsampledGaussian``, ``Gaussian``),
  ``compose_epsilon`` (PRV accountant), ``calibrate_sgd_noise``, ``dpsgd_schedule``.
- :mod:`.fingerprint`: ``fingerprint_texts`` / ``fingerprint_frame`` of private data.
- :mod:`.noise`: ``NoiseSource`` (CSPRNG Gaussian noise; fixed seed = not private).
- :mod:`.ledger`: ``PrivacyLedger`` (append-only, locked, hash-chained; ``charge``).
- :mod:`.boundary`: ``check_privacy_boundary`` / ``assert_privacy_boundary``.

Names are imported lazily: the Kedro hook needs only the boundary check, and every
``kedro`` command loads the hook, so the accountant (scipy, prv-accountant) is imported
only when something uses it.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Budget": "budget",
    "PrivacyParameters": "parameters",
    "check_delta": "budget",
    "default_delta": "budget",
    "AccountingPrecision": "accounting",
    "DEFAULT_PRECISION": "accounting",
    "DPSGDSchedule": "accounting",
    "Gaussian": "accounting",
    "Mechanism": "accounting",
    "SubsampledGaussian": "accounting",
    "calibrate_sgd_noise": "accounting",
    "compose_epsilon": "accounting",
    "dpsgd_schedule": "accounting",
    "fingerprint_frame": "fingerprint",
    "fingerprint_texts": "fingerprint",
    "NoiseSource": "noise",
    "DatasetAccount": "ledger",
    "LedgerRecord": "ledger",
    "PrivacyLedger": "ledger",
    "BoundaryViolation": "boundary",
    "DP_MECHANISM_TAG": "boundary",
    "LEDGER_DATASET": "boundary",
    "PRIVACY_CLASSES": "boundary",
    "assert_privacy_boundary": "boundary",
    "check_privacy_boundary": "boundary",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
