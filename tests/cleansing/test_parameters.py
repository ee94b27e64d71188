"""DataCleansingParameters: the defaults are the values a default run used before the
model existed, bad values are refused with the key's path, and conf/ validates."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dp_instructions.cleansing.parameters import DataCleansingParameters
from tests.conf_parameters import base_file, env_parameters, restated_defaults

# What CleansingParameters.parse made of conf/base/parameters_data_cleansing.yml (and its
# code defaults) before the typed model: a default run must keep using exactly these.
DEFAULT_RUN = {
    "language": "English",
    "max_chars": 20_000,
    "ngram_size": 10,
    "templates": [
        {
            "name": "chemical_industry_article",
            "pattern": r"(?i)\bwrite an article about the\b.{1,200}?\b\d{2,5}(?:\s*-\s*\d{2,5})?\s+words in "
            r"(?:the )?chemical industry",
        },
        {"name": "chemical_company_introduction", "pattern": r"(?i)^.{0,300}?,\s*a chemical company in\b"},
    ],
    "flood_detector": {"enabled": True, "min_count": 25, "min_share": 0.001, "min_fixed_words": 6},
    "split": {"train": 0.8, "val": 0.05},
    "pii": {"detectors": None},
}


def test_defaults_are_the_values_of_a_default_run():
    assert DataCleansingParameters().model_dump() == DEFAULT_RUN
    assert DataCleansingParameters.model_validate(base_file("data_cleansing")) == DataCleansingParameters()


def test_the_base_file_only_overrides():
    assert restated_defaults(base_file("data_cleansing"), DEFAULT_RUN) == []


def test_the_paper_environment_validates():
    params = DataCleansingParameters.model_validate(env_parameters("paper")["data_cleansing"])
    assert (params.split.train, params.split.val) == (180_000, 5_000)
    assert params.split.counts(200_000) == (180_000, 5_000, 15_000)
    assert params.templates == DataCleansingParameters().templates


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"ngram_sise": 10}, r"ngram_sise\n.*Extra inputs are not permitted"),
        ({"ngram_size": 0}, r"ngram_size\n.*greater than 0"),
        ({"ngram_size": True}, r"ngram_size\n.*valid integer"),
        ({"language": ""}, r"language\n"),
        ({"flood_detector": {"min_share": 1.0}}, r"flood_detector.min_share\n"),
        ({"flood_detector": {"enabeld": False}}, r"flood_detector.enabeld\n"),
        ({"split": {"train": 0.9, "val": 0.1}}, r"split\n.*sum to 1.000, leaving no test split"),
        ({"pii": {"detectors": ["nope"]}}, r"pii.detectors\n.*neither a default detector"),
        ({"pii": {"detectors": ["no.such.module:thing"]}}, r"pii.detectors\n.*cannot import"),
    ],
)
def test_bad_values_name_the_key(raw, fragment):
    with pytest.raises(ValidationError, match=fragment):
        DataCleansingParameters.model_validate(raw)


def test_custom_detectors_and_partial_overrides_validate():
    params = DataCleansingParameters.model_validate(
        {
            "pii": {"detectors": ["email", "tests.cleansing.test_pii:ShoutingDetector"]},
            "flood_detector": {"enabled": False},
        }
    )
    assert params.pii.detectors == ["email", "tests.cleansing.test_pii:ShoutingDetector"]
    assert params.flood_detector.min_count == 25 and not params.flood_detector.enabled
