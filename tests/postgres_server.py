"""A real PostgreSQL server for the tests: ``initdb`` into a temporary folder, started on
127.0.0.1 with password (SCRAM) authentication, stopped and removed afterwards.

The binaries are Debian's ``postgresql`` package (``.ci/run`` installs it). PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres`` user the package
creates. Without the binaries the tests that need the server are skipped, except under CI
(``CI`` set), where a missing server is a failure: the backend must be tested for real.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.local_servers import free_port

PASSWORD_USER = "ledger"


def postgres_bindir() -> Path | None:
    """The newest installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin)."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name), reverse=True
    )
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    database: str

    def url(self, *, with_password: bool = True, database: str | None = None) -> str:
        secret = f":{self.password}" if with_password else ""
        return f"postgresql://{self.user}{secret}@{self.host}:{self.port}/{database or self.database}"


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    bindir = postgres_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    as_root = os.geteuid() == 0
    prefix: list[str] = ["runuser", "-u", "postgres", "--"] if as_root else []
    root = Path(tempfile.mkdtemp(prefix="dp-instructions-pg-"))
    password = secrets.token_urlsafe(16)
    port = free_port()
    data, log, pwfile = root / "data", root / "server.log", root / "pwfile"
    pwfile.write_text(password + "\n")
    if as_root:
        info = pwd.getpwnam("postgres")
        for path in (root, pwfile):
            os.chown(path, info.pw_uid, info.pw_gid)
    run = dict(check=True, capture_output=True, text=True, timeout=300)
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                PASSWORD_USER,
                f"--pwfile={pwfile}",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            **run,
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"], **run
        )
        try:
            server = PostgresServer("127.0.0.1", port, PASSWORD_USER, password, "postgres")
            import psycopg

            with psycopg.connect(server.url(), autocommit=True) as conn:
                conn.execute("CREATE DATABASE ledger_tests")
            yield PostgresServer("127.0.0.1", port, PASSWORD_USER, password, "ledger_tests")
        finally:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], **run)
    except subprocess.CalledProcessError as exc:
        server_log = log.read_text() if log.exists() else ""
        raise RuntimeError(f"PostgreSQL failed: {exc.cmd}\n{exc.stdout}\n{exc.stderr}\n{server_log}") from exc
    finally:
        shutil.rmtree(root, ignore_errors=True)
