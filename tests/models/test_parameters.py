"""``params:dp_generation`` as a model: the defaults are the demo run's settings, bad keys
and values are named, and the paper environment validates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kedro.config import OmegaConfigLoader
from pydantic import ValidationError

from dp_instructions.models.dp_training.loop import DPFineTuneConfig
from dp_instructions.models.generator import SmallGPT2Config
from dp_instructions.models.parameters import DPGenerationParameters, GenerationConfig
from dp_instructions.models.sampling import SamplingConfig
from dp_instructions.settings import CONFIG_LOADER_ARGS

CONF = Path(__file__).resolve().parents[2] / "conf"

#: What a default run used before the parameters were typed (conf/base YAML, then the
#: hand-written parser's defaults for keys the YAML did not set), with seed 11.
DEMO_RUN = {
    "base_model": None,
    "device": "auto",
    "pretraining": {
        "vocab_size": 4096,
        "n_embd": 128,
        "n_layer": 2,
        "n_head": 4,
        "max_length": 48,
        "epochs": 2,
        "batch_size": 64,
        "learning_rate": 0.003,
        "label_smoothing": 0.1,
        "include_public_instructions": False,
    },
    "finetune": DPFineTuneConfig(
        expected_batch_size=512,
        physical_batch_size="auto",  # 64 on a CPU (physical_batch.CPU_PHYSICAL_BATCH)
        learning_rate=0.0005,
        max_grad_norm=0.5,
        max_length=48,
        lora_rank=8,
        lora_alpha=16,
        lora_dropout=0.0,
        target_modules=None,
        seed=11,
        dp=True,
        checkpoint_every=10,
    ),
    "epochs": 2.0,
    "noise_multiplier": None,
    "world_size": 1,
    "checkpoint_dir": "data/06_models/dp_checkpoints",
    "resume": True,
    "sampling": SamplingConfig(
        num_samples=4000, batch_size=500, max_new_tokens=40, top_p=0.95, temperature=1.0, seed=11
    ),
    "canaries": {
        "enabled": True,
        "repetitions": (1, 10, 100),
        "per_repetition": 1,
        "kinds": ("phone", "address"),
        "seed": 7,
    },
}


def resolved(config: GenerationConfig) -> dict:
    out = {name: getattr(config, name) for name in DEMO_RUN}
    return out | {"pretraining": config.pretraining.model_dump(), "canaries": config.canaries.model_dump()}


def test_the_defaults_are_the_settings_of_the_demo_run():
    config = DPGenerationParameters().resolve(seed=11)
    assert resolved(config) == DEMO_RUN
    assert type(config.epochs) is float and type(config.finetune.learning_rate) is float
    assert config.pretraining.model == SmallGPT2Config(n_embd=128, n_layer=2, n_head=4, max_length=48)


def test_the_base_yaml_only_overrides():
    raw = yaml.safe_load((CONF / "base" / "parameters_dp_generation.yml").read_text())["dp_generation"]
    defaults = DPGenerationParameters().model_dump()

    def restated(section: dict, default: dict, where: str) -> list[str]:
        out = []
        for key, value in section.items():
            if isinstance(value, dict):
                out += restated(value, default[key], f"{where}.{key}")
            elif value == default[key]:
                out.append(f"{where}.{key}")
        return out

    assert restated(raw or {}, defaults, "dp_generation") == []


def load_parameters(env: str) -> dict:
    return OmegaConfigLoader(conf_source=str(CONF), env=env, **CONFIG_LOADER_ARGS)["parameters"]


def test_the_paper_environment_validates_and_sets_the_paper_s_algorithm_1():
    params = DPGenerationParameters.model_validate(load_parameters("paper")["dp_generation"])
    config = params.resolve(seed=0)
    assert config.base_model == "meta-llama/Llama-2-7b-hf" and config.device == "cuda"
    assert config.epochs == 10.0 and config.finetune.expected_batch_size == 4096 and config.world_size == 8
    assert config.sampling.num_samples == 1_000_000 and not config.canaries.enabled
    assert config.finetune.lora_dropout == 0.0 and config.resume  # from the model's defaults


def test_the_base_environment_validates_to_the_defaults():
    params = load_parameters("base")
    assert DPGenerationParameters.model_validate(params["dp_generation"]) == DPGenerationParameters()


@pytest.mark.parametrize(
    "params, names",
    [
        ({"sampling": {"num_sample": 3}}, ["sampling.num_sample", "Extra inputs"]),
        ({"trainig": {}}, ["trainig"]),
        ({"training": {"epochs": 0}}, ["training.epochs", "greater than 0"]),
        ({"training": {"expected_batch_size": True}}, ["training.expected_batch_size"]),  # a bool is not an int
        ({"training": {"learning_rate": "1e-3"}}, ["training.learning_rate"]),  # a string is not a number
        ({"training": {"lora_dropout": 1.0}}, ["training.lora_dropout"]),
        ({"training": {"target_modules": []}}, ["training.target_modules"]),
        ({"training": {"noise_multiplier": -1.0}}, ["training.noise_multiplier"]),
        ({"sampling": {"top_p": 1.5}}, ["sampling.top_p"]),
        ({"sampling": {"temperature": 0}}, ["sampling.temperature"]),
        ({"public_pretraining": {"vocab_size": 100}}, ["public_pretraining.vocab_size"]),
        ({"device": "gpu"}, ["device"]),
        ({"base_model": " "}, ["base_model"]),
        ({"canaries": {"kinds": ["ssn"]}}, ["canaries.kinds", "ssn"]),
    ],
)
def test_a_bad_key_or_value_is_named(params, names):
    with pytest.raises(ValidationError) as caught:
        DPGenerationParameters.model_validate(params)
    for name in names:
        assert name in str(caught.value)


def test_heads_must_divide_the_width():
    with pytest.raises(ValidationError, match=r"public_pretraining.n_embd.*\(130\).*n_head"):
        DPGenerationParameters.model_validate({"public_pretraining": {"n_embd": 130}})


def test_the_embedded_model_must_hold_training_sequences_and_samples():
    with pytest.raises(ValidationError, match=r"training.max_length.*\(64\).*public_pretraining.max_length.*\(48\)"):
        DPGenerationParameters.model_validate({"training": {"max_length": 64}})
    with pytest.raises(ValidationError, match=r"sampling.max_new_tokens.*\(48\).*public_pretraining.max_length"):
        DPGenerationParameters.model_validate({"sampling": {"max_new_tokens": 48}})
    # A hub model has its own positions: the embedded model's size does not apply.
    hub = DPGenerationParameters.model_validate({"base_model": "gpt2", "training": {"max_length": 128}})
    assert hub.resolve(seed=0).finetune.max_length == 128


def test_yaml_lists_and_ints_are_accepted_where_they_mean_the_same():
    params = DPGenerationParameters.model_validate(
        {
            "training": {"epochs": 3, "learning_rate": 1, "target_modules": ["c_attn"]},
            "canaries": {"repetitions": [1, 5], "kinds": ["phone"]},
        }
    )
    config = params.resolve(seed=4)
    assert config.epochs == 3.0 and config.finetune.target_modules == ["c_attn"] and config.finetune.seed == 4
    assert config.canaries.repetitions == (1, 5) and config.sampling.seed == 4


def test_the_parameters_are_immutable():
    params = DPGenerationParameters()
    with pytest.raises(ValidationError):
        params.training.epochs = 5.0  # type: ignore[misc]
