import polars as pl
import pytest
from pydantic import ValidationError

from dp_instructions.cleansing.parameters import SplitSizes
from dp_instructions.cleansing.split import split_instructions
from dp_instructions.exceptions import InvalidInputError

FRAME = pl.DataFrame(
    {"id": [f"c{i}" for i in range(100)], "text": [f"t{i}" for i in range(100)], "language": ["English"] * 100}
)


def test_fractions_and_counts():
    train, val, test = split_instructions(FRAME, SplitSizes(train=0.8, val=0.05), seed=1)
    assert (train.height, val.height, test.height) == (80, 5, 15)
    assert train.columns == ["id", "text"]
    ids = train["id"].to_list() + val["id"].to_list() + test["id"].to_list()
    assert sorted(ids) == sorted(FRAME["id"].to_list())
    train2, _, _ = split_instructions(FRAME, SplitSizes(train=0.8, val=0.05), seed=1)
    assert train2.equals(train)
    t, v, r = split_instructions(FRAME, SplitSizes(train=60, val=10), seed=2)
    assert (t.height, v.height, r.height) == (60, 10, 30)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"train": 0.9, "val": 0.2}, "sum to"),
        ({"train": 1.5, "val": 0.1}, r"train\n.*fraction"),
        ({"train": "a", "val": 1}, r"train\.int\n.*valid integer"),
        ({"train": -3, "val": 1}, r"train\n.*>= 0"),
        ({"train": True, "val": 1}, r"train\.int\n.*valid integer"),
        ({"train": 0.5, "tset": 0.1}, "tset"),
    ],
)
def test_bad_split_parameters(raw, fragment):
    with pytest.raises(ValidationError, match=fragment):
        SplitSizes.model_validate(raw)


def test_counts_that_do_not_fit_are_named():
    with pytest.raises(InvalidInputError, match="data_cleansing.split"):
        split_instructions(FRAME, SplitSizes(train=90, val=20), seed=0)
