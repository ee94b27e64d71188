"""What a teacher run cost and how it went: counts by outcome (every request is in exactly
one), failure reasons, token usage, latency and throughput."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from dp_instructions.alignment.teachers.base import AnswerStatus, TeacherRun

__all__ = ["summarise_run"]


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return int(sum(known)) if known else None


def summarise_run(run: TeacherRun, identity: Mapping[str, Any]) -> dict[str, Any]:
    answers = run.answers
    by_status = Counter(a.status.value for a in answers)
    sent = [a for a in answers if not a.cached]
    latencies = np.array([a.latency_s for a in sent], dtype=float)
    reasons = Counter(a.reason for a in answers if a.status is not AnswerStatus.OK and a.reason)
    report: dict[str, Any] = {
        "teacher": dict(identity),
        "requests": len(answers),
        "outcomes": {s.value: by_status.get(s.value, 0) for s in AnswerStatus},
        "from_cache": len(answers) - len(sent),
        "sent": len(sent),
        "http_attempts": run.requests_sent,
        "retried_requests": sum(1 for a in sent if a.attempts > 1),
        "prompts_truncated": sum(1 for a in answers if a.prompt_truncated_tokens),
        "not_ok_reasons": dict(reasons.most_common()),
        "tokens": {
            "prompt": _sum([a.prompt_tokens for a in sent]),
            "completion": _sum([a.completion_tokens for a in sent]),
        },
        "latency_s": (
            {
                "mean": float(latencies.mean()),
                "p50": float(np.percentile(latencies, 50)),
                "p95": float(np.percentile(latencies, 95)),
                "max": float(latencies.max()),
            }
            if len(latencies)
            else None
        ),
        "wall_s": run.wall_s,
        "requests_per_s": len(sent) / run.wall_s if run.wall_s > 0 and sent else None,
        **run.extra,
    }
    assert sum(report["outcomes"].values()) == report["requests"]
    return report
