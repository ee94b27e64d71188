"""What privacy was spent, read back from the privacy ledger (paper, Appendix F.4).

Per private dataset (ledger fingerprint): its budget, the epsilon of each stage's
releases composed on their own, the composition of *everything* charged to it (the
figure the guarantee rests on: PRV accountant upper bound at the budget's delta, never a
sum), the parameters of every release and whether its noise came from a fixed seed (a
fixed seed makes that release reproducible and NOT private).

Budgets are per dataset: the train, validation and test splits are disjoint sets of
instructions, so releases on different splits do not compose with each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from dp_instructions.privacy.accounting import compose_epsilon
from dp_instructions.privacy.ledger import LedgerRecord, PrivacyLedger


def release_row(record: LedgerRecord) -> dict[str, Any]:
    return {
        "seq": record.seq,
        "release_id": record.release_id,
        "time": record.time,
        "run_id": record.run_id,
        "stage": record.stage,
        "dataset": record.dataset,
        "mechanisms": [m.to_dict() for m in record.mechanisms],
        "parameters": record.parameters,
        "epsilon": record.epsilon,
        "epsilon_total_after": record.epsilon_total,
        "noise_private": record.private,
        "noise_seed": record.noise.get("seed"),
        "code_version": record.code_version,
    }


def build_privacy_report(ledger: PrivacyLedger) -> dict[str, Any]:
    """Everything the ledger holds, composed per dataset and per stage; JSON-ready."""
    records = ledger.records()  # verifies the hash chain: a broken ledger fails here
    datasets = []
    for account in ledger.accounts():
        delta = account.budget.delta
        by_stage: dict[str, list[LedgerRecord]] = {}
        for r in account.releases:
            by_stage.setdefault(r.stage, []).append(r)
        stages = [
            {
                "stage": stage,
                "releases": len(recs),
                "epsilon": compose_epsilon([m for r in recs for m in r.mechanisms], delta, ledger.precision),
                "fixed_seed_releases": sum(not r.private for r in recs),
            }
            for stage, recs in by_stage.items()
        ]
        datasets.append(
            {
                "fingerprint": account.fingerprint,
                "datasets": list(account.datasets),
                "dataset_size": account.dataset_size,
                "budget": {"epsilon": account.budget.epsilon, "delta": delta},
                "epsilon_spent": account.spent,
                "epsilon_remaining": account.remaining,
                "all_private": account.all_private,
                "stages": stages,
                "releases": [release_row(r) for r in account.releases],
            }
        )
    fixed = [r.release_id for r in records if not r.private]
    return {
        "ledger": ledger.location,
        "records": len(records),
        "head_hash": records[-1].hash if records else None,
        "run_id": ledger.run_id,
        "accountant": "PRV accountant (prv-accountant), upper bound on epsilon at each dataset's budget delta",
        "datasets": datasets,
        "any_fixed_seed": bool(fixed),
        "fixed_seed_releases": fixed,
        "this_run_releases": [r.release_id for r in records if ledger.run_id is not None and r.run_id == ledger.run_id],
    }


def stages_frame(report: Mapping[str, Any]) -> pl.DataFrame:
    """One row per (dataset, stage) plus a composed total row per dataset."""
    rows = []
    for d in report["datasets"]:
        name = ", ".join(d["datasets"]) or d["fingerprint"][:19]
        for s in d["stages"]:
            rows.append(
                {
                    "dataset": name,
                    "N": d["dataset_size"],
                    "stage": s["stage"],
                    "releases": s["releases"],
                    "epsilon": s["epsilon"],
                    "delta": d["budget"]["delta"],
                    "fixed_seed": s["fixed_seed_releases"] > 0,
                }
            )
        rows.append(
            {
                "dataset": name,
                "N": d["dataset_size"],
                "stage": f"TOTAL (budget {d['budget']['epsilon']:g})",
                "releases": len(d["releases"]),
                "epsilon": d["epsilon_spent"],
                "delta": d["budget"]["delta"],
                "fixed_seed": not d["all_private"],
            }
        )
    schema = {
        "dataset": pl.Utf8,
        "N": pl.Int64,
        "stage": pl.Utf8,
        "releases": pl.Int64,
        "epsilon": pl.Float64,
        "delta": pl.Float64,
        "fixed_seed": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema)
