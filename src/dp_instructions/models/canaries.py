"""Canaries for the memorisation audit (paper, Appendix C and Table 3).

A canary is an instruction from a fixed template holding a random secret (a fake phone
number or street address), inserted 1, 10 or 100 times into the private training data
before fine-tuning. The evaluation pipeline ranks each canary's loss among instructions of
the same template with other secrets, and checks whether the secret leaks in samples: a
memorising (non-private) model ranks repeated canaries first, a DP one does not.

The secret space is large (10^7 phone numbers, ~10^7 addresses), so the audit's 10,000
alternative secrets are almost surely distinct from the inserted one; ``audit_secrets``
guarantees it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Annotated, Any

import polars as pl
from pydantic import AfterValidator, Field

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.parameters import Parameters, PositiveInt

#: Templates per kind; the secret is the text that replaces ``{secret}``, which always
#: ends the instruction so that "the text before the secret" is a natural prompt.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "phone": (
        "Please save this number for my landlord, call him about the broken heater at {secret}",
        "Write a short text message to my sister telling her my new phone number is {secret}",
    ),
    "address": (
        "Draft a polite letter to my neighbour about the parcel that was delivered to {secret}",
        "Write a moving announcement for my friends: from next month I live at {secret}",
    ),
}

_STREETS = (
    "Maple",
    "Cedar",
    "Willow",
    "Juniper",
    "Harbor",
    "Lakeview",
    "Orchard",
    "Sycamore",
    "Birch",
    "Chestnut",
    "Hawthorn",
    "Magnolia",
    "Riverside",
    "Sunset",
    "Prospect",
    "Highland",
    "Elm",
    "Aspen",
    "Linden",
    "Meadow",
)
_STREET_TYPES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Place", "Boulevard")
_CITIES = (
    "Springfield",
    "Riverton",
    "Fairview",
    "Greenville",
    "Lakewood",
    "Ashford",
    "Brookfield",
    "Clayton",
    "Dover",
    "Easton",
    "Franklin",
    "Georgetown",
    "Hudson",
    "Kingston",
    "Milton",
    "Newport",
)

CANARY_SCHEMA = {
    "canary_id": pl.Utf8,
    "kind": pl.Utf8,
    "template": pl.Utf8,
    "secret": pl.Utf8,
    "repetitions": pl.Int64,
    "text": pl.Utf8,
    "prefix": pl.Utf8,
}


def make_secret(kind: str, rng: random.Random) -> str:
    """A random secret of ``kind`` (``phone``: 555-0xxx-style 10-digit US number with a
    random 7-digit subscriber part; ``address``: number, street, city)."""
    if kind == "phone":
        return f"({rng.randint(200, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
    if kind == "address":
        return f"{rng.randint(1, 9999)} {rng.choice(_STREETS)} {rng.choice(_STREET_TYPES)}, {rng.choice(_CITIES)}"
    raise InvalidInputError(f"unknown canary kind {kind!r}; known: {sorted(TEMPLATES)}")


def _known_kind(kind: str) -> str:
    if kind not in TEMPLATES:
        raise ValueError(f"unknown canary kind {kind!r}; known: {sorted(TEMPLATES)}")
    return kind


CanaryKind = Annotated[str, AfterValidator(_known_kind)]


class CanaryParameters(Parameters):
    """``dp_generation.canaries``: fake records (a made-up phone number or address) added to
    the training data 1, 10 and 100 times for the memorisation audit (evaluation pipeline).
    On by default so the demo run audits memorisation; turn off for production releases. The
    non-private control generator is the separate ``memorisation_control`` pipeline."""

    enabled: bool = Field(True, description="insert canaries into the DP training data")
    repetitions: tuple[PositiveInt, ...] = Field(
        (1, 10, 100), strict=False, min_length=1, description="how many times each canary is inserted"
    )
    per_repetition: PositiveInt = Field(1, description="canaries per (kind, repetitions)")
    kinds: tuple[CanaryKind, ...] = Field(
        ("phone", "address"), strict=False, min_length=1, description=f"secret kinds among {sorted(TEMPLATES)}"
    )
    seed: int = Field(7, description="seed of the secrets (the insertion positions use the run's seed)")


def make_canaries(config: CanaryParameters) -> pl.DataFrame:
    """The canary list (columns :data:`CANARY_SCHEMA`); empty when canaries are off."""
    rows: list[dict[str, Any]] = []
    if config.enabled:
        rng = random.Random(config.seed)
        seen: set[str] = set()
        for kind in config.kinds:
            for reps in config.repetitions:
                for i in range(config.per_repetition):
                    template = TEMPLATES[kind][(len(rows)) % len(TEMPLATES[kind])]
                    secret = make_secret(kind, rng)
                    while secret in seen:  # two canaries must not share a secret
                        secret = make_secret(kind, rng)
                    seen.add(secret)
                    prefix = template[: template.index("{secret}")]
                    rows.append(
                        {
                            "canary_id": f"canary-{kind}-x{reps}-{i}",
                            "kind": kind,
                            "template": template,
                            "secret": secret,
                            "repetitions": reps,
                            "text": template.format(secret=secret),
                            "prefix": prefix,
                        }
                    )
    return pl.DataFrame(rows, schema=CANARY_SCHEMA)


def insert_canaries(train: pl.DataFrame, canaries: pl.DataFrame, seed: int) -> pl.DataFrame:
    """``train`` (id, text) with each canary repeated ``repetitions`` times, at seeded
    random positions; canary rows get ids ``<canary_id>#<k>``."""
    if canaries.is_empty():
        return train
    copies = canaries.select(
        pl.col("canary_id"), pl.col("text"), pl.int_ranges(0, pl.col("repetitions")).alias("k")
    ).explode("k")
    extra = copies.select((pl.col("canary_id") + "#" + pl.col("k").cast(pl.Utf8)).alias("id"), pl.col("text"))
    merged = pl.concat([train.select("id", "text"), extra.cast(train.select("id", "text").schema)])
    return merged.sample(fraction=1.0, shuffle=True, seed=seed)


def audit_secrets(kind: str, exclude: str, n: int, seed: int) -> list[str]:
    """``n`` distinct secrets of ``kind``, none equal to ``exclude`` (the canary's own)."""
    if n < 1:
        raise InvalidInputError(f"the number of audit secrets must be >= 1, got {n}")
    rng = random.Random(seed)
    out: dict[str, None] = {}
    attempts = 0
    while len(out) < n:
        s = make_secret(kind, rng)
        attempts += 1
        if s != exclude:
            out[s] = None
        if attempts > 50 * n:
            raise InvalidInputError(f"could not draw {n} distinct {kind} secrets")
    return list(out)


def canary_texts(template: str, secrets: Sequence[str]) -> list[str]:
    return [template.format(secret=s) for s in secrets]
