"""EvaluationParameters: the defaults are the values a default run used before the model
existed, bad values are refused with the key's path, and conf/ validates."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dp_instructions.evaluation.parameters import EvaluationParameters
from tests.conf_parameters import base_file, env_parameters, restated_defaults

# What EvaluationConfig.parse made of conf/base/parameters_evaluation.yml (and its code
# defaults) before the typed model: a default run must keep using exactly these.
DEFAULT_RUN = {
    "embedding": {"model": "all-MiniLM-L6-v2", "batch_size": 64, "max_seq_length": 128, "device": "auto"},
    "mauve": {
        "max_samples": 500,
        "pool_size": 1000,
        "seeds": (0, 1, 2),
        "unigram": {"scaling": 5.0},
        "embedding": {"scaling": 10.0, "num_buckets": 500},
        "kmeans": {"num_redo": 5, "max_iter": 500},
    },
    "sweep": {"enabled": True, "ks": (10, 20, 50), "noise_multipliers": (5.0, 10.0, 20.0), "resampled_size": None},
    "canary_audit": {
        "include_control": "auto",
        "num_alternatives": 1000,
        "num_unprompted_samples": 500,
        "greedy_max_new_tokens": 32,
        "max_length": None,
        "batch_size": 256,
        "sampling": {"batch_size": 256, "max_new_tokens": 64, "top_p": 0.95, "temperature": 1.0},
        "seed": 0,
        "device": "auto",
    },
}


def test_defaults_are_the_values_of_a_default_run():
    params = EvaluationParameters()
    assert params.model_dump() == DEFAULT_RUN
    assert EvaluationParameters.model_validate(base_file("evaluation")) == params
    # The flat names the MAUVE code reads.
    mauve = params.mauve
    assert (mauve.unigram_scaling, mauve.embedding_scaling, mauve.num_buckets) == (5.0, 10.0, 500)
    assert (mauve.kmeans_num_redo, mauve.kmeans_max_iter) == (5, 500)
    assert isinstance(mauve.unigram_scaling, float)


def test_the_base_file_only_overrides():
    assert restated_defaults(base_file("evaluation"), DEFAULT_RUN) == []


def test_the_paper_environment_validates():
    params = EvaluationParameters.model_validate(env_parameters("paper")["evaluation"])
    assert params.mauve.max_samples == 5000 and params.mauve.pool_size is None
    assert params.sweep.ks == (100, 250, 500, 1000, 2000) and params.sweep.noise_multipliers[-1] == 40.0
    assert params.canary_audit.sampling.batch_size == 1024 and params.canary_audit.sampling.top_p == 0.95
    assert params.embedding.model == "sentence-transformers/sentence-t5-base"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"mauve": {"max_samples": 0}}, r"mauve.max_samples\n.*greater than or equal to 20"),
        ({"mauve": {"pool_size": 100}}, r"mauve\n.*pool_size \(100\) must be null or >= max_samples \(500\)"),
        ({"mauve": {"embedding": {"scalling": 10}}}, r"mauve.embedding.scalling\n.*Extra inputs"),
        ({"mauve": {"seeds": [0, 0]}}, r"mauve.seeds\n.*lists a value twice"),
        ({"sweep": {"ks": [10, 10]}}, r"sweep.ks\n.*lists a value twice"),
        ({"sweep": {"ks": [1]}}, r"sweep.ks.0\n"),
        ({"sweep": {"noise_multipliers": [0.0]}}, r"sweep.noise_multipliers.0\n.*greater than 0"),
        ({"sweep": {"enabled": "yes"}}, r"sweep.enabled\n"),
        ({"canary_audit": {"include_control": "maybe"}}, r"canary_audit.include_control\n"),
        ({"canary_audit": {"sampling": {"top_p": 1.5}}}, r"canary_audit.sampling.top_p\n"),
        ({"canary_audit": {"device": "tpu"}}, r"canary_audit.device\n"),
        ({"embeding": {}}, r"embeding\n.*Extra inputs"),
    ],
)
def test_bad_values_name_the_key(raw, fragment):
    with pytest.raises(ValidationError, match=fragment):
        EvaluationParameters.model_validate(raw)


@pytest.mark.parametrize(("raw", "stored"), [(False, "false"), (True, "true"), ("auto", "auto")])
def test_include_control_accepts_yaml_booleans(raw, stored):
    params = EvaluationParameters.model_validate({"canary_audit": {"include_control": raw}})
    assert params.canary_audit.include_control == stored


def test_yaml_numbers_are_read_as_before():
    sweep = EvaluationParameters.model_validate({"sweep": {"noise_multipliers": [5, 10]}}).sweep
    assert sweep.noise_multipliers == (5.0, 10.0) and all(isinstance(s, float) for s in sweep.noise_multipliers)
