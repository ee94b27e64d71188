"""A real MLflow tracking server on 127.0.0.1 (``mlflow server``: SQLite backend, proxied
artifacts in a temporary folder), started for the tests that need one and stopped after."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.local_servers import free_port, wait_until_healthy


@contextmanager
def mlflow_server(root: Path, timeout: float = 120.0) -> Iterator[str]:
    """Yields the server's URI (``http://127.0.0.1:<port>``)."""
    port = free_port()
    mlflow = str(Path(sys.executable).with_name("mlflow"))
    log = (root / "server.log").open("w")
    process = subprocess.Popen(
        [
            mlflow,
            "server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--backend-store-uri",
            f"sqlite:///{root / 'server.db'}",
            "--artifacts-destination",
            str(root / "artifacts"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(uri, process, timeout, lambda: (root / "server.log").read_text()[-3000:])
        yield uri
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
