"""The DP-LoRA loop in one process: planned steps, empty batches, per-example gradients,
resume from a checkpoint, the non-private control, secret batch coins."""

from __future__ import annotations

import pytest
import torch

from dp_instructions.exceptions import DPInstructionsError
from dp_instructions.models.dp_training import checkpoint, lora, poisson
from dp_instructions.models.dp_training.loop import PerExampleGradientError, train_lora
from dp_instructions.privacy.noise import NoiseSource
from tests.models.conftest import corpus, finetune_config

CFG = finetune_config(expected_batch_size=20, physical_batch_size=8, max_length=24, learning_rate=5e-3)


def test_dp_training_runs_the_planned_steps_and_changes_lora(tiny_model, tiny_tokenizer):
    model, result = train_lora(
        tiny_model,
        tiny_tokenizer,
        corpus(100, 1),
        CFG,
        sampling_rate=0.2,
        steps=6,
        noise_multiplier=1.0,
        noise_source=NoiseSource.fixed(0),
    )
    assert result.steps == 6 and result.noise_multiplier == 1.0
    assert 60 <= result.examples_seen <= 180  # ~ q * N per step
    lora_b = [p for n, p in model.named_parameters() if "lora_B" in n]
    assert lora_b and any(p.abs().sum() > 0 for p in lora_b)  # B starts at zero
    assert not any(p.requires_grad for n, p in model.named_parameters() if "lora" not in n)


def test_empty_poisson_batch_still_takes_a_noisy_step(tiny_model, tiny_tokenizer, monkeypatch):
    calls = {"n": 0}
    real = poisson.poisson_batch

    def sometimes_empty(n, q, g):
        calls["n"] += 1
        batch = real(n, q, g)
        return batch[:0] if calls["n"] == 2 else batch

    monkeypatch.setattr(poisson, "poisson_batch", sometimes_empty)
    _, result = train_lora(
        tiny_model,
        tiny_tokenizer,
        corpus(50, 2),
        CFG,
        sampling_rate=0.3,
        steps=3,
        noise_multiplier=1.0,
        noise_source=NoiseSource.fixed(1),
    )
    assert result.steps == 3  # the accountant saw all three steps, including the empty one


def test_parameter_without_per_example_gradient_fails_fast(tiny_model, tiny_tokenizer):
    # An extra trainable parameter the forward pass never uses gets no grad_sample.
    tiny_model.register_parameter("stray", torch.nn.Parameter(torch.zeros(3)))
    original = lora.add_lora

    def add_lora_keeping_stray(model, config):
        peft = original(model, config)
        peft.base_model.model.stray.requires_grad_(True)
        return peft

    lora.add_lora, saved = add_lora_keeping_stray, lora.add_lora
    try:
        with pytest.raises(PerExampleGradientError, match="stray"):
            train_lora(
                tiny_model,
                tiny_tokenizer,
                corpus(50, 3),
                CFG,
                sampling_rate=0.5,
                steps=2,
                noise_multiplier=1.0,
                noise_source=NoiseSource.fixed(0),
            )
    finally:
        lora.add_lora = saved


def test_resume_after_interruption_continues_without_recounting(tiny_tokenizer, tmp_path, monkeypatch):
    from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2

    texts = corpus(80, 4)
    cfg = finetune_config(expected_batch_size=20, physical_batch_size=8, max_length=24, checkpoint_every=2)
    ckpt = tmp_path / "ckpt.pt"
    calls = {"n": 0}
    real = poisson.poisson_batch

    def crash_at_step_5(n, q, g):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt("simulated interruption")
        return real(n, q, g)

    model = build_small_gpt2(tiny_tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24), seed=0)
    monkeypatch.setattr(poisson, "poisson_batch", crash_at_step_5)
    with pytest.raises(KeyboardInterrupt):
        train_lora(
            model,
            tiny_tokenizer,
            texts,
            cfg,
            sampling_rate=0.25,
            steps=6,
            noise_multiplier=1.0,
            noise_source=NoiseSource.fixed(0),
            checkpoint_path=ckpt,
            run_identity="run-a",
        )
    assert checkpoint.read(ckpt)["step"] == 4
    monkeypatch.setattr(poisson, "poisson_batch", real)
    model = build_small_gpt2(tiny_tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24), seed=0)
    _, result = train_lora(
        model,
        tiny_tokenizer,
        texts,
        cfg,
        sampling_rate=0.25,
        steps=6,
        noise_multiplier=1.0,
        noise_source=NoiseSource.fixed(0),
        checkpoint_path=ckpt,
        run_identity="run-a",
    )
    assert result.resumed_from_step == 4 and result.steps == 6
    # A checkpoint from another plan is ignored.
    model = build_small_gpt2(tiny_tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24), seed=0)
    _, result = train_lora(
        model,
        tiny_tokenizer,
        texts,
        cfg,
        sampling_rate=0.25,
        steps=6,
        noise_multiplier=1.0,
        noise_source=NoiseSource.fixed(0),
        checkpoint_path=ckpt,
        run_identity="run-b",
    )
    assert result.resumed_from_step == 0


def test_non_private_control_trains_without_noise(tiny_model, tiny_tokenizer):
    cfg = finetune_config(expected_batch_size=20, physical_batch_size=8, max_length=24, dp=False)
    _, result = train_lora(
        tiny_model,
        tiny_tokenizer,
        corpus(60, 5),
        cfg,
        sampling_rate=0.3,
        steps=3,
        noise_multiplier=0.0,
        noise_source=NoiseSource.fixed(0),
    )
    assert result.noise_multiplier == 0.0


def test_empty_training_set_is_rejected(tiny_model, tiny_tokenizer):
    with pytest.raises(DPInstructionsError, match="instructions_train"):
        train_lora(
            tiny_model,
            tiny_tokenizer,
            [],
            CFG,
            sampling_rate=0.2,
            steps=1,
            noise_multiplier=1.0,
            noise_source=NoiseSource.fixed(0),
        )


def test_private_noise_also_draws_the_batches_from_the_secure_source(tiny_model, tiny_tokenizer, monkeypatch):
    # Amplification by subsampling needs secret batches: with private noise the seeded
    # torch sampler must not be used at all.
    used = {"secure": 0}
    real = poisson.secure_poisson_batch

    def counting(n, q):
        used["secure"] += 1
        return real(n, q)

    def seeded_is_forbidden(n, q, g):
        raise AssertionError("a private run drew a batch from a seeded generator")

    monkeypatch.setattr(poisson, "secure_poisson_batch", counting)
    monkeypatch.setattr(poisson, "poisson_batch", seeded_is_forbidden)
    _, result = train_lora(
        tiny_model,
        tiny_tokenizer,
        corpus(40, 6),
        CFG,
        sampling_rate=0.3,
        steps=2,
        noise_multiplier=1.0,
        noise_source=NoiseSource.secure(),
    )
    assert used["secure"] == 2 and result.extra["sampler"].startswith("os.urandom")
