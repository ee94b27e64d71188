"""The kedro-datasets classes the catalog uses, with atomic saves (and previews of public
and dp_release data only: :mod:`.previews`).

Why: kedro-datasets write a file in place. A run killed during a save (kill -9, a full
disk, a lost node) leaves a truncated file at the final path, and since Kedro loads the
newest version it finds, the next run would load the half-written file as if it were
complete. Here every local save goes to a hidden partial file beside the target
(``.<name>.partial-<random>``, which no version lookup matches), is flushed to disk, and
is then renamed onto the target in one step (``os.replace``): a version either exists
whole or not at all. A failed save removes its partial file and raises the dataset's
error. Remote filesystems (s3, gcs) keep the library's own write: their object stores
publish an object only when its upload completes.

Catalog::

    instructions_train:
      type: dp_instructions.datasets.atomic.EagerPolarsDataset
      filepath: data/03_primary/instructions_train.parquet
      file_format: parquet
      versioned: true
"""

from __future__ import annotations

import inspect
import os
import secrets
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from kedro_datasets.json import JSONDataset as _JSONDataset
from kedro_datasets.matplotlib import MatplotlibDataset as _MatplotlibDataset
from kedro_datasets.polars import EagerPolarsDataset as _EagerPolarsDataset
from kedro_datasets.text import TextDataset as _TextDataset

from dp_instructions.datasets.previews import public_preview_only
from dp_instructions.faults import failpoint

__all__ = ["AtomicSave", "EagerPolarsDataset", "JSONDataset", "MatplotlibDataset", "TextDataset"]

PARTIAL_MARK = ".partial-"


def _fsync_tree(path: Path) -> None:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    for file in files:
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot fsync a directory
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class AtomicSave:
    """Mixin for a kedro-datasets class whose ``save`` writes to ``_get_save_path()``."""

    _partial_path: PurePosixPath | None = None

    def _get_save_path(self) -> PurePosixPath:
        if self._partial_path is not None:
            return self._partial_path
        return super()._get_save_path()  # type: ignore[misc]

    def save(self, data: Any) -> None:
        # The library's own save, without Kedro's wrapper (this method is wrapped instead,
        # so the version bookkeeping sees the renamed file, never the partial one).
        library_save = inspect.unwrap(super().save)  # type: ignore[misc]
        if getattr(self, "_protocol", "file") not in ("file", "local"):
            library_save(self, data)
            return
        final = super()._get_save_path()  # type: ignore[misc]
        partial = final.parent / f".{final.name}{PARTIAL_MARK}{secrets.token_hex(4)}"
        new_folder = not Path(str(final.parent)).exists()  # a version folder this save creates
        self._partial_path = partial
        try:
            library_save(self, data)
            _fsync_tree(Path(str(partial)))
            failpoint("dataset.save")
            os.replace(str(partial), str(final))
        except BaseException:
            _remove(Path(str(partial)))
            if new_folder:  # no empty version folder left behind either
                shutil.rmtree(str(final.parent), ignore_errors=True)
            raise
        finally:
            self._partial_path = None
        _fsync_dir(Path(str(final.parent)))
        self._invalidate_cache()  # type: ignore[attr-defined]


class EagerPolarsDataset(AtomicSave, _EagerPolarsDataset):
    """``polars.EagerPolarsDataset`` with atomic saves."""

    if hasattr(_EagerPolarsDataset, "preview"):
        preview = public_preview_only(_EagerPolarsDataset.preview)


class JSONDataset(AtomicSave, _JSONDataset):
    """``json.JSONDataset`` with atomic saves."""

    if hasattr(_JSONDataset, "preview"):
        preview = public_preview_only(_JSONDataset.preview)


class MatplotlibDataset(AtomicSave, _MatplotlibDataset):
    """``matplotlib.MatplotlibDataset`` with atomic saves."""

    if hasattr(_MatplotlibDataset, "preview"):
        preview = public_preview_only(_MatplotlibDataset.preview)


class TextDataset(AtomicSave, _TextDataset):
    """``text.TextDataset`` with atomic saves."""

    if hasattr(_TextDataset, "preview"):
        preview = public_preview_only(_TextDataset.preview)
