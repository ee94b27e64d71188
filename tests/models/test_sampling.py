"""Unconditional sampling: seeded by its own generator (torch's global RNG untouched),
deterministic for a seed, and generated tokens counted up to and including the first EOS
even where the pad id is the EOS id (hub tokenizers)."""

from __future__ import annotations

import copy

import pytest
import torch

from dp_instructions.models.sampling import SamplingConfig, clean_samples, generated_lengths, sample_instructions

CONFIG = SamplingConfig(num_samples=6, batch_size=4, max_new_tokens=10, top_p=0.95, temperature=1.0, seed=5)


def test_sampling_neither_reads_nor_changes_the_global_rng(tiny_model, tiny_tokenizer):
    torch.manual_seed(123)
    before = torch.get_rng_state()
    first, _ = sample_instructions(tiny_model, tiny_tokenizer, CONFIG)
    assert torch.equal(torch.get_rng_state(), before)
    torch.manual_seed(456)  # another global state: the same samples
    second, _ = sample_instructions(tiny_model, tiny_tokenizer, CONFIG)
    assert first == second and len(first) == 6


def test_the_seed_decides_the_samples(tiny_model, tiny_tokenizer):
    cooler = SamplingConfig(num_samples=8, batch_size=8, max_new_tokens=10, top_p=1.0, temperature=2.0, seed=1)
    a, _ = sample_instructions(tiny_model, tiny_tokenizer, cooler)
    b, _ = sample_instructions(tiny_model, tiny_tokenizer, SamplingConfig(**{**cooler.__dict__, "seed": 2}))
    assert a != b


def test_generated_lengths_count_up_to_and_including_the_first_eos():
    eos = 7
    generated = torch.tensor(
        [
            [3, 4, eos, eos, eos],  # pad = eos after the end
            [eos, eos, eos, eos, eos],  # an empty sample still generated its EOS
            [3, 4, 5, 6, 2],  # ran out of tokens: no EOS
            [3, eos, 4, eos, eos],
        ]
    )
    assert generated_lengths(generated, eos).tolist() == [3, 1, 5, 2]


def test_the_report_counts_eos_when_the_pad_id_is_the_eos_id(tiny_model, tiny_tokenizer, monkeypatch):
    tok = copy.deepcopy(tiny_tokenizer)
    tok.pad_token = tok.eos_token  # as load_hub_tokenizer does for hub models
    bos, eos = tok.bos_token_id, tok.eos_token_id
    assert tok.pad_token_id == eos
    rows = torch.tensor(
        [
            [bos, 5, 6, eos, eos, eos],
            [bos, 8, eos, eos, eos, eos],
            [bos, 9, 10, 11, 12, 13],
        ]
    )
    monkeypatch.setattr(tiny_model, "generate", lambda **kwargs: rows)
    config = SamplingConfig(num_samples=3, batch_size=3, max_new_tokens=5, seed=0)
    texts, stats = sample_instructions(tiny_model, tok, config)
    assert stats["generated_tokens"] == 3 + 2 + 5
    assert len(texts) == 3


def test_a_zero_batch_is_refused():
    with pytest.raises(Exception, match="batch_size"):
        SamplingConfig(num_samples=3, batch_size=0, max_new_tokens=5)


def test_clean_samples_accounts_for_every_sample():
    kept, counts = clean_samples([" a ", "", "a", "b", "  "])
    assert kept["text"].to_list() == ["a", "b"] and kept["sample_index"].to_list() == [0, 3]
    assert counts == {"generated": 5, "empty": 2, "duplicates": 1, "kept": 2}
