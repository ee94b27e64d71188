"""Metrics from the reports a run saves, and from the privacy ledger.

``EXTRACTORS`` maps a catalog dataset to the function that turns what the run saved into
``{metric name: value}``; :class:`~dp_instructions.tracking.run_log.PrivacyCheckedRun`
decides from the dataset's privacy class whether they may be logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from dp_instructions.tracking.run_log import metric_key

__all__ = ["EXTRACTORS", "epsilon_metrics", "timing_metrics"]

Metrics = dict[str, float]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _flat(prefix: str, values: Mapping[str, Any]) -> Metrics:
    return {metric_key(prefix, k): v for k, v in ((k, _number(v)) for k, v in values.items()) if v is not None}


def mauve_metrics(report: Mapping[str, Any]) -> Metrics:
    """``mauve.<representation>.<dataset>`` (mean over seeds) and its ``std``."""
    out: Metrics = {}
    for row in report.get("scores", []):
        key = metric_key("mauve", row["representation"], row["dataset"])
        out[key] = row["mean"]
        if _number(row.get("std")) is not None:
            out[f"{key}.std"] = row["std"]
    return out


def win_rate_metrics(report: Mapping[str, Any]) -> Metrics:
    """``win_rate.<model>`` against the report's baseline, its interval and unparseable count."""
    out: Metrics = {}
    for row in report.get("models", []):
        key = metric_key("win_rate", row["model"])
        if _number(row.get("win_rate")) is not None:
            out[key] = row["win_rate"]
        low, high = (row.get("interval") or [None, None])[:2]
        if _number(low) is not None and _number(high) is not None:
            out[f"{key}.low"], out[f"{key}.high"] = low, high
        out[f"{key}.unparseable"] = float(row.get("unparseable", 0))
    return out


def sampling_metrics(prefix: str) -> Callable[[Mapping[str, Any]], Metrics]:
    def extract(report: Mapping[str, Any]) -> Metrics:
        return _flat(f"{prefix}.counts", report.get("counts", {})) | _flat(
            f"{prefix}.throughput", report.get("throughput", {})
        )

    return extract


def resampling_metrics(report: Mapping[str, Any]) -> Metrics:
    out = _flat("resampling", {k: report.get(k) for k in ("K", "T", "resampled", "resampled_distinct", "duplicates")})
    out |= _flat("resampling", {"initial_samples_needed": report.get("initial_samples_needed")})
    out |= _flat("resampling.total_variation_to_noisy_real", report.get("total_variation_to_noisy_real", {}))
    return out


def annotation_metrics(report: Mapping[str, Any]) -> Metrics:
    return _flat("annotation", {k: v for k, v in report.items() if not isinstance(v, Mapping | list)})


def rlhf_metrics(report: Mapping[str, Any]) -> Metrics:
    policy = report.get("policy") or {}
    return _flat("rlhf", {"preference_pairs": report.get("preference_pairs")}) | _flat(
        "rlhf.policy", {k: v for k, v in policy.items() if not isinstance(v, Mapping | list)}
    )


EXTRACTORS: dict[str, Callable[[Mapping[str, Any]], Metrics]] = {
    "mauve_scores": mauve_metrics,
    "win_rate_report": win_rate_metrics,
    "sampling_report": sampling_metrics("sampling"),
    "public_only_sampling_report": sampling_metrics("public_only_sampling"),
    "resampling_report": resampling_metrics,
    "annotation_report": annotation_metrics,
    "rlhf_report": rlhf_metrics,
}


def epsilon_metrics(accounts: Iterable[Any], this_run: Iterable[Any] = ()) -> Metrics:
    """Per private dataset of the ledger (named by its catalog names): epsilon spent (the
    PRV composition of every release on it), remaining, the budget; and how many releases
    this run charged or reused."""
    out: Metrics = {}
    for account in accounts:
        name = "+".join(account.datasets) or account.fingerprint[:19]
        out[metric_key("epsilon_spent", name)] = account.spent
        out[metric_key("epsilon_remaining", name)] = account.remaining
        out[metric_key("epsilon_budget", name)] = account.budget.epsilon
    uses = list(this_run)
    out["releases.charged_this_run"] = float(sum(u.how == "charged" for u in uses))
    out["releases.reused_this_run"] = float(sum(u.how != "charged" for u in uses))
    return out


def timing_metrics(node_seconds: Mapping[str, float], run_seconds: float) -> Metrics:
    out = {metric_key("seconds", "node", name): s for name, s in node_seconds.items()}
    out["seconds.run"] = run_seconds
    return out
