"""The ``privacy:`` parameters (conf/base/parameters.yml), typed: the budget of each
private dataset, the histogram's noise and the noise source.

Every node that releases (``dp_mechanism``) takes ``params:privacy`` as a
:class:`PrivacyParameters`, validated by Kedro before any node runs, so a misspelt key or
a negative epsilon stops the run before anything is spent.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from dp_instructions.parameters import Parameters, PositiveFloat

__all__ = ["PrivacyParameters"]


class PrivacyParameters(Parameters):
    """``params:privacy``: shared by every pipeline that spends privacy."""

    epsilon: PositiveFloat = Field(
        6.0,
        description="Total epsilon over every release that reads one private dataset (DP fine-tuning and the "
        "vote histogram on instructions_train compose; the evaluation sweep's histograms spend "
        "instructions_val's own budget).",
    )
    delta: Annotated[float, Field(gt=0, lt=1)] | None = Field(
        None,
        description="null = the largest 5e-k strictly below 1/(10 N) (5e-7 for N = 180,000); an explicit delta "
        "must be below 1/N.",
    )
    histogram_noise_multiplier: PositiveFloat | None = Field(
        10.0,
        description="Gaussian noise std of the vote histogram (L2 sensitivity 1). DP fine-tuning reserves budget "
        "for one such release; null plans no histogram (the resampling stage then refuses to run).",
    )
    noise_seed: int | None = Field(
        None,
        description="null = secure noise (os.urandom). An int makes every release reproducible and NOT private: "
        "for tests and audits of the code only; such releases are flagged in the ledger.",
    )
