"""Chat and reward model directories as versioned Kedro datasets: a model a run did not
need saves as a recorded reason (Kedro refuses to save None) and loads back as one; a
reward model loads with its scalar head."""

from __future__ import annotations

import json

import torch
from kedro.io import Version
from transformers import AutoModelForSequenceClassification

from dp_instructions.alignment.chat_model import ChatModel, NotBuilt, chat_model_from_base
from dp_instructions.datasets.model_directories import ChatModelDataset, RewardModelDataset


def test_a_model_that_was_not_needed_is_a_recorded_version(tmp_path):
    dataset = ChatModelDataset(str(tmp_path / "embedded_teacher"), version=Version(None, None))
    dataset.save(NotBuilt("not needed: the endpoints name their models"))
    loaded = dataset.load()
    assert loaded == NotBuilt("not needed: the endpoints name their models")
    (version,) = (tmp_path / "embedded_teacher").iterdir()
    meta = json.loads((version / "embedded_teacher" / "metadata.json").read_text())
    assert meta == {"built": False, "reason": "not needed: the endpoints name their models"}


def test_a_reward_model_loads_with_its_scalar_head(tmp_path, tiny_model, tiny_tokenizer):
    chat = chat_model_from_base(tiny_model, tiny_tokenizer, None, {})
    chat.model.config.pad_token_id = chat.tokenizer.pad_token_id
    chat.model.save_pretrained(str(tmp_path / "start"))
    head = AutoModelForSequenceClassification.from_pretrained(str(tmp_path / "start"), num_labels=1)
    dataset = RewardModelDataset(str(tmp_path / "reward_model"), version=Version(None, None))
    dataset.save(ChatModel(model=head, tokenizer=chat.tokenizer, metadata={"kind": "reward_model"}))
    loaded = dataset.load()
    assert type(loaded.model).__name__ == "GPT2ForSequenceClassification" and loaded.metadata["kind"] == "reward_model"
    assert torch.equal(loaded.model.score.weight, head.score.weight)
