"""The ``data_cleansing:`` parameters, typed (:class:`DataCleansingParameters`).

Kedro validates ``params:data_cleansing`` against this model before any node runs, so a
misspelt key, a pattern that does not compile or a split that leaves no test rows stops
``kedro run`` in a second. Every default is written once, here: they are the values the
embedded demo runs with; conf/base/parameters_data_cleansing.yml only overrides them
(conf/paper sets the paper's split sizes).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from dp_instructions.cleansing import pii
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.parameters import Parameters, PositiveInt

__all__ = ["DataCleansingParameters", "FloodDetector", "PiiParameters", "SplitSizes", "TemplatePattern"]

PARAMETER = "data_cleansing"

#: The paper's two "chemical industry" templates (Appendix E).
PAPER_TEMPLATES = (
    {
        "name": "chemical_industry_article",
        "pattern": r"(?i)\bwrite an article about the\b.{1,200}?\b\d{2,5}(?:\s*-\s*\d{2,5})?\s+words in "
        r"(?:the )?chemical industry",
    },
    {"name": "chemical_company_introduction", "pattern": r"(?i)^.{0,300}?,\s*a chemical company in\b"},
)


class TemplatePattern(Parameters):
    """An unusual repetition removed by pattern; matching rows are dropped with the reason
    ``template:<name>``."""

    name: str = Field(min_length=1, description="Names the dropped rows' reason and the report's finding.")
    pattern: str = Field(description="A regular expression (Rust regex syntax, matched by Polars).")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"is not a valid regular expression: {exc}") from exc
        return value


class FloodDetector(Parameters):
    """Conservative automatic detector of masked-template floods (see
    :mod:`dp_instructions.cleansing.templates`); findings are listed in
    ``cleansing_report["template_floods"]``."""

    enabled: bool = Field(True, description="false keeps only the `templates` patterns.")
    min_count: int = Field(25, ge=2, description="A flood has at least this many rows...")
    min_share: float = Field(0.001, ge=0, lt=1, allow_inf_nan=False, description="...and this share of the rows.")
    min_fixed_words: PositiveInt = Field(
        6, description="Unmasked words a shape must keep (fewer would flag short ordinary prompts)."
    )


SplitSize = Annotated[
    int | float,
    Field(description="A fraction in (0, 1) of the cleaned rows (a float) or an absolute count (an int)."),
]


class SplitSizes(Parameters):
    """Each size is a fraction in (0, 1) of the cleaned rows or an absolute count;
    the test split takes the rest."""

    train: SplitSize = Field(0.8, description="Paper (conf/paper): 180000.")
    val: SplitSize = Field(0.05, description="Paper (conf/paper): 5000.")

    @field_validator("train", "val")
    @classmethod
    def _size(cls, value: int | float) -> int | float:
        if isinstance(value, float) and not 0 < value < 1:
            raise ValueError(f"= {value}: a fraction must be in (0, 1), a count an int")
        if isinstance(value, int) and value < 0:
            raise ValueError(f"a count must be >= 0, got {value}")
        return value

    @model_validator(mode="after")
    def _leaves_a_test_split(self) -> SplitSizes:
        fractions = [v for v in (self.train, self.val) if isinstance(v, float)]
        if sum(fractions) >= 1:
            raise ValueError(f"train + val fractions sum to {sum(fractions):.3f}, leaving no test split")
        return self

    def counts(self, n: int, parameter: str = f"{PARAMETER}.split") -> tuple[int, int, int]:
        """(train, val, test) rows of ``n`` cleaned instructions."""

        def size(v: int | float) -> int:
            return round(v * n) if isinstance(v, float) else v

        train, val = size(self.train), size(self.val)
        if train + val > n:
            raise InvalidInputError(
                f"parameter `{parameter}` asks for train={train} + val={val} rows but only {n} "
                "instructions survive cleansing"
            )
        return train, val, n - train - val


class PiiParameters(Parameters):
    """The PII prevalence scan of instructions_train (reported, not filtered)."""

    detectors: list[str] | None = Field(
        None,
        description="null = every default detector (dp_instructions.cleansing.pii); or a list of default "
        "names and `package.module:attribute` paths to custom detectors.",
    )

    @field_validator("detectors")
    @classmethod
    def _loadable(cls, value: list[str] | None) -> list[str] | None:
        # Custom detectors are imported here, so a bad path fails before the first node.
        try:
            pii.load_detectors(value)
        except InvalidInputError as exc:
            raise ValueError(str(exc)) from exc
        return value


class DataCleansingParameters(Parameters):
    """``params:data_cleansing``: raw conversations -> instruction splits (paper, Appendix E)."""

    language: str = Field(
        "English", min_length=1, description="LMSYS-Chat-1M's own per-conversation language label (the paper's filter)."
    )
    max_chars: PositiveInt = Field(
        20_000,
        description="First user turns longer than this are dropped (reason too_long): a pasted book is not an "
        "instruction, and one multi-megabyte row would dominate the memory of deduplication and embedding. "
        "DP fine-tuning reads only the first training.max_length tokens anyway.",
    )
    ngram_size: PositiveInt = Field(
        10,
        description='"If a 10-gram occurs in several instructions, only the first instruction that has it is '
        'kept"; the same n is used for decontamination against eval_reference_instructions.',
    )
    templates: list[TemplatePattern] = Field(
        default_factory=lambda: [TemplatePattern.model_validate(t) for t in PAPER_TEMPLATES],
        description="Unusual repetitions removed by pattern, earlier patterns first; default: the paper's two "
        '"chemical industry" templates.',
    )
    flood_detector: FloodDetector = Field(default_factory=FloodDetector, description=FloodDetector.__doc__)
    split: SplitSizes = Field(default_factory=SplitSizes, description=SplitSizes.__doc__)
    pii: PiiParameters = Field(default_factory=PiiParameters, description=PiiParameters.__doc__)
