"""The public base generator: a hub causal LM, or a small GPT-2 pre-trained on public data.

Public pre-training is what makes DP fine-tuning work (paper, Section 3): the DP stage
only has to adapt a model that already writes fluent instructions.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
from tqdm.auto import tqdm
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.device import autocast_dtype, pick_device
from dp_instructions.models.text_data import encode_instructions, length_bucketed_batches, sequence_loss

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmallGPT2Config:
    """The embedded GPT-2's shape (the pipeline's values: ``dp_generation.public_pretraining``)."""

    n_embd: int
    n_layer: int
    n_head: int
    max_length: int

    def __post_init__(self) -> None:
        if self.n_embd % self.n_head:
            raise InvalidInputError(
                f"parameter `n_embd` ({self.n_embd}) must be a multiple of `n_head` ({self.n_head})"
            )


def build_small_gpt2(tokenizer: PreTrainedTokenizerBase, config: SmallGPT2Config, seed: int) -> GPT2LMHeadModel:
    torch.manual_seed(seed)
    gpt_config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=config.max_length,
        n_embd=config.n_embd,
        n_layer=config.n_layer,
        n_head=config.n_head,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return GPT2LMHeadModel(gpt_config)


def load_hub_tokenizer(base_model: str) -> PreTrainedTokenizerBase:
    """The hub model's tokenizer, with padding and BOS defaulting to its EOS token
    (unconditional sampling starts from BOS; batches are right-padded)."""
    try:
        tokenizer = AutoTokenizer.from_pretrained(base_model)
    except (OSError, ValueError) as exc:  # missing files, no network, or a malformed id
        raise InvalidInputError(
            f"parameter `dp_generation.base_model` = {base_model!r}: its tokenizer cannot be loaded: {exc}"
        ) from exc
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if tokenizer.bos_token is None:
        tokenizer.bos_token = tokenizer.eos_token
    return tokenizer


def load_hub_model(base_model: str, device: torch.device) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Any Hugging Face causal LM id or local path (the path users run on GPUs)."""
    tokenizer = load_hub_tokenizer(base_model)
    try:
        dtype = autocast_dtype(device) or torch.float32
        model = AutoModelForCausalLM.from_pretrained(base_model, torch_dtype=dtype)
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            f"parameter `dp_generation.base_model` = {base_model!r} cannot be loaded: {exc}"
        ) from exc
    return model.to(device), tokenizer


def pretrain(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    *,
    max_length: int,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    seed: int,
    label_smoothing: float = 0.0,
    device: torch.device | None = None,
) -> dict[str, float]:
    """Ordinary (non-private) causal-LM training on public text. Returns loss figures.

    ``label_smoothing`` keeps the model from becoming certain of its public templates: a
    model that gives private text near-zero probability spends DP fine-tuning's few noisy
    steps flattening its predictions (and its samples turn to word salad) before it
    learns anything about the private distribution."""
    if not texts:
        raise InvalidInputError("no public text to pre-train on")
    device = device or pick_device()
    model.to(device).train()
    ids, mask = encode_instructions(tokenizer, texts, max_length)
    lengths = mask.sum(dim=1)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    steps = epochs * math.ceil(len(ids) / batch_size)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=learning_rate, total_steps=steps, pct_start=0.1)
    amp = autocast_dtype(device)
    first_loss = last_loss = float("nan")
    tokens = 0
    start = time.perf_counter()
    with tqdm(total=steps, desc="pre-training on public data", leave=False) as bar:
        for _ in range(epochs):
            # Public text is mostly short: batches of similar lengths, trimmed to their
            # longest row, skip most of the padding (the loss is unchanged).
            for batch in length_bucketed_batches(lengths, batch_size, generator):
                width = int(lengths[batch].max())
                x, m = ids[batch, :width].to(device), mask[batch, :width].to(device)
                with torch.autocast(device.type, dtype=amp, enabled=amp is not None):
                    logits = model(input_ids=x, attention_mask=m).logits
                loss = sequence_loss(logits.float(), x, m, max_length, label_smoothing).mean()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                tokens += int(m.sum())
                last_loss = loss.item()
                if math.isnan(first_loss):
                    first_loss = last_loss
                bar.set_postfix(loss=f"{last_loss:.3f}")
                bar.update()
    seconds = time.perf_counter() - start
    model.eval()
    stats = {
        "first_loss": first_loss,
        "last_loss": last_loss,
        "steps": steps,
        "tokens": tokens,
        "seconds": seconds,
        "tokens_per_second": tokens / seconds if seconds else 0.0,
    }
    log.info(
        "pre-trained %d steps: loss %.3f -> %.3f (%.0f tokens/s)",
        steps,
        first_loss,
        last_loss,
        stats["tokens_per_second"],
    )
    return stats


def describe(config: SmallGPT2Config) -> dict:
    return asdict(config)
