"""Content hashes of dataset files, for run manifests.

A file's hash is the SHA-256 of its bytes; a directory's (a saved model, a tokenizer) is
the SHA-256 of its files' relative paths and hashes, in sorted order, so it changes when
any file is added, removed, renamed or edited. Hashes are cached per (path, size, mtime)
for the run: a dataset loaded by several nodes is read once more, not once per node.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["ContentHasher"]

CHUNK = 1 << 20


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ContentHasher:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, int], str] = {}

    def _cached_file(self, path: Path) -> str:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in self._cache:
            self._cache[key] = _file_digest(path)
        return self._cache[key]

    def hash_path(self, path: str | os.PathLike[str]) -> str | None:
        """``sha256:<hex>`` of a file or a directory's files; None if nothing is there."""
        p = Path(path)
        if p.is_file():
            return f"sha256:{self._cached_file(p)}"
        if p.is_dir():
            digest = hashlib.sha256()
            for file in sorted(f for f in p.rglob("*") if f.is_file()):
                digest.update(f"{file.relative_to(p).as_posix()}\0{self._cached_file(file)}\n".encode())
            return f"sha256:{digest.hexdigest()}"
        return None
