"""The ledger as a JSON-lines file on one machine's disk (earlier versions' format).

One canonical JSON record per line, appended under an exclusive ``fcntl.flock`` held from
the read through the budget check to the ``fsync``; readers take a shared lock. POSIX only,
and flock is not reliable on network file systems: for workers that do not share a disk,
use the PostgreSQL backend. Every earlier state of the ledger is a prefix of the file.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from dp_instructions.exceptions import LedgerCorruptError
from dp_instructions.privacy.ledger.records import LedgerRecord, parse_record, verify_chain
from dp_instructions.privacy.ledger.store import LedgerStore, MakeRecords

__all__ = ["JsonLinesLedgerStore"]


def parse_lines(raw: bytes, path: Path) -> list[LedgerRecord]:
    if raw and not raw.endswith(b"\n"):
        raise LedgerCorruptError(
            f"privacy ledger {path}: the last line is incomplete (interrupted write?); "
            "inspect it and restore the file from a backup; the ledger never guesses"
        )
    records, places = [], []
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            raise LedgerCorruptError(f"privacy ledger {path}:{lineno}: empty line")
        records.append(parse_record(line, f"{path}:{lineno}"))
        places.append(f"{path}:{lineno}")
    verify_chain(records, places)
    return records


class JsonLinesLedgerStore(LedgerStore):
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.location = str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> list[LedgerRecord]:
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return []
        with fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
            try:
                return parse_lines(fh.read(), self.path)
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def append(self, make: MakeRecords) -> list[LedgerRecord]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                with os.fdopen(os.dup(fd), "rb") as reader:
                    reader.seek(0)
                    records = parse_lines(reader.read(), self.path)
                new = list(make(records))
                data = "".join(r.to_json_line() for r in new).encode("utf-8")
                written = os.write(fd, data)
                if written != len(data):
                    raise OSError(f"short write to the privacy ledger {self.path} ({written}/{len(data)} bytes)")
                os.fsync(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.path.parent)
        return new


def _fsync_dir(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
