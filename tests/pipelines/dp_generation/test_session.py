"""`kedro run` with a misspelt or out-of-range `dp_generation` key fails before the first
node runs (Kedro validates the parameter model), naming the key and the pipeline's block;
the memorisation_control pipeline reads the same block and fails the same way."""

from __future__ import annotations

import pytest
from kedro.validation import ParameterValidationError

from tests.kedro_session import project_copy, run_pipeline


@pytest.mark.parametrize("pipeline", ["dp_generation", "memorisation_control"])
@pytest.mark.parametrize(
    "bad, key",
    [
        ({"sampling": {"num_sampels": 100}}, "sampling.num_sampels"),
        ({"training": {"epochs": -1}}, "training.epochs"),
        ({"public_pretraining": {"n_head": 5}}, "public_pretraining.n_embd"),
    ],
)
def test_a_bad_parameter_stops_the_run_before_any_node(tmp_path, pipeline, bad, key):
    project = project_copy(tmp_path)
    with pytest.raises(ParameterValidationError) as caught:
        run_pipeline(project, pipeline, {"dp_generation": bad})
    message = str(caught.value)
    assert "dp_generation" in message and key in message
    assert not any((project / "data").iterdir())  # no node ran: nothing written, no ledger
