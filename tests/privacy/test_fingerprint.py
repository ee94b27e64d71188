"""Dataset fingerprints: content-defined, order-insensitive, a multiset."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy import fingerprint_frame, fingerprint_texts

TEXTS = ["write a poem about the sea", "how do I bake bread?", "résumé tips 🙂", ""]


def test_order_does_not_matter_content_does():
    fp = fingerprint_texts(TEXTS)
    assert fp.startswith("sha256:") and len(fp) == len("sha256:") + 64
    assert fingerprint_texts(list(reversed(TEXTS))) == fp
    assert fingerprint_texts(TEXTS[:-1]) != fp  # one row removed
    assert fingerprint_texts([*TEXTS, TEXTS[0]]) != fp  # a multiset: duplicates count
    assert fingerprint_texts([TEXTS[0] + " ", *TEXTS[1:]]) != fp
    assert fingerprint_texts([]) != fingerprint_texts([""])


def test_texts_and_frames_agree_and_names_do_not_matter():
    df = pl.DataFrame({"id": [3, 1, 2, 0], "instruction": TEXTS})
    assert fingerprint_frame(df, ["instruction"]) == fingerprint_texts(TEXTS)
    assert fingerprint_texts(df["instruction"]) == fingerprint_texts(TEXTS)
    assert fingerprint_frame(df.rename({"instruction": "text"}), ["text"]) == fingerprint_texts(TEXTS)
    assert fingerprint_frame(df) == fingerprint_frame(df.reverse())
    assert fingerprint_frame(df) != fingerprint_frame(df, ["instruction"])
    # column order is part of a row
    assert fingerprint_frame(df, ["id", "instruction"]) != fingerprint_frame(df, ["instruction", "id"])


def test_rich_values_are_fingerprinted_deterministically():
    df = pl.DataFrame(
        {
            "when": [dt.datetime(2024, 1, 1, 12), dt.datetime(2023, 5, 6)],
            "turns": [[{"role": "user", "content": "hi"}], []],
            "score": [0.1, None],
        }
    )
    assert fingerprint_frame(df) == fingerprint_frame(df.clone().reverse())
    assert fingerprint_frame(df) != fingerprint_frame(df.with_columns(pl.lit(0.2).alias("score")))


def test_bad_inputs():
    with pytest.raises(InvalidInputError, match="single string"):
        fingerprint_texts("not a list")
    with pytest.raises(InvalidInputError, match=r"texts\[1\]"):
        fingerprint_texts(["ok", None])
    with pytest.raises(InvalidInputError, match="not in the frame"):
        fingerprint_frame(pl.DataFrame({"a": ["x"]}), ["b"])
    with pytest.raises(InvalidInputError, match="polars DataFrame"):
        fingerprint_frame({"a": ["x"]})
