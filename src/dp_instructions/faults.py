"""Failpoints: deterministic crash injection for the fault suite (``tests/faults``).

A failpoint is a named place in the code where a crash would hurt (after a DP release,
mid-training, mid-sampling, mid-save). With ``DP_INSTRUCTIONS_FAILPOINT=<name>[:<n>]`` in
the environment, the process kills itself with SIGKILL the n-th time (default 1) it
reaches ``<name>``: the same signal as ``kill -9``, so nothing is flushed, no ``finally``
runs and no hook fires. Unset (always, outside the tests), a failpoint is a dictionary
lookup.
"""

from __future__ import annotations

import os
import signal

__all__ = ["FAILPOINT_ENV", "failpoint"]

FAILPOINT_ENV = "DP_INSTRUCTIONS_FAILPOINT"
_hits: dict[str, int] = {}


def failpoint(name: str) -> None:
    spec = os.environ.get(FAILPOINT_ENV)
    if not spec:
        return
    target, _, count = spec.partition(":")
    if target != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
