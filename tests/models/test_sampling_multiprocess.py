"""Sampling on several processes (gloo-free: workers write their batches, the caller
orders them): the same samples for a seed whatever the number of processes, every batch
exactly once, and a bad process count names its parameter."""

from __future__ import annotations

import pytest

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.sampling import SamplingConfig, batch_count, sample_batches, sample_instructions
from dp_instructions.models.sampling_multiprocess import sample_instructions_on_processes

CONFIG = SamplingConfig(num_samples=23, batch_size=4, max_new_tokens=6, seed=11)


def test_two_processes_give_the_samples_of_one(tiny_model, tiny_tokenizer):
    one, _ = sample_instructions(tiny_model, tiny_tokenizer, CONFIG)
    two, stats = sample_instructions_on_processes(
        tiny_model, tiny_tokenizer, CONFIG, world_size=2, start_method="spawn"
    )
    assert len(one) == 23 and two == one
    assert stats["generated_tokens"] > 0
    assert sample_instructions(tiny_model, tiny_tokenizer, CONFIG)[0] == one  # seeded


def test_a_batch_is_the_same_whoever_makes_it_and_after_whatever(tiny_model, tiny_tokenizer):
    assert batch_count(CONFIG) == 6  # 5 x 4 + 3
    alone, _ = sample_batches(tiny_model, tiny_tokenizer, CONFIG, [4])
    after_others, _ = sample_batches(tiny_model, tiny_tokenizer, CONFIG, [1, 3, 4])
    assert alone[4] == after_others[4] and len(after_others[3]) == 4
    last, _ = sample_batches(tiny_model, tiny_tokenizer, CONFIG, [5])
    assert len(last[5]) == 3
    other_seed, _ = sample_batches(tiny_model, tiny_tokenizer, SamplingConfig(23, 4, 6, seed=12), [4])
    assert other_seed[4] != alone[4]


@pytest.mark.parametrize("world_size", [0, True, 1.5])
def test_a_bad_process_count_names_the_parameter(tiny_model, tiny_tokenizer, world_size):
    with pytest.raises(InvalidInputError, match="dp_generation.sampling.world_size"):
        sample_instructions_on_processes(tiny_model, tiny_tokenizer, CONFIG, world_size=world_size)
