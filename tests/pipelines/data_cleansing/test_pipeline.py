"""The data_cleansing pipeline on a hand-built raw frame, run by Kedro's SequentialRunner."""

from __future__ import annotations

import polars as pl
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from dp_instructions.cleansing.parameters import DataCleansingParameters
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.pipelines.data_cleansing import create_pipeline
from dp_instructions.pipelines.data_cleansing.nodes import STEPS
from tests.cleansing.conftest import conversation_row as row
from tests.cleansing.conftest import moderation, raw_frame

PARAMS = DataCleansingParameters()
LONG = "could you explain step by step how binary search works on a sorted array of integers"


def raw_conversations() -> pl.DataFrame:
    rows = [
        row(f"ok{i}", f"Prompt number {i}: tell me a fact about the animal {a}.")
        for i, a in enumerate(["cat", "dog", "owl", "fox", "eel", "yak", "ant", "bee", "cow", "elk"] * 4)
    ]
    rows += [
        row("es", "¿Cómo estás hoy?", language="Spanish"),
        row("flag", "some rude words", flagged=True),
        row("red", "Hi NAME_1, how are you", redacted=True),
        row("dup", "Prompt number 0: tell me a fact about the animal cat.  "),
        row("near1", LONG),
        row("near2", "hey " + LONG + " please"),
        row("contam", "What is the capital of France and why is it famous for its long history?"),
        row("flood", "Write an article about the Safety of Benzene 2000 words in chemical industry"),
        row("noturn", None, turns=[("assistant", "Hello!")]),
        row("badmod", "fine", moderation_entries=[moderation()]),
        row("empty", "   "),
    ]
    return raw_frame(rows)


class KeptMemoryDataset(MemoryDataset):
    """A MemoryDataset the runner cannot release, so the test can read it afterwards."""

    def _release(self) -> None:
        pass


def run(raw: pl.DataFrame, params: DataCleansingParameters) -> dict:
    reference = pl.DataFrame({"id": ["e1"], "text": ["Question: What is the capital of France and why is it famous"]})
    catalog = DataCatalog(
        {
            "raw_conversations": MemoryDataset(raw),
            "eval_reference_instructions": MemoryDataset(reference),
            "params:data_cleansing": MemoryDataset(params),
            "params:seed": MemoryDataset(3),
        }
    )
    pipeline = create_pipeline()
    # Intermediate outputs the test reads must outlive the run (Kedro releases others).
    wanted = ["instructions_train", "instructions_val", "instructions_test", "cleansing_dropped"]
    for name in wanted:
        catalog[name] = KeptMemoryDataset()
    outputs = SequentialRunner().run(pipeline, catalog)
    loaded = {name: ds.load() for name, ds in outputs.items()}
    loaded.update({name: catalog[name].load() for name in wanted})
    return loaded


def test_every_conversation_is_kept_or_dropped_with_a_reason():
    raw = raw_conversations()
    out = run(raw, PARAMS)
    train, val, test = out["instructions_train"], out["instructions_val"], out["instructions_test"]
    dropped = out["cleansing_dropped"]
    assert train.columns == ["id", "text"]
    kept_ids = set(train["id"]) | set(val["id"]) | set(test["id"])
    assert len(kept_ids) + dropped.height == raw.height
    assert kept_ids.isdisjoint(set(dropped["id"]))
    assert kept_ids | set(dropped["id"]) == set(raw["conversation_id"])
    reasons = dict(zip(dropped["id"], dropped["reason"]))
    assert reasons == {
        "es": "language_not_English",
        "flag": "moderation_flagged",
        "red": "redacted",
        "dup": "exact_duplicate",
        "near2": "shares_10gram",
        "contam": "eval_contamination",
        "flood": "template:chemical_industry_article",
        "noturn": "no_user_turn",
        "badmod": "malformed_moderation",
        "empty": "empty_content",
    }
    report = out["cleansing_report"]
    assert report["conserved"] and report["input_conversations"] == raw.height
    assert [s["step"] for s in report["funnel"]] == ["input_conversations", *STEPS]
    assert [s["dropped"] for s in report["funnel"][1:]] == [3, 1, 2, 1, 1, 1, 1]
    assert report["funnel"][-1]["remaining"] == len(kept_ids) == sum(report["splits"].values())
    assert out["pii_report"]["texts"] == train.height
    assert out["cleansing_funnel_plot"].axes


def test_split_counts_that_do_not_fit_the_cleaned_rows_are_named():
    # Fractions that leave no test split are refused by the model (tests/cleansing/test_parameters.py);
    # counts can only be checked against the rows that survive cleansing.
    bad = DataCleansingParameters.model_validate({"split": {"train": 40, "val": 5}})
    with pytest.raises(Exception) as info:
        run(raw_conversations(), bad)
    assert isinstance(info.value, InvalidInputError) or isinstance(info.value.__cause__, InvalidInputError)
    assert "data_cleansing.split" in str(info.value)
