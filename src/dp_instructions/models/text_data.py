"""Instruction texts as fixed-length token tensors for causal-LM training."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import PreTrainedTokenizerBase

from dp_instructions.exceptions import InvalidInputError


def encode_instructions(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], max_length: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(input_ids, attention_mask), each `len(texts) x max_length`, right-padded.

    A text that fits is `<bos> text <eos>`. A longer one is cut to `<bos>` and its first
    `max_length - 1` tokens, WITHOUT `<eos>`: the model must not learn that a truncated
    instruction is finished (and then end its samples mid-sentence)."""
    if max_length < 3:
        raise InvalidInputError(f"`max_length` must leave room for <bos>, a token and <eos>, got {max_length}")
    bos, eos, pad = tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id
    # One token more than fits with <eos> tells an over-long text from one that fits exactly.
    encoded = tokenizer(list(texts), add_special_tokens=False, truncation=True, max_length=max_length - 1)["input_ids"]
    ids = torch.full((len(encoded), max_length), pad, dtype=torch.long)
    mask = torch.zeros((len(encoded), max_length), dtype=torch.long)
    for row, tokens in enumerate(encoded):
        seq = [bos, *tokens] if len(tokens) > max_length - 2 else [bos, *tokens, eos]
        ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return ids, mask


def sequence_loss(
    logits: torch.Tensor,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    max_length: int | None = None,
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """Per-example loss: the summed next-token loss over real tokens divided by the
    maximum sequence length (paper, footnote 4), so every example weighs by its length
    the same way whatever the padding of its batch. ``max_length`` defaults to the
    batch's width; a batch trimmed to its longest row passes the untrimmed width.
    ``label_smoothing`` is torch's (pre-training only). Shape: (batch,)."""
    shift_logits = logits[:, :-1, :]
    targets = input_ids[:, 1:]
    target_mask = attention_mask[:, 1:].to(shift_logits.dtype)
    token_loss = torch.nn.functional.cross_entropy(
        shift_logits.reshape(-1, shift_logits.size(-1)),
        targets.reshape(-1),
        reduction="none",
        label_smoothing=label_smoothing,
    ).view_as(targets)
    return (token_loss * target_mask).sum(dim=1) / (max_length or input_ids.size(1))


def length_bucketed_batches(lengths: torch.Tensor, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    """One epoch of shuffled batches whose rows have similar lengths, so that a batch
    trimmed to its longest row carries little padding: a random order is cut into chunks
    of 64 batches, each chunk is sorted by length and cut into batches, and the batches
    of all chunks are shuffled together. Every row appears exactly once."""
    order = torch.randperm(len(lengths), generator=generator)
    chunk = batch_size * 64
    batches: list[torch.Tensor] = []
    for begin in range(0, len(order), chunk):
        part = order[begin : begin + chunk]
        part = part[torch.argsort(lengths[part], stable=True)]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    shuffle = torch.randperm(len(batches), generator=generator).tolist()
    return [batches[i] for i in shuffle]
