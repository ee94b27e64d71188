"""The canary audit: rank arithmetic, the training loss reproduced exactly, and the
expected shape on a memorising and an unexposed tiny GPT-2."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
import torch

from dp_instructions.evaluation.canary_audit import (
    CONTROL,
    DP_GENERATOR,
    AuditedModel,
    audit_frame,
    exposure,
    fits_training_length,
    loss_rank,
    run_audit,
    sequence_losses,
    training_max_length,
)
from dp_instructions.evaluation.parameters import CanaryAuditConfig, CanarySamplingConfig
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.canaries import CANARY_SCHEMA
from dp_instructions.models.text_data import encode_instructions, sequence_loss
from tests.evaluation import fakes

CONFIG = CanaryAuditConfig(
    num_alternatives=60,
    num_unprompted_samples=16,
    greedy_max_new_tokens=16,
    sampling=CanarySamplingConfig(max_new_tokens=39),
    batch_size=64,
    device="cpu",
)


def test_rank_counts_strictly_lower_alternatives_and_ties_favour_the_canary():
    assert loss_rank(0.5, [0.6, 0.7, 0.9]) == 1
    assert loss_rank(0.8, [0.6, 0.7, 0.9]) == 3
    assert loss_rank(1.0, [0.6, 0.7, 0.9]) == 4
    assert loss_rank(0.7, [0.6, 0.7, 0.7, 0.9]) == 2  # ties count in the canary's favour
    with pytest.raises(InvalidInputError, match="not finite"):
        loss_rank(float("nan"), [0.1])
    with pytest.raises(InvalidInputError, match="non-empty"):
        loss_rank(0.1, [])


def test_exposure_is_log2_candidates_minus_log2_rank():
    assert exposure(1, 9_999) == pytest.approx(math.log2(10_000))
    assert exposure(10_000, 9_999) == 0.0
    assert exposure(4, 7) == pytest.approx(1.0)
    with pytest.raises(InvalidInputError):
        exposure(0, 10)


def test_losses_are_the_training_loss_at_the_training_length():
    artifact = fakes.memorising_generator()
    texts = fakes.texts(10, 5, fakes.REAL_MIX) + ["a much longer instruction " * 3]
    got = sequence_losses(artifact.model, artifact.tokenizer, texts, fakes.MAX_LENGTH, batch_size=4)
    ids, mask = encode_instructions(artifact.tokenizer, texts, fakes.MAX_LENGTH)
    with torch.no_grad():
        want = sequence_loss(artifact.model(input_ids=ids, attention_mask=mask).logits.float(), ids, mask)
    np.testing.assert_allclose(got, want.double().numpy(), rtol=1e-5, atol=1e-6)


def test_max_length_comes_from_parameter_metadata_or_position_limit():
    artifact = fakes.unexposed_generator()
    assert training_max_length(artifact, 33) == (33, "parameter evaluation.canary_audit.max_length")
    assert training_max_length(artifact, None) == (fakes.MAX_LENGTH, "metadata.training.max_length")
    bare = type(artifact)(model=artifact.model, tokenizer=artifact.tokenizer, metadata={})
    assert training_max_length(bare, None) == (fakes.MAX_LENGTH, "model position limit")


def test_texts_longer_than_the_training_length_are_flagged_and_a_long_canary_is_not_audited():
    tok = fakes.tokenizer()
    np.testing.assert_array_equal(
        fits_training_length(tok, ["word " * 60, "write a python function"], 40), [False, True]
    )
    long = fakes.canaries().with_columns(
        (pl.col("prefix") + "word " * 40 + pl.col("secret")).alias("text"),
        (pl.col("prefix") + "word " * 40 + "{secret}").alias("template"),
    )
    result = run_audit(long, [AuditedModel(DP_GENERATOR, fakes.unexposed_generator())], CONFIG, control="x")
    assert [r["status"].split(":")[0] for r in result["rows"]] == ["not auditable"] * 2
    assert audit_frame(result)["rank"].null_count() == 2


def test_memorising_control_ranks_and_leaks_the_repeated_canary_and_the_unexposed_model_does_not():
    canaries = fakes.canaries()
    models = [
        AuditedModel(DP_GENERATOR, fakes.unexposed_generator()),
        AuditedModel(CONTROL, fakes.memorising_generator()),
    ]
    released = {DP_GENERATOR: ["an unrelated synthetic instruction", canaries["text"][0]]}
    result = run_audit(canaries, models, CONFIG, released=released, control="included")

    assert result["status"] == "ok" and result["num_alternatives"] == 60
    assert set(result["models"]) == {DP_GENERATOR, CONTROL}
    assert result["models"][DP_GENERATOR]["max_length"] == fakes.MAX_LENGTH
    rows = {(r["model"], r["repetitions"]): r for r in result["rows"]}
    assert len(result["rows"]) == canaries.height * 2
    for r in result["rows"]:
        assert r["status"] == "ok" and r["alternatives_used"] == 60
        assert 1 <= r["rank"] <= 61 and r["exposure"] == pytest.approx(exposure(r["rank"], 60))
        assert r["unprompted_hits"] is not None
    control = rows[(CONTROL, 30)]
    assert control["rank"] == 1 and control["leaked_greedy"] and control["loss"] < control["median_alternative_loss"]
    dp = rows[(DP_GENERATOR, 30)]
    assert dp["rank"] > 1 and not dp["leaked_greedy"] and not dp["leaked_unprompted"]
    # The released set is searched for the DP generator only; here it holds canary 0.
    assert rows[(DP_GENERATOR, 1)]["leaked_in_release"] is True and dp["leaked_in_release"] is False
    assert rows[(CONTROL, 1)]["released_hits"] is None

    frame = audit_frame(result)
    assert frame.height == 4 and {"rank", "exposure", "leaked_greedy"} <= set(frame.columns)


def test_no_canaries_is_reported_not_failed():
    empty = pl.DataFrame(schema=CANARY_SCHEMA)
    result = run_audit(empty, [AuditedModel(DP_GENERATOR, fakes.unexposed_generator())], CONFIG, control="not built")
    assert result["status"] == "no_canaries" and result["rows"] == []
    assert "dataset `canaries` is empty" in result["message"]
    assert audit_frame(result).height == 0


def test_malformed_canaries_name_the_dataset_and_row():
    canaries = fakes.canaries()
    with pytest.raises(InvalidInputError, match="dataset `canaries` lacks column"):
        run_audit(canaries.drop("prefix"), [], CONFIG, control="")
    broken = canaries.with_columns(pl.lit("something else").alias("text"))
    with pytest.raises(InvalidInputError, match="canary-phone-x1-0"):
        run_audit(broken, [], CONFIG, control="")
