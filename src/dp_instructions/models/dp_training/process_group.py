"""This process's place in a (possibly one-process) DP training run, and the collective
operations the loop needs: sums, agreement checks, gathering and broadcasting from rank 0.

Why a wrapper: one process needs no ``torch.distributed`` group at all, and the loop
should not branch on that at every collective. Every rank of a distributed run must make
the same collective calls in the same order, so the loop also checks up front that every
rank got the same data, plan and base weights (:func:`check_same_plan`,
:func:`replica_fingerprint`) instead of hanging or silently training different models.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist

from dp_instructions.exceptions import InvalidInputError


@dataclass(frozen=True)
class Group:
    """This process's place in the run; ``world_size`` 1 needs no process group."""

    rank: int
    world_size: int
    device: torch.device  # where collective tensors live (CUDA for NCCL)

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    def sum(self, values: torch.Tensor) -> torch.Tensor:
        if self.distributed:
            dist.all_reduce(values, op=dist.ReduceOp.SUM)
        return values

    def agree(self, values: torch.Tensor) -> bool:
        """Whether every rank holds bitwise the same ``values``."""
        if not self.distributed:
            return True
        low, high = values.clone(), values.clone()
        dist.all_reduce(low, op=dist.ReduceOp.MIN)
        dist.all_reduce(high, op=dist.ReduceOp.MAX)
        return bool(torch.equal(low, high))

    def gather(self, obj: Any) -> list[Any]:
        if not self.distributed:
            return [obj]
        out: list[Any] = [None] * self.world_size
        dist.all_gather_object(out, obj)
        return out

    def from_rank0(self, obj: Any) -> Any:
        if not self.distributed:
            return obj
        box = [obj]
        dist.broadcast_object_list(box, src=0)
        return box[0]


def all_reduce_flat(tensors: list[torch.Tensor], divide_by: int = 1) -> None:
    """Sum `tensors` over the ranks in place (then divide), with one collective call
    instead of one per tensor (hundreds of LoRA tensors on a large model)."""
    if not tensors:
        return
    flat = torch.cat([t.reshape(-1) for t in tensors])
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    if divide_by != 1:
        flat /= divide_by
    offset = 0
    for t in tensors:
        t.copy_(flat[offset : offset + t.numel()].view_as(t))
        offset += t.numel()


def replica_fingerprint(tensors: Sequence[torch.Tensor], device: torch.device) -> torch.Tensor:
    """Per tensor, the float64 sum and L2 norm: cheap, and any divergence between replicas
    changes them (short of an exact cancellation)."""
    # vector_norm with a dtype accumulates in float64 without a float64 copy of the tensor.
    rows = [
        torch.stack([t.detach().sum(dtype=torch.float64), torch.linalg.vector_norm(t.detach(), dtype=torch.float64)])
        for t in tensors
    ]
    return torch.stack(rows).to(device) if rows else torch.zeros((0, 2), dtype=torch.float64, device=device)


def texts_digest(texts: Sequence[str]) -> str:
    """SHA-256 of the texts in order (to compare what each rank was given)."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def check_same_plan(group: Group, plan: dict[str, Any]) -> None:
    """Raise, naming the keys, if any rank was started with another `plan` than rank 0."""
    plans = group.gather(plan)
    for rank, other in enumerate(plans):
        wrong = sorted(k for k in plan if other.get(k) != plans[0].get(k))
        if wrong:
            raise InvalidInputError(
                f"rank {rank} was started with a different {', '.join(f'`{k}`' for k in wrong)} than rank 0 "
                f"({', '.join(f'{k}={other.get(k)!r} vs {plans[0].get(k)!r}' for k in wrong)}); every process "
                "of a distributed run must get the same data, plan and configuration"
            )
