"""Micro-batches regroup one Poisson batch: every drawn row exactly once, whatever the
bucketing; bucketed micro-batches are trimmed to their longest row; and DP training with
bucketing gives the same model as without (the same batches, clipping and noise)."""

from __future__ import annotations

import copy

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dp_instructions.models.dp_training.loop import train_lora
from dp_instructions.models.dp_training.micro_batches import micro_batches
from dp_instructions.privacy.noise import NoiseSource
from tests.models.conftest import corpus, finetune_config


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 48), min_size=1, max_size=80),
    picks=st.lists(st.booleans(), min_size=80, max_size=80),
    size=st.integers(1, 20),
    bucketing=st.booleans(),
)
def test_every_drawn_row_is_in_exactly_one_micro_batch(lengths, picks, size, bucketing):
    lengths_t = torch.tensor(lengths)
    batch = torch.tensor([i for i in range(len(lengths)) if picks[i]], dtype=torch.long)
    out = micro_batches(batch, lengths_t, size, 48, bucketing)
    rows = [int(i) for chunk, _ in out for i in chunk]
    assert sorted(rows) == batch.tolist()  # the same Poisson batch, regrouped
    assert all(len(chunk) <= size for chunk, _ in out)
    if len(batch) == 0:
        assert len(out) == 1 and len(out[0][0]) == 0
        return
    assert len(out) == -(-len(batch) // size)
    for chunk, width in out:
        # plain Python oracle of the width each micro-batch is cut to
        assert width == (max(lengths[i] for i in chunk.tolist()) if bucketing else 48)
    if bucketing:
        assert [lengths[i] for i in rows] == sorted(lengths[i] for i in rows)
    else:
        assert rows == batch.tolist()  # the draw's order


def without_dropout(model: torch.nn.Module) -> torch.nn.Module:
    """A copy whose dropout is off: dropout masks are drawn per tensor shape, so trimmed and
    untrimmed micro-batches would drop different units."""
    model = copy.deepcopy(model)
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    return model


def test_bucketed_training_is_the_same_training(tiny_model, tiny_tokenizer):
    texts = corpus(120, 3)  # 4-14 words: lengths vary within the 24-token width
    runs = []
    for bucketing in (False, True):
        cfg = finetune_config(
            expected_batch_size=24, physical_batch_size=5, max_length=24, learning_rate=5e-3, length_bucketing=bucketing
        )
        runs.append(
            train_lora(
                without_dropout(tiny_model),
                tiny_tokenizer,
                texts,
                cfg,
                sampling_rate=0.2,
                steps=4,
                noise_multiplier=1.0,
                noise_source=NoiseSource.fixed(0),
            )
        )
    (plain, a), (bucketed, b) = runs
    assert a.examples_seen == b.examples_seen and a.tokens == b.tokens
    assert abs(a.first_loss - b.first_loss) < 1e-5 and abs(a.last_loss - b.last_loss) < 1e-5
    for (name, p), (_, q) in zip(plain.named_parameters(), bucketed.named_parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-4), name
