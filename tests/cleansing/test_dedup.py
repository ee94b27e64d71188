import polars as pl
import pytest

from dp_instructions.cleansing.dedup import decontaminate, drop_exact_duplicates, drop_ngram_duplicates
from dp_instructions.exceptions import InvalidInputError
from tests.cleansing.helpers import instructions

LONG = "please explain how the transformer attention mechanism works in simple words for a beginner"


def test_exact_duplicates_up_to_whitespace_keep_the_first_and_its_case():
    frame = instructions(["Hello  World", "hello world", "Hello World\n", "def f():\n    return 1"])
    kept, dropped = drop_exact_duplicates(frame)
    assert kept["text"].to_list() == ["Hello  World", "hello world", "def f():\n    return 1"]
    assert dropped["id"].to_list() == ["c2"]
    assert dropped["detail"].to_list() == ["of c0"]


def test_ngram_duplicates_point_to_the_first_holder():
    frame = instructions([LONG, "unrelated short prompt", "Hi! " + LONG.upper() + " thanks"])
    kept, dropped = drop_ngram_duplicates(frame, 10)
    assert kept["id"].to_list() == ["c0", "c1"]
    assert dropped["reason"].to_list() == ["shares_10gram"]
    assert dropped["detail"].to_list() == ["shares a 10-gram with c0"]


def test_decontamination_drops_only_reference_matches():
    frame = instructions([LONG, "something else entirely"])
    reference = pl.DataFrame({"id": ["eval7"], "text": ["Q: " + LONG]})
    kept, dropped = decontaminate(frame, reference, 10)
    assert kept["id"].to_list() == ["c1"]
    assert dropped["reason"].to_list() == ["eval_contamination"]
    assert "eval7" in dropped["detail"][0]


def test_decontamination_names_bad_reference_column():
    with pytest.raises(InvalidInputError, match="`eval_reference_instructions` has no column `text`"):
        decontaminate(instructions(["x"]), pl.DataFrame({"prompt": ["x"]}), 10)


def test_empty_inputs():
    empty = instructions([])
    assert drop_exact_duplicates(empty)[0].height == 0
    assert drop_ngram_duplicates(empty, 10)[0].height == 0
    assert (
        decontaminate(empty, pl.DataFrame({"id": [], "text": []}, schema={"id": pl.Utf8, "text": pl.Utf8}), 10)[
            0
        ].height
        == 0
    )
