"""Training tensors: a text that fits ends with <eos>; an over-long one is cut WITHOUT it,
so neither pre-training nor DP fine-tuning teaches that a truncated instruction is finished."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.text_data import encode_instructions, length_bucketed_batches, sequence_loss


def tokens(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def test_a_text_that_fits_is_bos_text_eos_then_padding(tiny_tokenizer):
    tok = tiny_tokenizer
    text = "write a python function"
    body = tokens(tok, text)
    ids, mask = encode_instructions(tok, [text], max_length=len(body) + 5)
    assert ids[0].tolist() == [tok.bos_token_id, *body, tok.eos_token_id] + [tok.pad_token_id] * 3
    assert mask[0].tolist() == [1] * (len(body) + 2) + [0] * 3


def test_a_text_that_fits_exactly_keeps_its_eos(tiny_tokenizer):
    tok = tiny_tokenizer
    text = "explain how the transformer works"
    body = tokens(tok, text)
    ids, mask = encode_instructions(tok, [text], max_length=len(body) + 2)
    assert ids[0].tolist() == [tok.bos_token_id, *body, tok.eos_token_id] and mask[0].all()


@pytest.mark.parametrize("extra", [1, 2, 30])
def test_an_over_long_text_is_cut_without_eos(tiny_tokenizer, extra):
    tok = tiny_tokenizer
    text = " ".join(["give me ideas for dinner and translate this sentence into french"] * 6)
    body = tokens(tok, text)
    max_length = len(body) + 2 - extra  # `extra` tokens too long for <bos> text <eos>
    ids, mask = encode_instructions(tok, [text], max_length=max_length)
    assert ids[0].tolist() == [tok.bos_token_id, *body[: max_length - 1]]
    assert tok.eos_token_id not in ids[0, 1:].tolist() and mask[0].all()


def test_a_batch_mixes_both_and_the_shapes_are_fixed(tiny_tokenizer):
    tok = tiny_tokenizer
    short, long = "sort a list", " ".join(["summarise the article"] * 20)
    ids, mask = encode_instructions(tok, [short, long], max_length=10)
    assert ids.shape == mask.shape == (2, 10)
    assert tok.eos_token_id in ids[0].tolist() and ids[1, -1].item() != tok.eos_token_id and mask[1].all()


def test_too_short_a_length_is_refused(tiny_tokenizer):
    with pytest.raises(InvalidInputError, match="max_length"):
        encode_instructions(tiny_tokenizer, ["x"], max_length=2)


@given(
    lengths=st.lists(st.integers(min_value=1, max_value=48), min_size=1, max_size=300),
    batch_size=st.integers(min_value=1, max_value=40),
    seed=st.integers(min_value=0, max_value=2**31),
)
@settings(max_examples=60, deadline=None)
def test_bucketed_batches_cover_every_row_once(lengths, batch_size, seed):
    batches = length_bucketed_batches(torch.tensor(lengths), batch_size, torch.Generator().manual_seed(seed))
    rows = torch.cat(batches).tolist()
    assert sorted(rows) == list(range(len(lengths)))
    assert all(1 <= len(b) <= batch_size for b in batches)


def test_bucketed_batches_hold_similar_lengths_and_trimming_keeps_the_loss():
    gen = torch.Generator().manual_seed(0)
    lengths = torch.randint(3, 49, (4096,), generator=gen)
    batches = length_bucketed_batches(lengths, 32, gen)
    padded = sum(len(b) * int(lengths[b].max()) for b in batches)
    assert padded < 1.1 * int(lengths.sum())  # vs ~1.9x for random batches of this spread
    # A batch trimmed to its longest row has the loss of the untrimmed batch.
    ids = torch.randint(0, 50, (4, 12), generator=gen)
    mask = torch.tensor([[1] * n + [0] * (12 - n) for n in (3, 7, 5, 7)])
    logits = torch.randn(4, 12, 50, generator=gen)
    full = sequence_loss(logits, ids, mask)
    trimmed = sequence_loss(logits[:, :7], ids[:, :7], mask[:, :7], max_length=12)
    torch.testing.assert_close(full, trimmed)
