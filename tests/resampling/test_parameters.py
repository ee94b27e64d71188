"""ResamplingParameters: the defaults are the values a default run used before the model
existed, target sizes resolve, bad values are refused with the key's path, and conf/
validates."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dp_instructions.resampling.parameters import ResamplingParameters, ShortageMode, TargetSize
from tests.conf_parameters import base_file, env_parameters, restated_defaults

# What ResamplingConfig.parse made of conf/base/parameters_resampling.yml (and its code
# defaults) before the typed model: a default run must keep using exactly these.
DEFAULT_RUN = {
    "embedding": {
        "model": "all-MiniLM-L6-v2",
        "mode": "static",
        "batch_size": 64,
        "max_seq_length": 128,
        "device": "auto",
        "show_progress": True,
    },
    "clustering": {"num_clusters": 50, "iterations": 20, "redo": 1, "max_train_points": None, "pca": None, "gpu": None},
    "target_size": 0.1,
    "shortage": ShortageMode.REDISTRIBUTE,
    "num_threads": None,
}


def test_defaults_are_the_values_of_a_default_run():
    assert ResamplingParameters().model_dump() == DEFAULT_RUN
    assert ResamplingParameters.model_validate(base_file("resampling")) == ResamplingParameters()


def test_the_base_file_only_overrides():
    assert restated_defaults(base_file("resampling"), {**DEFAULT_RUN, "shortage": "redistribute"}) == []


def test_the_paper_environment_validates():
    cfg = ResamplingParameters.model_validate(env_parameters("paper")["resampling"])
    # The paper stops on a shortfall; the embedded demo redistributes (its tiny CPU
    # generator covers the real clusters unevenly).
    assert cfg.shortage is ShortageMode.ERROR
    assert cfg.clustering.num_clusters == 1000 and cfg.clustering.pca == 0.9 and cfg.target_size.depends_on_real
    assert cfg.embedding.mode == "contextual" and cfg.embedding.max_seq_length is None


def test_yaml_spellings():
    cfg = ResamplingParameters.model_validate(
        {"clustering": {"gpu": "auto", "pca": 16}, "shortage": "replace", "target_size": None}
    )
    assert cfg.clustering.gpu is None and cfg.clustering.pca == 16 and isinstance(cfg.clustering.pca, int)
    assert cfg.shortage is ShortageMode.REPLACE and cfg.target_size == TargetSize(None)
    assert ResamplingParameters.model_validate({"clustering": {"gpu": False}}).clustering.gpu is False


def test_target_size_forms():
    assert TargetSize(500).resolve(10_000) == 500
    assert TargetSize(0.25).resolve(10_000) == 2_500
    assert TargetSize(1.0).resolve(7) == 7
    assert TargetSize(None).resolve(10_000, num_real=1_234) == 1_234
    assert [TargetSize(v).describe() for v in (500, 0.1, None)] == [
        "500",
        "0.1 of the synthetic pool",
        "N (the number of real instructions)",
    ]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"clustering": {"num_clusters": 0}}, "clustering.num_clusters"),
        ({"clustering": {"num_clusters": True}}, "clustering.num_clusters"),
        ({"clustering": {"iterations": 2.5}}, "clustering.iterations"),
        ({"clustering": {"pca": 1.5}}, "clustering.pca"),
        ({"clustering": {"pca": 0}}, "clustering.pca"),
        ({"clustering": {"gpu": "yes"}}, "clustering.gpu"),
        ({"clustering": {"n_clusters": 3}}, "clustering.n_clusters"),
        ({"target_size": 0.0}, "target_size"),
        ({"target_size": 1.5}, "target_size"),
        ({"target_size": 0}, "target_size"),
        ({"target_size": True}, "target_size"),
        ({"shortage": "drop"}, "shortage"),
        ({"embedding": {"model": " "}}, "embedding.model"),
        ({"embedding": {"mode": "fast"}}, "embedding.mode"),
        ({"embedding": {"device": "tpu"}}, "embedding.device"),
        ({"embedding": {"batch_size": "64"}}, "embedding.batch_size"),
        ({"num_threads": 0}, "num_threads"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_values_name_the_key(raw, key):
    with pytest.raises(ValidationError) as info:
        ResamplingParameters.model_validate(raw)
    assert {".".join(str(part) for part in e["loc"][: len(key.split("."))]) for e in info.value.errors()} == {key}
