import random

import pytest
from pydantic import ValidationError

from dp_instructions.cleansing.parameters import DataCleansingParameters, FloodDetector, TemplatePattern
from dp_instructions.cleansing.templates import drop_template_floods
from tests.cleansing.helpers import instructions


def test_paper_templates_match_their_examples():
    templates = DataCleansingParameters().templates
    texts = [
        "Write an article about the Safety of 2-Chloro-4-methylpyridine 2000 words in chemical industry",
        "Write an article about the Upstream and Downstream products of Pyridine 1500-2000 words in chemical industry",
        "Give me an introduction over 200 words for Acme Chemical Co., Ltd, a chemical company in Room 101, Shanghai, China",
        "Write an article about climate change",
    ]
    kept, dropped, findings = drop_template_floods(instructions(texts), templates, FloodDetector(enabled=False))
    assert kept["id"].to_list() == ["c3"]
    assert dropped["reason"].to_list() == [
        "template:chemical_industry_article",
        "template:chemical_industry_article",
        "template:chemical_company_introduction",
    ]
    assert [f["rows"] for f in findings] == [2, 1]


def test_detector_finds_masked_floods_but_spares_ordinary_prompts():
    flood = [
        f"As a customer service agent for Company{i} Ltd, answer the question about Product{i} politely"
        for i in range(30)
    ]
    rng = random.Random(0)
    vocab = "why does my loop print twice when the list grows and how should i debug recursion in go".split()
    ordinary = [" ".join(rng.sample(vocab, 10)) for _ in range(30)]
    kept, dropped, findings = drop_template_floods(
        instructions(flood + ordinary), [], FloodDetector(min_count=25, min_share=0.0, min_fixed_words=8)
    )
    detected = [f for f in findings if f["kind"] == "detected"]
    assert len(detected) == 1 and detected[0]["rows"] == 30
    assert dropped.height == 30 and kept.height == 30
    assert set(dropped["reason"]) == {"detected:flood_0"}


def test_bad_template_parameters_are_named():
    with pytest.raises(ValidationError, match=r"templates\.0\.pattern\n.*not a valid regular expression"):
        DataCleansingParameters.model_validate({"templates": [{"name": "x", "pattern": "("}]})
    with pytest.raises(ValidationError, match="min_count"):
        FloodDetector.model_validate({"min_count": 1})
    with pytest.raises(ValidationError, match=r"threshold\n.*Extra inputs are not permitted"):
        FloodDetector.model_validate({"threshold": 3})
    with pytest.raises(ValidationError, match="pattern"):
        TemplatePattern.model_validate({"name": "x"})
