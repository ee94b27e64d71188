"""What the tests that start a real server on 127.0.0.1 share: a free port, and waiting
until the server answers ``/health``."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float, log_tail: Callable[[], str]) -> None:
    """Return once ``GET <url>/health`` answers 200; raise (with ``log_tail()``) if the
    process exits or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited: {log_tail()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}: no answer within {timeout:.0f} s: {log_tail()}")
        time.sleep(0.5)
