"""notebooks/explore_a_run.ipynb, executed for real (nbclient, an IPython kernel) against
the project of a tiny default run; and committed without outputs (it shows private data)."""

from __future__ import annotations

import os
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from tests.kedro_session import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore_a_run.ipynb"


def test_the_committed_notebook_holds_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and code[0].source.strip() == "%load_ext kedro.ipython"
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.slow
def test_the_notebook_runs_on_the_latest_outputs_of_a_run(tiny_default_run, monkeypatch):
    folder = tiny_default_run / "notebooks"
    folder.mkdir(exist_ok=True)
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    monkeypatch.setenv("KEDRO_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    assert os.environ["KEDRO_DISABLE_TELEMETRY"] == "1"  # the kernel inherits it
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    printed = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "1200 conversations in" in printed and "template_floods" in printed
    assert "total variation, resampled vs real (noisy)" in printed
    assert "reference instructions_test" in printed and "synthetic_resampled" in printed
    assert "releases in" in printed and "instructions_train: epsilon" in printed
    images = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the funnel and the densities
