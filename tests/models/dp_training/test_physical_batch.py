"""The physical batch: ``auto`` on the CPU, the probing search a GPU runs (with a scripted
``fits``), and the loop using what was resolved."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.dp_training.loop import train_lora
from dp_instructions.models.dp_training.physical_batch import (
    CPU_PHYSICAL_BATCH,
    candidate_sizes,
    largest_fitting,
    poisson_ceiling,
    resolve_physical_batch,
)
from dp_instructions.privacy.noise import NoiseSource
from tests.models.conftest import corpus, finetune_config


def _never_called(rows: int) -> None:
    raise AssertionError("no probe pass off CUDA")


def test_auto_on_the_cpu_is_the_fixed_default_without_probing():
    cpu = torch.device("cpu")
    assert resolve_physical_batch("auto", device=cpu, expected_batch_size=512, run_pass=_never_called) == 64
    assert CPU_PHYSICAL_BATCH == 64
    # Never more rows than a Poisson batch of that mean practically draws.
    assert resolve_physical_batch("auto", device=cpu, expected_batch_size=9, run_pass=_never_called) == 21
    assert resolve_physical_batch(17, device=cpu, expected_batch_size=512, run_pass=_never_called) == 17


def test_poisson_ceiling_is_the_mean_plus_four_standard_deviations():
    assert poisson_ceiling(4096) == 4096 + 256
    assert poisson_ceiling(100) == 140
    assert poisson_ceiling(0.25) == 3


@given(st.integers(1, 100_000))
def test_candidates_double_up_to_the_ceiling(ceiling):
    sizes = candidate_sizes(ceiling)
    assert sizes[-1] == ceiling and sizes == sorted(set(sizes))
    assert all(b == 8 * 2**i for i, b in enumerate(sizes[:-1]))


@given(st.integers(1, 20_000), st.integers(1, 40_000))
def test_the_largest_fitting_candidate_is_chosen(ceiling, limit):
    tried: list[int] = []

    def fits(rows: int) -> bool:
        tried.append(rows)
        return rows <= limit

    sizes = candidate_sizes(ceiling)
    chosen = largest_fitting(fits, sizes)
    fitting = [b for b in sizes if b <= limit]
    assert chosen == (fitting[-1] if fitting else sizes[0])
    # It stops at the first size that does not fit: no probe runs out of memory twice.
    assert sum(not fits_ for fits_ in (b <= limit for b in tried)) <= 1


def test_a_bad_physical_batch_setting_is_named():
    for bad in (0, -3, "big", 2.5, True):
        with pytest.raises(InvalidInputError, match="physical_batch_size"):
            finetune_config(physical_batch_size=bad)


def test_training_with_auto_reports_the_batch_it_used(tiny_model, tiny_tokenizer):
    _, result = train_lora(
        tiny_model,
        tiny_tokenizer,
        corpus(60, 4),
        finetune_config(expected_batch_size=12, physical_batch_size="auto"),
        sampling_rate=0.2,
        steps=2,
        noise_multiplier=1.0,
        noise_source=NoiseSource.fixed(0),
    )
    assert result.extra["physical_batch_size"] == poisson_ceiling(12) == 26
    assert result.steps == 2 and result.examples_seen > 0
