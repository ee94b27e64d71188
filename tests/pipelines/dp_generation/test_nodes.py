"""dp_generation nodes: errors name the parameter at fault; sampling leaves torch's global
RNG alone; the public base model is sampled, embedded or from the hub, exactly as the DP
generator is."""

from __future__ import annotations

from dataclasses import asdict

import huggingface_hub
import polars as pl
import pytest
import torch

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import BaseModel, GeneratorArtifact
from dp_instructions.models.dp_training.release import base_identity
from dp_instructions.models.generator import load_hub_tokenizer
from dp_instructions.models.parameters import DPGenerationParameters
from dp_instructions.pipelines.dp_generation.nodes import (
    build_public_tokenizer,
    collect_public_pretraining_texts,
    sample_public_base_model,
    sample_synthetic_instructions,
)


@pytest.mark.parametrize("base_model", ["/nonexistent/model/dir", "no-such-org/no-such-model"])
def test_a_base_model_that_cannot_be_loaded_names_the_parameter(base_model, monkeypatch):
    # The hub library reads HF_HUB_OFFLINE when imported: set the constant too, or the
    # hub id is retried over the network until it times out.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(InvalidInputError, match="dp_generation.base_model"):
        build_public_tokenizer([], DPGenerationParameters(base_model=base_model))


def test_pretraining_texts_are_the_help_seeking_corpus_and_optionally_the_nlp_tasks(caplog):
    corpus = pl.DataFrame({"id": ["p1", "p2"], "text": ["How do I boil an egg?", None]})
    tasks = pl.DataFrame({"id": ["t1"], "text": ["Translate: hello"]})
    default = DPGenerationParameters()
    assert collect_public_pretraining_texts(corpus, tasks, default) == ["How do I boil an egg?"]
    assert "dataset `public_pretraining_corpus`: 1 rows without text left out of pre-training" in caplog.text
    mixed = DPGenerationParameters.model_validate({"public_pretraining": {"include_public_instructions": True}})
    assert collect_public_pretraining_texts(corpus, tasks, mixed) == ["How do I boil an egg?", "Translate: hello"]
    assert collect_public_pretraining_texts(corpus, tasks, DPGenerationParameters(base_model="gpt2")) == []
    with pytest.raises(InvalidInputError, match="dataset `public_pretraining_corpus` has no column `text`"):
        collect_public_pretraining_texts(corpus.rename({"text": "prompt"}), tasks, default)
    with pytest.raises(InvalidInputError, match="dataset `public_instructions` is empty"):
        collect_public_pretraining_texts(corpus, tasks.clear(), mixed)


def test_the_sampling_node_is_seeded_by_the_run_and_leaves_the_global_rng_alone(tiny_model, tiny_tokenizer):
    params = DPGenerationParameters.model_validate(
        {"device": "cpu", "sampling": {"num_samples": 6, "batch_size": 3, "max_new_tokens": 8}}
    )
    artifact = GeneratorArtifact(model=tiny_model, tokenizer=tiny_tokenizer, metadata={})
    torch.manual_seed(0)
    before = torch.get_rng_state()
    frame, report = sample_synthetic_instructions(artifact, params, 3)
    assert torch.equal(torch.get_rng_state(), before)
    again, _ = sample_synthetic_instructions(artifact, params, 3)
    assert frame.equals(again) and report["sampling"]["seed"] == 3 and report["counts"]["generated"] == 6


PUBLIC_ONLY = DPGenerationParameters.model_validate(
    {
        "device": "cpu",
        "sampling": {
            "num_samples": 6,
            "public_only_samples": 9,
            "batch_size": 4,
            "max_new_tokens": 8,
            "top_p": 0.9,
            "temperature": 0.8,
        },
    }
)


def test_the_public_base_model_is_sampled_with_the_generators_settings_and_its_own_count(tiny_model, tiny_tokenizer):
    weights = {k: v.clone() for k, v in tiny_model.state_dict().items()}
    base = BaseModel(model=tiny_model, metadata={"identity": "public-base:x"})
    torch.manual_seed(0)
    before = torch.get_rng_state()
    frame, report = sample_public_base_model(base, tiny_tokenizer, PUBLIC_ONLY, 5)
    assert torch.equal(torch.get_rng_state(), before)
    assert all(torch.equal(v, weights[k]) for k, v in tiny_model.state_dict().items())  # the input is untouched

    # Everything the DP generator samples with, but the count.
    dp_settings = asdict(PUBLIC_ONLY.sampling.config(5))
    assert report["sampling"] == {**dp_settings, "num_samples": 9, "world_size": 1}
    counts = report["counts"]
    assert counts["generated"] == 9 and counts["kept"] == frame.height > 0
    assert counts["kept"] + counts["empty"] + counts["duplicates"] == 9
    assert frame.columns == ["id", "text", "sample_index", "generator"]
    assert frame["id"].to_list() == [f"public-only-{i:07d}" for i in frame["sample_index"]]
    assert frame["generator"].unique().to_list() == [base_identity(base)] == [report["base_model_identity"]]
    assert report["base_hub_id"] is None
    again, _ = sample_public_base_model(base, tiny_tokenizer, PUBLIC_ONLY, 5)
    assert frame.equals(again)


def test_a_hub_base_model_is_loaded_and_sampled_like_the_same_weights_in_memory(tiny_model, tiny_tokenizer, tmp_path):
    # A local directory stands for a hub id (the same loader: AutoModelForCausalLM / AutoTokenizer).
    tiny_model.save_pretrained(tmp_path)
    tiny_tokenizer.save_pretrained(tmp_path)
    hub = BaseModel(model=None, hub_id=str(tmp_path), metadata={"source": "hub"})
    frame, report = sample_public_base_model(hub, load_hub_tokenizer(str(tmp_path)), PUBLIC_ONLY, 5)
    assert frame["generator"].unique().to_list() == [f"hub:{tmp_path}"] and report["base_hub_id"] == str(tmp_path)
    in_memory, _ = sample_public_base_model(BaseModel(model=tiny_model), tiny_tokenizer, PUBLIC_ONLY, 5)
    assert frame["text"].to_list() == in_memory["text"].to_list()
