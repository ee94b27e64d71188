"""Model artefacts as directories: the public base model and the (DP) generator.

Layouts (each a directory that a Kedro versioned dataset writes under ``<path>/<version>/``):

* base model: ``metadata.json`` and either ``model/`` (``save_pretrained``, the embedded
  default trained on public data) or only a hub id / path in the metadata (a hub model is
  not copied: it is public and large);
* generator: ``metadata.json``, ``tokenizer/``, ``adapter/`` (peft ``save_pretrained``:
  the LoRA weights only) and, when the base is not a hub model, ``base/`` (the public
  base weights, so the directory is self-contained).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import InvalidInputError

METADATA = "metadata.json"


@dataclass
class BaseModel:
    """A public causal LM: an in-memory model (``hub_id`` None) or a hub id / path."""

    model: PreTrainedModel | None
    hub_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.model is None) == (self.hub_id is None):
            raise InvalidInputError("a base model is either an in-memory model or a hub id, exactly one")


@dataclass
class GeneratorArtifact:
    """A fine-tuned generator: ``model`` is the base with the LoRA adapter applied (a
    ``PeftModel``), ready for ``generate``; ``metadata`` says how it was made."""

    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    metadata: dict[str, Any] = field(default_factory=dict)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


def _read_metadata(directory: Path) -> dict[str, Any]:
    path = directory / METADATA
    if not path.exists():
        raise InvalidInputError(f"{directory} is not a model artefact: {METADATA} is missing")
    return json.loads(path.read_text(encoding="utf-8"))


def save_tokenizer(tokenizer: PreTrainedTokenizerBase, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(str(directory))


def load_tokenizer(directory: Path) -> PreTrainedTokenizerBase:
    return AutoTokenizer.from_pretrained(str(directory))


def save_base_model(base: BaseModel, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    meta = {**base.metadata, "hub_id": base.hub_id}
    if base.model is not None:
        base.model.save_pretrained(str(directory / "model"))
    _write_json(directory / METADATA, meta)


def load_base_model(directory: Path) -> BaseModel:
    meta = _read_metadata(directory)
    hub_id = meta.get("hub_id")
    if hub_id is not None:
        return BaseModel(model=None, hub_id=hub_id, metadata=meta)
    model = AutoModelForCausalLM.from_pretrained(str(directory / "model"))
    return BaseModel(model=model.eval(), metadata=meta)


def save_generator(artifact: GeneratorArtifact, directory: Path) -> None:
    if not isinstance(artifact.model, PeftModel):
        raise InvalidInputError("a generator artefact holds a peft model (base + LoRA adapter)")
    directory.mkdir(parents=True, exist_ok=True)
    artifact.model.save_pretrained(str(directory / "adapter"))
    artifact.tokenizer.save_pretrained(str(directory / "tokenizer"))
    if artifact.metadata.get("base_hub_id") is None:
        # unload() strips the LoRA layers off a copy, leaving the public base weights.
        base = copy.deepcopy(artifact.model).unload()
        base.save_pretrained(str(directory / "base"))
    _write_json(directory / METADATA, artifact.metadata)


def load_generator(directory: Path, device: torch.device | str = "cpu") -> GeneratorArtifact:
    meta = _read_metadata(directory)
    hub_id = meta.get("base_hub_id")
    source = hub_id if hub_id is not None else str(directory / "base")
    try:
        base = AutoModelForCausalLM.from_pretrained(source)
    except OSError as exc:
        raise InvalidInputError(f"the generator's base model {source!r} cannot be loaded: {exc}") from exc
    model = PeftModel.from_pretrained(base, str(directory / "adapter")).to(device).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(directory / "tokenizer"))
    return GeneratorArtifact(model=model, tokenizer=tokenizer, metadata=meta)
