"""Chat models of the alignment stage: a causal LM and its tokenizer with a chat template,
saved as one ordinary Hugging Face directory (so ``transformers serve``, vLLM or the
``teacher_endpoint`` entry can load it as they are).

The embedded teacher and the embedded students start from the public base model, which
writes instructions of at most ``dp_generation.public_pretraining.max_length`` (48) tokens. An
instruction and its answer need more positions: :func:`chat_model_from_base` gives a copy of
the base more learned positions, each new one starting as a copy of an existing one
(tiling, as Longformer extended RoBERTa's positions), so fine-tuning starts from positions
the model already reads rather than from random ones.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import InvalidInputError

__all__ = [
    "CHAT_TEMPLATE",
    "ChatModel",
    "NotBuilt",
    "built",
    "chat_model_from_base",
    "extend_positions",
    "load_chat_model",
    "save_chat_model",
]

METADATA = "metadata.json"
MODEL_DIR = "model"

# Plain-text role markers: the embedded BPE has no special tokens for roles, and new tokens
# would start untrained. An assistant turn ends with the EOS token, so generation stops
# there. The generation prompt is a prefix of the rendered conversation (TRL's
# prompt-completion training relies on that).
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] }}\n\n"
    "{% elif message['role'] == 'user' %}User: {{ message['content'] }}\n"
    "{% else %}Assistant: {{ message['content'] }}{{ eos_token }}\n"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}Assistant:{% endif %}"
)


@dataclass
class ChatModel:
    """A causal LM with a tokenizer that has a chat template; ``metadata`` says how it was made."""

    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def positions(self) -> int:
        return int(getattr(self.model.config, "n_positions", None) or self.model.config.max_position_embeddings)


@dataclass(frozen=True)
class NotBuilt:
    """What a node returns for a model this run's configuration does not need (Kedro saves
    no ``None``): the version records the reason, and loads back as this."""

    reason: str


def built(model: ChatModel | NotBuilt | None) -> ChatModel | None:
    """``model`` when it is one, else None."""
    return model if isinstance(model, ChatModel) else None


def extend_positions(model: PreTrainedModel, positions: int) -> None:
    """Give a GPT-2 ``positions`` learned positions in place (tiling the existing rows); a
    model that already has as many is left as it is."""
    wpe = getattr(getattr(model, "transformer", None), "wpe", None)
    if not isinstance(wpe, torch.nn.Embedding):
        raise InvalidInputError(
            f"{type(model).__name__} has no learned position table to extend; set a student or teacher model "
            "whose context already holds an instruction and its answer"
        )
    old = wpe.num_embeddings
    if positions <= old:
        return
    rows = torch.arange(positions) % old
    table = torch.nn.Embedding(positions, wpe.embedding_dim, dtype=wpe.weight.dtype, device=wpe.weight.device)
    with torch.no_grad():
        table.weight.copy_(wpe.weight[rows])
    model.transformer.wpe = table
    model.config.n_positions = positions
    if hasattr(model.config, "n_ctx"):
        model.config.n_ctx = positions


def chat_model_from_base(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, positions: int | None, metadata: dict[str, Any]
) -> ChatModel:
    """A copy of ``model`` with ``positions`` positions (None: as it is, for a hub model),
    and a copy of its tokenizer with :data:`CHAT_TEMPLATE` (a hub tokenizer's own template
    is kept)."""
    model = copy.deepcopy(model)
    tokenizer = copy.deepcopy(tokenizer)
    if positions is not None:
        extend_positions(model, positions)
        tokenizer.model_max_length = positions
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = CHAT_TEMPLATE
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return ChatModel(model=model, tokenizer=tokenizer, metadata=metadata)


def save_chat_model(chat: ChatModel | NotBuilt, directory: Path) -> None:
    """``metadata.json`` and ``model/`` (weights and tokenizer: an ordinary Hugging Face
    directory). :class:`NotBuilt` writes the metadata alone, saying why no model was built."""
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(chat, NotBuilt):
        meta: dict[str, Any] = {"built": False, "reason": chat.reason}
    else:
        chat.model.save_pretrained(str(directory / MODEL_DIR))
        chat.tokenizer.save_pretrained(str(directory / MODEL_DIR))
        meta = {**chat.metadata, "built": True}
    (directory / METADATA).write_text(json.dumps(meta, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


def read_chat_model_metadata(directory: Path) -> dict[str, Any]:
    path = directory / METADATA
    if not path.exists():
        raise InvalidInputError(f"{directory} is not a chat model directory: {METADATA} is missing")
    meta = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(meta, dict):
        raise InvalidInputError(f"{path} holds a {type(meta).__name__}, not an object")
    return meta


def load_chat_model(directory: Path, auto_class: Any = AutoModelForCausalLM) -> ChatModel | NotBuilt:
    """What :func:`save_chat_model` wrote (:class:`NotBuilt` for a model that was not built);
    ``auto_class`` loads another head (``AutoModelForSequenceClassification``: a reward model)."""
    meta = read_chat_model_metadata(directory)
    if not meta.get("built", True):
        return NotBuilt(str(meta.get("reason", "")))
    model = auto_class.from_pretrained(str(directory / MODEL_DIR)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(directory / MODEL_DIR))
    return ChatModel(model=model, tokenizer=tokenizer, metadata=meta)
