import polars as pl
import pytest

from dp_instructions.cleansing.pii import CATEGORIES, load_detectors, pii_prevalence
from dp_instructions.exceptions import InvalidInputError

TEXTS = pl.Series(
    [
        "My name is Jane Doe and I work as a nurse at St. Mary's Hospital, call me at (555) 201-3344",
        "Email bob.smith@example.com before March 3, 2024 at 10:30 am",
        "I live at 1200 Maple Avenue, Springfield IL 62704",
        "Write a poem about the sea",
        "Acme Widgets Inc. hired a new software engineer",
    ]
)


def test_prevalence_counts_each_category_and_never_returns_text():
    report = pii_prevalence(TEXTS, load_detectors(None))
    cats = report["categories"]
    assert set(cats) == set(CATEGORIES)
    assert cats["full_names"]["texts"] == 1
    assert cats["identifiers"]["texts"] == 2
    assert cats["locations"]["texts"] == 1
    assert cats["organisations"]["texts"] == 2
    assert cats["job_titles"]["texts"] == 2
    assert cats["dates_times"]["texts"] == 1
    assert report["any_category"]["texts"] == 4
    flat = repr(report)
    assert "Jane" not in flat and "example.com" not in flat


class ShoutingDetector:
    name = "shouting"
    category = "identifiers"

    def detect(self, texts):
        return texts.str.contains(r"^[A-Z ]+$")


def test_custom_detector_by_dotted_path():
    detectors = load_detectors(["email", "tests.cleansing.test_pii:ShoutingDetector"])
    report = pii_prevalence(pl.Series(["HELLO THERE", "x@y.org"]), detectors)
    assert report["detectors"]["shouting"]["texts"] == 1
    assert report["categories"]["identifiers"]["texts"] == 2


def test_bad_detector_names():
    with pytest.raises(InvalidInputError, match="neither a default detector"):
        load_detectors(["nope"])
    with pytest.raises(InvalidInputError, match="cannot import"):
        load_detectors(["no.such.module:thing"])
