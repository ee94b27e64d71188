"""Ghost clipping and the bf16 base: other ways to compute the same DP-LoRA step. Ghost
clipping (norms, then a reweighted second backward pass) must give the clipped sum the
per-example gradients give; a bf16 base keeps the adapters, clipping and noise in fp32."""

from __future__ import annotations

import math

import pytest
import torch
from opacus import GradSampleModule
from opacus.grad_sample import GradSampleModuleFastGradientClipping
from opacus.utils.fast_gradient_clipping_utils import DPTensorFastGradientClipping

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.device import training_dtype
from dp_instructions.models.dp_training import poisson
from dp_instructions.models.dp_training.loop import train_lora
from dp_instructions.models.dp_training.optimizers import dp_optimizer
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.privacy.noise import NoiseSource
from tests.models.conftest import corpus, finetune_config

MODEL = SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24)
TEXTS = corpus(120, 3)


def _train(tokenizer, **overrides):
    cfg = finetune_config(expected_batch_size=24, physical_batch_size=5, max_length=24, learning_rate=5e-3, **overrides)
    return train_lora(
        build_small_gpt2(tokenizer, MODEL, seed=0),
        tokenizer,
        TEXTS,
        cfg,
        sampling_rate=0.2,
        steps=4,
        noise_multiplier=1.0,
        noise_source=NoiseSource.fixed(0),
    )


def _lora(model) -> dict[str, torch.Tensor]:
    return {n: p.detach().float() for n, p in model.named_parameters() if "lora" in n}


@pytest.fixture(scope="module")
def hooks_run(tiny_tokenizer):
    return _train(tiny_tokenizer)


def test_ghost_clipping_is_the_same_training_as_per_example_gradients(hooks_run, tiny_tokenizer):
    hooks_model, hooks = hooks_run
    ghost_model, ghost = _train(tiny_tokenizer, grad_sample_mode="ghost")
    assert ghost.extra["grad_sample_mode"] == "ghost" and hooks.extra["grad_sample_mode"] == "hooks"
    assert ghost.examples_seen == hooks.examples_seen and ghost.tokens == hooks.tokens
    assert ghost.extra["accountant_history"] == hooks.extra["accountant_history"]
    a, b = _lora(hooks_model), _lora(ghost_model)
    assert a.keys() == b.keys() and any(v.abs().sum() > 0 for k, v in b.items() if "lora_B" in k)
    for name in a:
        torch.testing.assert_close(a[name], b[name], atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("ghost", [False, True])
def test_one_step_is_the_clipped_sum_over_the_expected_batch(ghost):
    """Plain-Python oracle: loss_i = sum(W x_i) has gradient g_i = 1 x_i^T, of norm
    sqrt(2) |x_i|; each is scaled to norm <= C, summed, divided by the expected batch."""
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 2, bias=False)
    before = layer.weight.detach().clone()
    module = (
        GradSampleModuleFastGradientClipping(layer, loss_reduction="mean", max_grad_norm=1.0, use_ghost_clipping=True)
        if ghost
        else GradSampleModule(layer, loss_reduction="mean")
    )
    opt = dp_optimizer(
        torch.optim.SGD(layer.parameters(), lr=1.0),
        ghost=ghost,
        distributed=False,
        noise_multiplier=0.0,
        max_grad_norm=1.0,
        expected_batch_size=4,
        loss_reduction="mean",
        noise_source=NoiseSource.fixed(0),
    )
    x = torch.tensor([[30.0, 0.0, 0.0], [0.0, 0.1, 0.0], [1.0, 1.0, 1.0]])
    per_example = module(x).sum(dim=1)
    if ghost:
        DPTensorFastGradientClipping(module, opt, per_example, loss_reduction="mean").backward()
    else:
        per_example.mean().backward()
    opt.step()
    expected = torch.zeros(2, 3)
    for row in x.tolist():
        norm = math.sqrt(2) * math.sqrt(sum(v * v for v in row))
        scale = min(1.0, 1.0 / (norm + 1e-6))
        expected += torch.ones(2, 1) * torch.tensor(row) * scale
    torch.testing.assert_close(before - layer.weight.detach(), expected / 4, atol=1e-5, rtol=1e-4)
    opt.close()


def test_ghost_clipping_takes_a_noisy_step_on_an_empty_batch(tiny_tokenizer, monkeypatch):
    real, calls = poisson.poisson_batch, {"n": 0}

    def second_empty(n, q, g):
        calls["n"] += 1
        batch = real(n, q, g)
        return batch[:0] if calls["n"] == 2 else batch

    monkeypatch.setattr(poisson, "poisson_batch", second_empty)
    _, result = _train(tiny_tokenizer, grad_sample_mode="ghost")
    assert result.extra["accountant_history"] == [[1.0, 0.2, 4]]


def test_a_bf16_base_trains_fp32_adapters(hooks_run, tiny_tokenizer):
    hooks_model, hooks = hooks_run
    model, result = _train(tiny_tokenizer, precision="bf16")
    assert result.extra["base_dtype"] == "bfloat16" and hooks.extra["base_dtype"] == "float32"
    trainable = [p for p in model.parameters() if p.requires_grad]
    frozen = [p for p in model.parameters() if not p.requires_grad]
    assert trainable and all(p.dtype == torch.float32 for p in trainable)
    assert all(p.dtype == torch.bfloat16 for p in frozen)
    # The same steps, to bf16 rounding.
    a, b = _lora(hooks_model), _lora(model)
    assert max((a[n] - b[n]).abs().max().item() for n in a) < 5e-3
    assert abs(result.last_loss - hooks.last_loss) < 1e-2


def test_precision_auto_is_fp32_on_the_cpu_and_bad_values_are_named():
    assert training_dtype(torch.device("cpu"), "auto") is torch.float32
    assert training_dtype(torch.device("cpu"), "bf16") is torch.bfloat16
    with pytest.raises(InvalidInputError, match="precision"):
        finetune_config(precision="fp16")
    with pytest.raises(InvalidInputError, match="grad_sample_mode"):
        finetune_config(grad_sample_mode="functorch")
