"""PII prevalence scan of an instruction split (paper, Figure 2).

It reports, it does not filter: the paper's point is that scrubbing PII is not enough
protection, DP is. Detectors are pluggable: any object with ``name``, ``category`` and
``detect(texts: pl.Series) -> pl.Series[bool]`` can be named by dotted path in the
parameters. Only aggregate counts leave this module, never matched text.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl

from dp_instructions.exceptions import InvalidInputError

CATEGORIES = ("full_names", "identifiers", "locations", "organisations", "job_titles", "dates_times")


class PiiDetector(Protocol):
    name: str
    category: str

    def detect(self, texts: pl.Series) -> pl.Series: ...


@dataclass(frozen=True)
class RegexDetector:
    """Flags texts matching a regular expression (Rust regex syntax, via Polars)."""

    name: str
    category: str
    pattern: str

    def detect(self, texts: pl.Series) -> pl.Series:
        return texts.str.contains(self.pattern).fill_null(False)


_FIRST_NAMES = (
    "James|John|Robert|Michael|William|David|Richard|Joseph|Thomas|Charles|Daniel|Matthew|Anthony|Mark|"
    "Paul|Steven|Andrew|Kevin|Brian|George|Edward|Peter|Jason|Ryan|Eric|Jacob|Kyle|Jose|Luis|Carlos|Juan|"
    "Ahmed|Mohammed|Ali|Raj|Arjun|Wei|Li|Chen|Hiroshi|Kenji|Ivan|Dmitri|Pierre|Hans|Mary|Patricia|Jennifer|"
    "Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Nancy|Lisa|Betty|Margaret|Sandra|Ashley|Emily|"
    "Michelle|Amanda|Melissa|Laura|Rebecca|Rachel|Anna|Emma|Olivia|Sophia|Maria|Fatima|Priya|Aisha|Yuki|"
    "Mei|Elena|Sofia|Julia|Jane|Alice|Kate|Claire|Hannah|Grace|Chloe|Zoe|Nina|Tom|Sam|Alex|Chris|Ben"
)
_TITLES = (
    r"software engineer|data scientist|nurse|doctor|physician|surgeon|teacher|professor|lawyer|attorney|"
    r"accountant|manager|director|ceo|cto|cfo|consultant|analyst|developer|designer|architect|pharmacist|"
    r"dentist|therapist|recruiter|sales representative|marketing manager|project manager|product manager|"
    r"engineer|electrician|plumber|chef|receptionist|secretary|paralegal|journalist|editor|librarian|"
    r"police officer|firefighter|student|intern|cashier|mechanic|pilot|scientist|researcher|professor"
)
_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"

DEFAULT_DETECTORS: tuple[RegexDetector, ...] = (
    RegexDetector(
        "titled_or_introduced_name",
        "full_names",
        r"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+\p{Lu}\p{Ll}+|(?i:my name is|i am|i'm|this is)\s+\p{Lu}\p{Ll}+\s+\p{Lu}\p{Ll}+)",
    ),
    RegexDetector("first_last_name", "full_names", rf"\b(?:{_FIRST_NAMES})\s+\p{{Lu}}\p{{Ll}}{{2,}}\b"),
    RegexDetector("email", "identifiers", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    RegexDetector("phone", "identifiers", r"(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"),
    RegexDetector("url", "identifiers", r"\bhttps?://\S+|\bwww\.\S+\.\w{2,}"),
    RegexDetector("national_id", "identifiers", r"\b\d{3}-\d{2}-\d{4}\b"),
    RegexDetector(
        "street_address",
        "locations",
        r"\b\d{1,5}\s+(?:\p{Lu}\p{Ll}+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl)\b\.?",
    ),
    RegexDetector(
        "postal_code", "locations", r"\b[A-Z]{2}\s\d{5}(?:-\d{4})?\b|\b\d{5}(?:-\d{4})?,?\s+(?:USA|United States)\b"
    ),
    RegexDetector(
        "organisation",
        "organisations",
        r"\b(?:\p{Lu}[\w&'-]*\s+){1,4}(?:Inc|Ltd|LLC|Corp|Corporation|Company|Co|GmbH|PLC|University|Hospital|Bank|Group|Foundation|Institute|Clinic)\b\.?",
    ),
    RegexDetector("job_title", "job_titles", rf"(?i)\b(?:{_TITLES})s?\b"),
    RegexDetector(
        "date",
        "dates_times",
        rf"\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b",
    ),
    RegexDetector("time", "dates_times", r"(?i)\b\d{1,2}:\d{2}\s?(?:am|pm)?\b|\b\d{1,2}\s?(?:am|pm)\b"),
)


def load_detectors(names: list[str] | None, parameter: str = "data_cleansing.pii.detectors") -> list[PiiDetector]:
    """`None` gives the defaults. Entries are default detector names or dotted paths
    `package.module:attribute` to a detector object (or a class instantiated with no args)."""
    if names is None:
        return list(DEFAULT_DETECTORS)
    by_name = {d.name: d for d in DEFAULT_DETECTORS}
    out: list[PiiDetector] = []
    for i, name in enumerate(names):
        if name in by_name:
            out.append(by_name[name])
            continue
        if not isinstance(name, str) or ":" not in name:
            raise InvalidInputError(
                f"parameter `{parameter}[{i}]` = {name!r} is neither a default detector "
                f"({sorted(by_name)}) nor a `module:attribute` path"
            )
        module, attr = name.split(":", 1)
        try:
            obj = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise InvalidInputError(f"parameter `{parameter}[{i}]`: cannot import {name!r}: {exc}") from exc
        det = obj() if isinstance(obj, type) else obj
        if not all(hasattr(det, a) for a in ("name", "category", "detect")):
            raise InvalidInputError(f"parameter `{parameter}[{i}]`: {name!r} has no name/category/detect")
        if det.category not in CATEGORIES:
            raise InvalidInputError(
                f"parameter `{parameter}[{i}]`: detector category {det.category!r} not one of {CATEGORIES}"
            )
        out.append(det)
    return out


def pii_prevalence(texts: pl.Series, detectors: list[PiiDetector], split: str = "instructions_train") -> dict[str, Any]:
    """Counts and shares of texts with at least one hit, per category and per detector."""
    n = len(texts)
    per_detector: dict[str, dict[str, Any]] = {}
    per_category = {c: pl.Series([False] * n, dtype=pl.Boolean) for c in CATEGORIES}
    any_hit = pl.Series([False] * n, dtype=pl.Boolean)
    for det in detectors:
        hits = det.detect(texts).cast(pl.Boolean)
        count = int(hits.sum())
        per_detector[det.name] = {"category": det.category, "texts": count, "share": count / n if n else 0.0}
        per_category[det.category] = per_category[det.category] | hits
        any_hit = any_hit | hits
    return {
        "split": split,
        "texts": n,
        "note": "aggregate counts only; detection is heuristic and reported, not filtered",
        "any_category": {"texts": int(any_hit.sum()), "share": float(any_hit.sum()) / n if n else 0.0},
        "categories": {
            c: {"texts": int(m.sum()), "share": float(m.sum()) / n if n else 0.0} for c, m in per_category.items()
        },
        "detectors": per_detector,
    }
