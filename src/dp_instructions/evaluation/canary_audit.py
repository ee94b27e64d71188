"""Memorisation audit with canaries (paper, Table 3).

For every inserted canary and every audited generator (the DP generator and, when it was
built, the non-private control trained on the same data):

* **rank**: the canary's loss among ``num_alternatives`` instructions of the same
  template with other secrets (:func:`~dp_instructions.models.canaries.audit_secrets`),
  with the loss the trainer minimised (:func:`~dp_instructions.models.text_data.encode_instructions`
  + :func:`~dp_instructions.models.text_data.sequence_loss`). Rank 1 means the model
  prefers the real secret to every alternative; a model that never saw the canary puts
  it anywhere, about (n + 1) / 2 on average. Exposure (Carlini et al., 2019) is
  ``log2(n + 1) - log2(rank)``: 0 when the canary ranks last, ``log2(n + 1)`` at rank 1;
* **unprompted leak**: whether the secret appears verbatim in ``num_unprompted_samples``
  unconditional samples (nucleus sampling as in generation), and, for the DP generator,
  in the released ``synthetic_initial``;
* **prompted leak**: whether the greedy completion of the text before the secret
  contains the secret.

Expected shape (paper): the control ranks canaries repeated 10 or 100 times at or near 1
and leaks them; the DP generator ranks them like any other secret and leaks none.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import torch
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.evaluation.parameters import CanaryAuditConfig
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.artifact import GeneratorArtifact
from dp_instructions.models.canaries import CANARY_SCHEMA, audit_secrets, canary_texts
from dp_instructions.models.device import pick_device
from dp_instructions.models.sampling import SamplingConfig, sample_instructions
from dp_instructions.models.text_data import encode_instructions, sequence_loss

log = logging.getLogger(__name__)

DP_GENERATOR = "dp_generator"
CONTROL = "nonprivate_control"
RANK_DEFINITION = (
    "1 + number of alternatives with a strictly lower loss (ties go to the canary, which "
    "overstates memorisation: the safe direction for an audit)"
)


@dataclass(frozen=True)
class AuditedModel:
    name: str
    artifact: GeneratorArtifact


def loss_rank(canary_loss: float, alternative_losses: npt.ArrayLike) -> int:
    """Rank of the canary's loss among the alternatives: 1 + how many are strictly lower."""
    alternatives = np.asarray(alternative_losses, dtype=np.float64)
    if alternatives.ndim != 1 or alternatives.size == 0:
        raise InvalidInputError("the audit needs a non-empty 1-d array of alternative losses")
    if not (math.isfinite(canary_loss) and np.isfinite(alternatives).all()):
        raise InvalidInputError("a loss in the canary audit is not finite")
    return 1 + int(np.count_nonzero(alternatives < canary_loss))


def exposure(rank: int, num_alternatives: int) -> float:
    """Carlini et al. (2019): log2 of the candidate count minus log2 of the rank."""
    if not 1 <= rank <= num_alternatives + 1:
        raise InvalidInputError(f"rank {rank} is outside [1, {num_alternatives + 1}]")
    return math.log2(num_alternatives + 1) - math.log2(rank)


def position_limit(model: PreTrainedModel) -> int | None:
    config = model.config
    return getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None)


def training_max_length(artifact: GeneratorArtifact, override: int | None) -> tuple[int, str]:
    """The padded length the generator was trained with (the divisor of its sequence
    loss), and where it came from: the parameter, the artefact's metadata, or the model's
    position limit (equal to the training length for the embedded small GPT-2)."""
    if override is not None:
        return override, "parameter evaluation.canary_audit.max_length"
    meta = artifact.metadata or {}
    training = meta.get("training")
    for where, value in (
        ("metadata.training.max_length", training.get("max_length") if isinstance(training, Mapping) else None),
        ("metadata.max_length", meta.get("max_length")),
    ):
        if isinstance(value, int) and not isinstance(value, bool) and value > 2:
            return value, where
    limit = position_limit(artifact.model)
    if limit is None:
        raise InvalidInputError(
            "the generator's training max_length is not in its metadata and its config has no position "
            "limit; set parameter `evaluation.canary_audit.max_length`"
        )
    return int(limit), "model position limit"


@torch.inference_mode()
def sequence_losses(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    max_length: int,
    batch_size: int = 256,
    desc: str = "canary losses",
) -> npt.NDArray[np.float64]:
    """The training loss of each text: ``sequence_loss`` of ``encode_instructions`` at the
    training ``max_length``. Each batch runs only up to its longest sequence: positions
    after it are padding, which a causal model's earlier logits never see, so only the
    divisor changes, and it is put back to ``max_length``."""
    ids, mask = encode_instructions(tokenizer, texts, max_length)
    device = next(model.parameters()).device
    model.eval()
    out = []
    for start in tqdm(range(0, len(ids), batch_size), desc=desc, leave=False):
        m = mask[start : start + batch_size]
        width = int(m.sum(dim=1).max())
        x = ids[start : start + batch_size, :width].to(device)
        m = m[:, :width].to(device)
        logits = model(input_ids=x, attention_mask=m).logits.float()
        out.append((sequence_loss(logits, x, m) * (width / max_length)).cpu())
    return torch.cat(out).double().numpy()


def fits_training_length(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], max_length: int
) -> npt.NDArray[np.bool_]:
    """Which texts fit ``max_length`` with ``<bos>``/``<eos>``. Training cut longer texts,
    so a longer text's secret was (partly) never seen, and its loss is not comparable."""
    lengths = np.array([len(t) for t in tokenizer(list(texts), add_special_tokens=False)["input_ids"]])
    return lengths <= max_length - 2


@torch.inference_mode()
def greedy_completion(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, prompt: str, max_new_tokens: int
) -> str:
    """Greedy continuation of ``<bos> prompt``. The prompt is the text before the secret
    without its trailing space: byte-level BPE fuses that space into the secret's first
    token, so a prompt ending in a bare space is a token sequence training never showed."""
    device = next(model.parameters()).device
    ids = [tokenizer.bos_token_id, *tokenizer(prompt.rstrip(), add_special_tokens=False)["input_ids"]]
    limit = position_limit(model)
    budget = max_new_tokens if limit is None else min(max_new_tokens, limit - len(ids))
    if budget < 1:
        raise InvalidInputError(f"the canary prompt {prompt!r} fills the model's {limit} positions")
    x = torch.tensor([ids], dtype=torch.long, device=device)
    out = model.generate(
        input_ids=x,
        attention_mask=torch.ones_like(x),
        do_sample=False,
        max_new_tokens=budget,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return tokenizer.decode(out[0, len(ids) :], skip_special_tokens=True)


def unprompted_samples(artifact: GeneratorArtifact, config: CanaryAuditConfig) -> list[str]:
    if config.num_unprompted_samples == 0:
        return []
    limit = position_limit(artifact.model)
    sampling = config.sampling
    new_tokens = sampling.max_new_tokens if limit is None else min(sampling.max_new_tokens, limit - 1)
    texts, _ = sample_instructions(
        artifact.model,
        artifact.tokenizer,
        SamplingConfig(
            num_samples=config.num_unprompted_samples,
            batch_size=sampling.batch_size,
            max_new_tokens=new_tokens,
            top_p=sampling.top_p,
            temperature=sampling.temperature,
            seed=config.seed,
        ),
    )
    return texts


def check_canaries(canaries: pl.DataFrame) -> None:
    if not isinstance(canaries, pl.DataFrame):
        raise InvalidInputError(f"dataset `canaries` must load as a polars DataFrame, got {type(canaries).__name__}")
    missing = [c for c in CANARY_SCHEMA if c not in canaries.columns]
    if missing:
        raise InvalidInputError(f"dataset `canaries` lacks column(s) {missing} (columns: {canaries.columns})")
    for row in canaries.iter_rows(named=True):
        template, secret = row["template"], row["secret"]
        if "{secret}" not in (template or "") or template.format(secret=secret) != row["text"]:
            raise InvalidInputError(
                f"dataset `canaries`, row {row['canary_id']!r}: `text` is not `template` with `secret` filled in"
            )


def _json_safe(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def run_audit(
    canaries: pl.DataFrame,
    models: Sequence[AuditedModel],
    config: CanaryAuditConfig,
    *,
    released: Mapping[str, Sequence[str]] | None = None,
    control: str,
) -> dict[str, Any]:
    """The audit of every canary under every model; JSON-ready. ``released`` maps a model
    name to texts it already released (the DP generator's ``synthetic_initial``), which
    are searched for the secrets too. ``control`` says why the control is or is not in."""
    check_canaries(canaries)
    base = {
        "num_alternatives": config.num_alternatives,
        "num_unprompted_samples": config.num_unprompted_samples,
        "rank_definition": RANK_DEFINITION,
        "control": control,
        "models": {},
        "rows": [],
    }
    if canaries.is_empty():
        message = (
            "dataset `canaries` is empty: no canaries were inserted into the training data "
            "(`dp_generation.canaries.enabled` is off), so there is nothing to audit. Enable them and "
            "re-run dp_generation to get the memorisation audit"
        )
        log.warning("canary audit: %s", message)
        return {"status": "no_canaries", "message": message, **base}

    device = pick_device(config.device)
    audit_sets = []
    for row in canaries.iter_rows(named=True):
        secrets = audit_secrets(row["kind"], exclude=row["secret"], n=config.num_alternatives, seed=config.seed)
        audit_sets.append((row, [row["text"], *canary_texts(row["template"], secrets)]))

    rows = []
    for audited in models:
        model, tokenizer = audited.artifact.model.to(device).eval(), audited.artifact.tokenizer
        max_length, source = training_max_length(audited.artifact, config.max_length)
        log.info(
            "canary audit of %s: %d canaries x %d alternatives, max_length %d (%s)",
            audited.name,
            canaries.height,
            config.num_alternatives,
            max_length,
            source,
        )
        samples = unprompted_samples(audited.artifact, config)
        release = list((released or {}).get(audited.name) or [])
        base["models"][audited.name] = {
            "max_length": max_length,
            "max_length_source": source,
            "unprompted_samples": len(samples),
            "released_texts_searched": len(release) if audited.name in (released or {}) else None,
            "metadata": _json_safe(audited.artifact.metadata),
        }
        for row, texts in audit_sets:
            ident = {
                "model": audited.name,
                "canary_id": row["canary_id"],
                "kind": row["kind"],
                "repetitions": row["repetitions"],
                "secret": row["secret"],
            }
            fits = fits_training_length(tokenizer, texts, max_length)
            if not fits[0]:
                log.warning("canary %s does not fit max_length %d: not auditable", row["canary_id"], max_length)
                rows.append(
                    {
                        **ident,
                        "status": f"not auditable: longer than max_length={max_length}, so "
                        "training never saw its whole secret",
                    }
                )
                continue
            # Alternatives that training would have cut are left out (their loss misses
            # part of the secret); how many remain is reported.
            kept = [texts[0], *(t for t, ok in zip(texts[1:], fits[1:]) if ok)]
            losses = sequence_losses(
                model, tokenizer, kept, max_length, config.batch_size, desc=f"{audited.name}: {row['canary_id']}"
            )
            rank = loss_rank(losses[0], losses[1:])
            completion = greedy_completion(model, tokenizer, row["prefix"], config.greedy_max_new_tokens)
            hits = sum(row["secret"] in s for s in samples)
            release_hits = sum(row["secret"] in s for s in release) if audited.name in (released or {}) else None
            rows.append(
                {
                    **ident,
                    "status": "ok",
                    "alternatives_used": len(kept) - 1,
                    "loss": float(losses[0]),
                    "median_alternative_loss": float(np.median(losses[1:])),
                    "rank": rank,
                    "exposure": exposure(rank, len(kept) - 1),
                    "unprompted_hits": hits if samples else None,
                    "leaked_unprompted": hits > 0 if samples else None,
                    "released_hits": release_hits,
                    "leaked_in_release": None if release_hits is None else release_hits > 0,
                    "greedy_completion": completion,
                    "leaked_greedy": row["secret"] in completion,
                }
            )
            r = rows[-1]
            log.info(
                "  %s x%d: rank %d/%d (exposure %.1f), greedy leak %s, sample hits %s",
                r["canary_id"],
                r["repetitions"],
                rank,
                len(kept),
                r["exposure"],
                r["leaked_greedy"],
                hits,
            )
        audited.artifact.model.to("cpu")
    dp_leaks = [
        r["canary_id"]
        for r in rows
        if r["model"] == DP_GENERATOR
        and (r.get("leaked_greedy") or r.get("leaked_unprompted") or r.get("leaked_in_release"))
    ]
    if dp_leaks:
        log.warning("canary audit: the DP generator reproduces the secret of %s", ", ".join(dp_leaks))
    return {"status": "ok", "message": "", **base, "rows": rows}


AUDIT_COLUMNS = {
    "model": pl.Utf8,
    "canary_id": pl.Utf8,
    "kind": pl.Utf8,
    "repetitions": pl.Int64,
    "status": pl.Utf8,
    "rank": pl.Int64,
    "alternatives_used": pl.Int64,
    "exposure": pl.Float64,
    "leaked_unprompted": pl.Boolean,
    "leaked_in_release": pl.Boolean,
    "leaked_greedy": pl.Boolean,
}


def audit_frame(result: Mapping[str, Any]) -> pl.DataFrame:
    """One row per (model, canary): rank, exposure and the three leak checks."""
    rows = [{c: r.get(c) for c in AUDIT_COLUMNS} for r in result["rows"]]
    return pl.DataFrame(rows, schema=AUDIT_COLUMNS).sort(["model", "kind", "repetitions"])
