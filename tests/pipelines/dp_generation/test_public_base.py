"""build_public_base_model reuses an earlier saved base model with the same identity (public
texts, pre-training settings, seed, tokenizer) and pre-trains otherwise; a first run
pre-trains exactly as before."""

from __future__ import annotations

import pytest
import torch
from kedro.io import Version

from dp_instructions.datasets.earlier_base_models import EarlierBaseModelsDataset
from dp_instructions.datasets.model_directories import BaseModelDataset
from dp_instructions.models.generator import build_small_gpt2, pretrain
from dp_instructions.models.parameters import DPGenerationParameters
from dp_instructions.models.public_base import EarlierBaseModels
from dp_instructions.pipelines.dp_generation import nodes
from tests.models.conftest import corpus

PRE = {
    "vocab_size": 400,
    "n_embd": 32,
    "n_layer": 1,
    "n_head": 2,
    "max_length": 48,
    "epochs": 1,
    "batch_size": 32,
    "learning_rate": 0.003,
}


def params(**pre) -> DPGenerationParameters:
    return DPGenerationParameters.model_validate(
        {"base_model": None, "device": "cpu", "public_pretraining": {**PRE, **pre}}
    )


def public(seed: int = 0) -> list[str]:
    return corpus(64, seed=seed)


@pytest.fixture
def pretrain_calls(monkeypatch):
    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return pretrain(*args, **kwargs)

    monkeypatch.setattr(nodes, "pretrain", counting)
    return calls


def same_weights(a, b) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_a_first_run_pretrains_as_before(tiny_tokenizer, pretrain_calls):
    base = nodes.build_public_base_model(public(), tiny_tokenizer, EarlierBaseModels(), params(), 5)
    assert len(pretrain_calls) == 1 and base.metadata["identity"].startswith("public-base:")
    assert "reused_from" not in base.metadata
    expected = build_small_gpt2(tiny_tokenizer, params().public_pretraining.model, 5)
    pretrain(expected, tiny_tokenizer, corpus(64, seed=0), max_length=48, epochs=1, batch_size=32,
             learning_rate=0.003, seed=5, label_smoothing=0.1, device=torch.device("cpu"))  # fmt: skip
    assert same_weights(base.model, expected.to("cpu"))


def test_a_rerun_reuses_the_saved_model_and_a_change_pretrains_again(tmp_path, tiny_tokenizer, pretrain_calls, caplog):
    path = str(tmp_path / "public_base_model")
    first = nodes.build_public_base_model(public(), tiny_tokenizer, EarlierBaseModels(), params(), 5)
    BaseModelDataset(path, version=Version(None, "2024-01-01T00.00.00.000Z")).save(first)
    earlier = EarlierBaseModelsDataset(path).load()
    assert len(pretrain_calls) == 1

    caplog.set_level("INFO", logger=nodes.log.name)
    again = nodes.build_public_base_model(public(), tiny_tokenizer, earlier, params(), 5)
    assert len(pretrain_calls) == 1, "an identical re-run must not pre-train"
    assert again.metadata["reused_from"] == "2024-01-01T00.00.00.000Z" in caplog.text
    assert again.metadata["identity"] == first.metadata["identity"] and same_weights(again.model, first.model)

    for changed in (
        dict(texts=public(seed=1), params=params(), seed=5),  # other public data
        dict(texts=public(), params=params(learning_rate=0.002), seed=5),  # a setting
        dict(texts=public(), params=params(), seed=6),  # the seed
    ):
        base = nodes.build_public_base_model(tokenizer=tiny_tokenizer, earlier=earlier, **changed)
        assert "reused_from" not in base.metadata and base.metadata["identity"] != first.metadata["identity"]
    assert len(pretrain_calls) == 4


def test_a_hub_base_model_is_a_pointer_whatever_was_saved(tiny_tokenizer):
    hub = DPGenerationParameters.model_validate({"base_model": "some-org/some-model"})
    base = nodes.build_public_base_model([], tiny_tokenizer, EarlierBaseModels(), hub, 5)
    assert base.model is None and base.hub_id == "some-org/some-model" and base.metadata == {"source": "hub"}
