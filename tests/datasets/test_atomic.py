"""Atomic saves: a version exists whole or not at all, also when the writer is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import polars as pl  # noqa: E402
import pytest  # noqa: E402
from kedro.io import DatasetError, Version  # noqa: E402
from kedro_datasets.json import JSONDataset as LibraryJSONDataset  # noqa: E402

from dp_instructions.datasets.atomic import (  # noqa: E402
    PARTIAL_MARK,
    EagerPolarsDataset,
    JSONDataset,
    MatplotlibDataset,
    TextDataset,
)


def visible(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_each_class_saves_and_loads_versioned_and_unversioned(tmp_path):
    frame = pl.DataFrame({"id": ["a", "b"], "text": ["x", "y"]})
    versioned = EagerPolarsDataset(
        filepath=str(tmp_path / "t.parquet"), file_format="parquet", version=Version(None, None)
    )
    versioned.save(frame)
    assert versioned.load().equals(frame)
    (version,) = (tmp_path / "t.parquet").iterdir()
    assert [p.name for p in version.iterdir()] == ["t.parquet"]  # the partial file was renamed
    text = TextDataset(filepath=str(tmp_path / "r.txt"))
    text.save("one")
    text.save("two")  # unversioned: replaced in one step
    assert text.load() == "two"
    figure = plt.figure()
    MatplotlibDataset(filepath=str(tmp_path / "f.png")).save(figure)
    plots = MatplotlibDataset(filepath=str(tmp_path / "many"))
    plots.save({"a.png": figure, "b.png": figure})
    assert visible(tmp_path) == ["f.png", "many/a.png", "many/b.png", "r.txt", f"t.parquet/{version.name}/t.parquet"]


def test_a_failed_save_keeps_the_previous_file_and_leaves_nothing_behind(tmp_path):
    report = JSONDataset(filepath=str(tmp_path / "report.json"))
    report.save({"rows": 1})
    with pytest.raises(DatasetError, match="Failed while saving data"):
        report.save({"rows": object()})  # not JSON: fails half-way through the write
    assert report.load() == {"rows": 1} and visible(tmp_path) == ["report.json"]
    library = LibraryJSONDataset(filepath=str(tmp_path / "library.json"))
    library.save({"rows": 1})
    with pytest.raises(DatasetError):
        library.save({"rows": object()})
    with pytest.raises(DatasetError):  # what the library alone leaves: a truncated file
        library.load()


WRITER = """
import sys
from kedro.io import Version
from {module} import JSONDataset
dataset = JSONDataset(filepath=sys.argv[1], version=Version(None, None))
print("saving", flush=True)
dataset.save({{"rows": list(range(30_000_000))}})
"""


def killed_mid_save(tmp_path: Path, module: str) -> Path:
    """Starts a process saving a large versioned JSON and kills it (-9) once the file is
    being written; returns the dataset's folder."""
    folder = tmp_path / module.replace(".", "_") / "big.json"
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(module=module))
    proc = subprocess.Popen([sys.executable, str(script), str(folder)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "saving"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        written = [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size > 1_000_000]
        if written:
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the writer never started writing")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    return folder


def test_kill_9_during_a_versioned_save_leaves_no_version_to_load(tmp_path):
    folder = killed_mid_save(tmp_path, "dp_instructions.datasets.atomic")
    dataset = JSONDataset(filepath=str(folder), version=Version(None, None))
    assert not dataset.exists()  # the partial file is invisible to the version lookup
    (partial,) = [p for p in folder.rglob("*") if p.is_file()]
    assert PARTIAL_MARK in partial.name
    dataset.save({"rows": [1, 2]})  # a re-run completes
    assert dataset.load() == {"rows": [1, 2]}


def test_kill_9_during_a_library_save_leaves_a_truncated_version(tmp_path):
    """Why the catalog uses the atomic classes: the same kill with kedro-datasets' own
    class leaves a truncated latest version that the next load picks up."""
    folder = killed_mid_save(tmp_path, "kedro_datasets.json")
    dataset = LibraryJSONDataset(filepath=str(folder), version=Version(None, None))
    assert dataset.exists()
    with pytest.raises(DatasetError):
        dataset.load()
