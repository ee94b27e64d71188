"""Two CPU processes (gloo) run DP-LoRA as one mechanism: the plan's steps, the plan's
epsilon, one noise draw per step, identical replicas, and exact replay with fixed seeds.

The workers are real processes (``torch.multiprocessing``), started twice in all: once
for the in-group API (``train_lora_distributed``) with four short runs and an optimizer
check inside, once through the launcher the Kedro node calls (``train_lora_multiprocess``).
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from opacus import GradSampleModule
from opacus.accountants import PRVAccountant
from peft import get_peft_model_state_dict

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.dp_training import checkpoint, poisson
from dp_instructions.models.dp_training.loop import train_lora_distributed
from dp_instructions.models.dp_training.multiprocess import train_lora_multiprocess
from dp_instructions.models.dp_training.optimizers import DistributedSecureNoiseDPOptimizer
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.models.local_workers import worker_threads
from dp_instructions.privacy import SubsampledGaussian, compose_epsilon, dpsgd_schedule
from dp_instructions.privacy.noise import NoiseSource
from tests.models.conftest import corpus, finetune_config

pytestmark = pytest.mark.skipif(not (dist.is_available() and dist.is_gloo_available()), reason="needs gloo")

WORLD = 2
TEXTS = corpus(40, 11)
PLAN = dpsgd_schedule(dataset_size=len(TEXTS), expected_batch_size=10, epochs=1)  # q = 0.25, 4 steps
SIGMA = 1.1
DELTA = 1e-3
CFG = finetune_config(expected_batch_size=10, physical_batch_size=3, max_length=24, learning_rate=5e-3, seed=3)
MODEL_CFG = SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=24)
EMPTY_AT_CALL = 2  # in run "e", rank 1's second Poisson draw comes back empty


class CountingNoise(NoiseSource):
    """A fixed source that counts what it draws, to see which ranks add noise."""

    def __init__(self, seed: int):
        super().__init__(seed)
        self.draws = 0
        self.numbers = 0

    def normal(self, shape, std, dtype=np.float64):
        self.draws += 1
        self.numbers += int(np.prod(shape))
        return super().normal(shape, std, dtype)


def _lora(model) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().clone() for k, v in get_peft_model_state_dict(model).items()}


def _optimizer_check(rank: int) -> torch.Tensor:
    """One DP step of a 3->2 linear map with SGD(lr=1): rank 0 holds 3 examples, rank 1
    none (an empty local batch). Returns the updated weight."""
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 2, bias=False)
    module = GradSampleModule(layer, loss_reduction="mean")
    opt = DistributedSecureNoiseDPOptimizer(
        torch.optim.SGD(layer.parameters(), lr=1.0),
        noise_multiplier=0.5,
        max_grad_norm=1.0,
        expected_batch_size=4 / WORLD,
        loss_reduction="mean",
        noise_source=NoiseSource.fixed(3),
    )
    if rank == 0:
        x = torch.tensor([[3.0, 0.0, 0.0], [0.0, 0.1, 0.0], [1.0, 1.0, 1.0]])
        module(x).sum(dim=1).mean().backward()
    else:
        layer.weight.grad_sample = torch.zeros((0, 2, 3))
    opt.step()
    return layer.weight.detach().clone()


def _rank_main(rank: int, init_file: str, out_dir: str, tokenizer) -> None:
    torch.set_num_threads(worker_threads(WORLD))  # as the launcher's workers, so results compare bitwise
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=WORLD)
    out: dict = {"optimizer_check": _optimizer_check(rank)}
    real = poisson.poisson_batch
    calls = {"n": 0}

    def rank1_sometimes_empty(n, q, g):
        calls["n"] += 1
        batch = real(n, q, g)
        return batch[:0] if rank == 1 and calls["n"] == EMPTY_AT_CALL else batch

    # a: the reference run; b replays it; c changes only the noise seed; e empties one
    # of rank 1's local batches (rank 0's is not empty, so both paths meet in the all-reduce).
    # g: run a with ghost clipping (the distributed ghost optimizer).
    runs = (("a", 7, real), ("b", 7, real), ("c", 8, real), ("e", 7, rank1_sometimes_empty), ("g", 7, real))
    for run, noise_seed, sampler in runs:
        calls["n"] = 0
        poisson.poisson_batch = sampler
        try:
            noise = CountingNoise(noise_seed)
            model = build_small_gpt2(tokenizer, MODEL_CFG, seed=0)
            peft_model, result = train_lora_distributed(
                model,
                tokenizer,
                TEXTS,
                replace(CFG, grad_sample_mode="ghost") if run == "g" else CFG,
                sampling_rate=PLAN.sampling_rate,
                steps=PLAN.steps,
                noise_multiplier=SIGMA,
                noise_source=noise,
                checkpoint_path=Path(out_dir) / f"ckpt-{run}.pt",
                run_identity=f"test-{run}",
            )
        finally:
            poisson.poisson_batch = real
        out[run] = {
            "lora": _lora(peft_model),
            "result": result.to_dict(),
            "draws": noise.draws,
            "numbers": noise.numbers,
        }
    torch.save(out, Path(out_dir) / f"rank{rank}.pt")
    dist.barrier()
    dist.destroy_process_group()


@pytest.fixture(scope="module")
def ranks(tiny_tokenizer, tmp_path_factory):
    out = tmp_path_factory.mktemp("distributed")
    # As the launcher does: one fork server pays the imports once for every worker of
    # this session (spawned workers each take tens of seconds on a busy 2-core machine).
    multiprocessing.set_forkserver_preload(["dp_instructions.models.dp_training.multiprocess", __name__])
    mp.start_processes(
        _rank_main,
        args=(str(out / "rendezvous"), str(out), tiny_tokenizer),
        nprocs=WORLD,
        join=True,
        start_method="forkserver",
    )
    return [torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(WORLD)], out


def test_every_rank_takes_the_planned_steps_and_the_accountant_matches_the_plan(ranks):
    outs, _ = ranks
    plan_eps = compose_epsilon([SubsampledGaussian(SIGMA, PLAN.sampling_rate, PLAN.steps)], DELTA)
    results = [out[run]["result"] for out in outs for run in ("a", "e")]  # e: with an empty local batch
    for result in results:
        assert result["steps"] == PLAN.steps and result["extra"]["world_size"] == WORLD
        history = result["extra"]["accountant_history"]
        assert history == [[SIGMA, PLAN.sampling_rate, PLAN.steps]]
        run_eps = compose_epsilon([SubsampledGaussian(s, q, n) for s, q, n in history], DELTA)
        assert run_eps == plan_eps
    # Opacus' own PRV implementation, on the same (identical) history, agrees.
    opacus = PRVAccountant()
    opacus.history = [tuple(h) for h in results[0]["extra"]["accountant_history"]]
    assert opacus.get_epsilon(DELTA) == pytest.approx(plan_eps, rel=0.02)
    # The figures every rank reports are global (all-reduced), hence the same.
    assert outs[0]["a"]["result"]["examples_seen"] == outs[1]["a"]["result"]["examples_seen"] > 0


def test_only_rank_0_draws_noise_one_number_per_lora_weight_per_step(ranks):
    outs, _ = ranks
    lora_numel = sum(v.numel() for v in outs[0]["a"]["lora"].values())
    assert outs[0]["a"]["draws"] == PLAN.steps  # one flat draw per step
    assert outs[0]["a"]["numbers"] == PLAN.steps * lora_numel
    assert outs[1]["a"]["draws"] == outs[1]["a"]["numbers"] == 0


def test_replicas_end_identical_and_lora_was_trained(ranks):
    outs, _ = ranks
    for run in ("a", "e"):
        r0, r1 = outs[0][run]["lora"], outs[1][run]["lora"]
        assert r0.keys() == r1.keys()
        assert all(torch.equal(r0[k], r1[k]) for k in r0)
    a0 = outs[0]["a"]["lora"]
    lora_b = [v for k, v in a0.items() if "lora_B" in k]
    assert lora_b and all(v.abs().sum() > 0 for v in lora_b)  # B starts at zero


def test_distributed_ghost_clipping_is_the_same_training(ranks):
    outs, _ = ranks
    for out in outs:
        a, g = out["a"]["lora"], out["g"]["lora"]
        assert out["g"]["result"]["extra"]["grad_sample_mode"] == "ghost"
        assert out["g"]["result"]["extra"]["accountant_history"] == out["a"]["result"]["extra"]["accountant_history"]
        for k in a:
            torch.testing.assert_close(a[k], g[k], atol=1e-6, rtol=1e-5)
    assert outs[0]["g"]["draws"] == PLAN.steps and outs[1]["g"]["draws"] == 0


def test_fixed_seeds_replay_exactly_and_the_noise_seed_matters(ranks):
    outs, _ = ranks
    a, b, c = outs[0]["a"]["lora"], outs[0]["b"]["lora"], outs[0]["c"]["lora"]
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_only_rank_0_checkpoints(ranks):
    outs, out_dir = ranks
    state = checkpoint.read(out_dir / "ckpt-a.pt")
    assert state["step"] == PLAN.steps and state["world_size"] == WORLD
    assert len(state["samplers"]) == WORLD  # each rank's sampler state, for an exact resume
    assert not list(out_dir.glob("*.tmp"))


def test_distributed_optimizer_adds_one_noise_and_divides_by_the_global_batch(ranks):
    outs, _ = ranks
    torch.manual_seed(0)
    w0 = torch.nn.Linear(3, 2, bias=False).weight.detach().clone()
    x = torch.tensor([[3.0, 0.0, 0.0], [0.0, 0.1, 0.0], [1.0, 1.0, 1.0]])
    clipped = torch.zeros(2, 3)
    for row in x:  # d/dW sum(W x) = [x; x]; clip to norm 1
        g = torch.stack([row, row])
        clipped += g * min(1.0, 1.0 / (float(g.norm()) + 1e-6))
    noise = torch.from_numpy(NoiseSource.fixed(3).normal((2, 3), 0.5, dtype=np.float32))
    expected = w0 - (clipped + noise) / 4
    for out in outs:
        assert torch.allclose(out["optimizer_check"], expected, atol=1e-6)


def test_launcher_returns_rank_0_model_and_result(ranks, tiny_tokenizer):
    outs, _ = ranks
    model = build_small_gpt2(tiny_tokenizer, MODEL_CFG, seed=0)
    peft_model, result = train_lora_multiprocess(
        model,
        tiny_tokenizer,
        TEXTS,
        CFG,
        world_size=WORLD,
        sampling_rate=PLAN.sampling_rate,
        steps=PLAN.steps,
        noise_multiplier=SIGMA,
        noise_source=NoiseSource.fixed(7),
        device="cpu",
    )
    assert result.steps == PLAN.steps and result.extra["world_size"] == WORLD
    assert result.extra["accountant_history"] == [[SIGMA, PLAN.sampling_rate, PLAN.steps]]
    assert result.to_dict()["examples_seen"] == outs[0]["a"]["result"]["examples_seen"]
    # Same seeds as run "a" of the in-group API: the launcher's model is that model.
    lora, reference = _lora(peft_model), outs[0]["a"]["lora"]
    assert lora.keys() == reference.keys()
    assert all(torch.equal(lora[k], reference[k]) for k in lora)
    assert not any(p.requires_grad for n, p in peft_model.named_parameters() if "lora" not in n)


def test_launcher_rejects_a_bad_world_size(tiny_model, tiny_tokenizer):
    with pytest.raises(InvalidInputError, match="world_size"):
        train_lora_multiprocess(
            tiny_model,
            tiny_tokenizer,
            TEXTS,
            CFG,
            world_size=0,
            sampling_rate=0.25,
            steps=1,
            noise_multiplier=1.0,
            noise_source=NoiseSource.fixed(0),
        )
    if torch.cuda.device_count() < 64:
        with pytest.raises(InvalidInputError, match="world_size"):
            train_lora_multiprocess(
                tiny_model,
                tiny_tokenizer,
                TEXTS,
                CFG,
                world_size=64,
                sampling_rate=0.25,
                steps=1,
                noise_multiplier=1.0,
                noise_source=NoiseSource.fixed(0),
                device="cuda",
            )


def test_outside_a_process_group_the_distributed_entry_refuses(tiny_model, tiny_tokenizer):
    with pytest.raises(Exception, match="process group"):
        train_lora_distributed(
            tiny_model,
            tiny_tokenizer,
            TEXTS,
            CFG,
            sampling_rate=0.25,
            steps=1,
            noise_multiplier=1.0,
            noise_source=NoiseSource.fixed(0),
        )


def test_launcher_refuses_more_processes_than_instructions(tiny_model, tiny_tokenizer):
    with pytest.raises(InvalidInputError, match="world_size"):
        train_lora_multiprocess(
            tiny_model,
            tiny_tokenizer,
            TEXTS[:1],
            CFG,
            world_size=WORLD,
            sampling_rate=0.5,
            steps=1,
            noise_multiplier=1.0,
            noise_source=NoiseSource.fixed(0),
            device="cpu",
        )
