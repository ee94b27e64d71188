"""Checkpoints of a DP fine-tuning run, taken at step boundaries: save and restore as two
steps of their own, outside the loop.

A checkpoint holds the LoRA weights, the Adam state, the accountant's history, the
samplers' generator states (replayable runs only), the step reached, the world size and
the run identity it belongs to. Restoring it resumes the run where it stopped, and the
accountant's history carries on without counting a step twice.

Why only tensors and plain data: ``torch.load(weights_only=False)`` unpickles arbitrary
objects, so a checkpoint file under ``data/`` (written by anyone who can write there)
could run code in the training process the next time a run resumes. Checkpoints are
written from tensors, numbers, strings, lists and dicts only, and read back with
``weights_only=True``; a file holding anything else is refused before any of it is used.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path
from typing import Any

import torch
from opacus.accountants import PRVAccountant
from peft import PeftModel, get_peft_model_state_dict, set_peft_model_state_dict

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.dp_training.poisson import ShardSampler, rank_seed
from dp_instructions.models.dp_training.process_group import Group

log = logging.getLogger(__name__)


class UnsafeCheckpointError(InvalidInputError):
    """A checkpoint file holds something other than tensors and plain data (or is not a
    checkpoint at all): it is not loaded, since unpickling it could run code."""


def write(path: Path, state: dict[str, Any]) -> None:
    """Write `state` atomically: a crash leaves the previous checkpoint intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def read(path: Path) -> dict[str, Any]:
    """The checkpoint at `path`, loaded as tensors and plain data only (on the CPU)."""
    try:
        state = torch.load(path, weights_only=True, map_location="cpu")
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, TypeError, AttributeError) as exc:
        raise UnsafeCheckpointError(
            f"checkpoint {path} was not loaded: it holds more than tensors and plain data, or is damaged "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); delete it to train "
            "from the start"
        ) from exc
    if not isinstance(state, dict):
        raise UnsafeCheckpointError(f"checkpoint {path} is not a DP training checkpoint (a {type(state).__name__})")
    return state


def save(
    path: Path,
    *,
    group: Group,
    identity: str,
    step: int,
    peft_model: PeftModel,
    optimizer: torch.optim.Optimizer,
    accountant: PRVAccountant,
    sampler: ShardSampler,
) -> None:
    """Checkpoint the run after `step` steps. Every rank takes part (the samplers' states
    are gathered); only rank 0 touches the disk."""
    samplers = group.gather(None if sampler.generator is None else sampler.generator.get_state())
    if group.rank != 0:
        return
    write(
        path,
        {
            "identity": identity,
            "step": step,
            "world_size": group.world_size,
            "lora": get_peft_model_state_dict(peft_model),
            "optimizer": optimizer.state_dict(),
            "accountant": {
                "history": [[float(s), float(q), int(n)] for s, q, n in accountant.history],
                "mechanism": accountant.mechanism(),
            },
            "samplers": samplers,
        },
    )


def restore(
    path: Path,
    *,
    group: Group,
    identity: str,
    steps: int,
    seed: int,
    peft_model: PeftModel,
    optimizer: torch.optim.Optimizer,
    accountant: PRVAccountant,
    sampler: ShardSampler,
) -> int:
    """Load the checkpoint at `path` into the run if it belongs to `identity`; return the
    step to start from (0 without a usable checkpoint).

    Rank 0 reads and broadcasts: other nodes of a multi-node run need not share its disk.
    A refused file stops every rank (not only rank 0, which would leave the others waiting).
    """
    rank, world = group.rank, group.world_size
    outcome: tuple[dict[str, Any] | None, Exception | None] = (None, None)
    if rank == 0 and path.exists():
        try:
            outcome = (read(path), None)
        except UnsafeCheckpointError as exc:
            outcome = (None, exc)
    state, error = group.from_rank0(outcome)
    if error is not None:
        raise error
    if state is None:
        return 0
    if state.get("identity") != identity:
        if rank == 0:
            log.warning("ignoring checkpoint %s: it belongs to another run or plan", path)
        return 0
    set_peft_model_state_dict(peft_model, state["lora"])
    optimizer.load_state_dict(state["optimizer"])
    history = state["accountant"]["history"]
    accountant.load_state_dict({"history": [tuple(h) for h in history], "mechanism": state["accountant"]["mechanism"]})
    start_step = int(state["step"])
    samplers = state.get("samplers")
    if sampler.generator is not None:
        if state.get("world_size") == world and samplers and samplers[rank] is not None:
            sampler.generator.set_state(samplers[rank])
        else:
            # Another world size shards differently; fresh (still independent) coins are as valid.
            sampler.generator.manual_seed(rank_seed(seed, rank, world, start_step))
    if rank == 0:
        log.info("resuming DP fine-tuning at step %d of %d from %s", start_step, steps, path)
    return start_step
