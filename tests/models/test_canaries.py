"""Canary construction, insertion and the audit's alternative secrets."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError

from dp_instructions.models.canaries import (
    CANARY_SCHEMA,
    CanaryParameters,
    audit_secrets,
    insert_canaries,
    make_canaries,
)


def test_canaries_off_gives_an_empty_typed_list_and_untouched_data():
    canaries = make_canaries(CanaryParameters(enabled=False))
    assert canaries.is_empty() and canaries.schema == pl.Schema(CANARY_SCHEMA)
    train = pl.DataFrame({"id": ["a"], "text": ["x"]})
    assert insert_canaries(train, canaries, 0).equals(train)


def test_each_canary_is_inserted_its_repetitions_and_the_prefix_precedes_the_secret():
    config = CanaryParameters.model_validate({"enabled": True, "repetitions": [1, 10, 100], "per_repetition": 2})
    canaries = make_canaries(config)
    assert canaries.height == 2 * 3 * 2 and canaries["secret"].n_unique() == canaries.height
    for row in canaries.iter_rows(named=True):
        assert row["text"] == row["prefix"] + row["secret"]
        assert row["template"].format(secret=row["secret"]) == row["text"]
    train = pl.DataFrame({"id": [f"r{i}" for i in range(500)], "text": [f"instruction {i}" for i in range(500)]})
    merged = insert_canaries(train, canaries, seed=1)
    assert merged.height == 500 + 2 * 2 * (1 + 10 + 100)
    counts = dict(merged.group_by("text").len().iter_rows())
    for row in canaries.iter_rows(named=True):
        assert counts[row["text"]] == row["repetitions"]
    assert merged["id"].n_unique() == merged.height
    assert insert_canaries(train, canaries, seed=1).equals(merged)  # seeded


def test_audit_secrets_are_distinct_and_exclude_the_canary():
    canary = make_canaries(CanaryParameters(enabled=True, repetitions=(1,), kinds=("phone",)))["secret"][0]
    secrets = audit_secrets("phone", canary, 2000, seed=3)
    assert len(set(secrets)) == 2000 and canary not in secrets


def test_the_default_canaries_are_the_demo_run_s():
    assert CanaryParameters().model_dump() == {
        "enabled": True,
        "repetitions": (1, 10, 100),
        "per_repetition": 1,
        "kinds": ("phone", "address"),
        "seed": 7,
    }


@pytest.mark.parametrize(
    "params, name",
    [
        ({"enabled": "yes"}, "enabled"),
        ({"repetitions": [0]}, "repetitions"),
        ({"repetitions": []}, "repetitions"),
        ({"repetitions": [True]}, "repetitions"),
        ({"kinds": ["ssn"]}, "kinds"),
        ({"per_repetition": 0}, "per_repetition"),
        ({"bogus": 1}, "bogus"),
    ],
)
def test_bad_parameters_name_the_parameter(params, name):
    with pytest.raises(ValidationError, match=name):
        CanaryParameters.model_validate(params)
