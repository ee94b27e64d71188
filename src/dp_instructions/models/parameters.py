"""``params:dp_generation``, typed: :class:`DPGenerationParameters` (validated by Kedro before
any node runs) and :class:`GenerationConfig`, the settings the training and sampling code
runs with once the run's seed is known.

Every default is written here, once: they are the settings of the embedded demo (a 2-core
CPU, a few minutes); ``conf/base/parameters_dp_generation.yml`` only overrides them and
``conf/paper/parameters_dp_generation.yml`` holds the paper's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from dp_instructions.models.canaries import CanaryParameters
from dp_instructions.models.dp_training.loop import DPFineTuneConfig
from dp_instructions.models.generator import SmallGPT2Config
from dp_instructions.models.sampling import SamplingConfig
from dp_instructions.parameters import (
    Device,
    ModelName,
    Parameters,
    PositiveFloat,
    PositiveInt,
    Probability,
)

__all__ = [
    "DPGenerationParameters",
    "GenerationConfig",
    "PretrainingParameters",
    "SamplingParameters",
    "TrainingParameters",
]

ROOT = "dp_generation"

SequenceLength = Annotated[int, Field(ge=3)]
"""Tokens per training sequence including ``<bos>`` and ``<eos>``: room for at least one token."""


class PretrainingParameters(Parameters):
    """``dp_generation.public_pretraining``: the embedded GPT-2 and its tokenizer, trained on
    public text only (``public_pretraining_corpus``, help-seeking text the project generates);
    unused when ``base_model`` is set. Sized for CPU time (0.93M parameters, more than half of
    them the 4096-token embedding; two passes over the 30k-text corpus). A
    4096-token vocabulary holds most of the corpus' words whole, so the model writes words
    rather than fragments of them."""

    vocab_size: int = Field(4096, ge=300, description="BPE vocabulary (>= 256 bytes + the special tokens)")
    n_embd: PositiveInt = Field(128, description="width; a multiple of n_head")
    n_layer: PositiveInt = Field(2, description="transformer blocks")
    n_head: PositiveInt = Field(4, description="attention heads")
    max_length: SequenceLength = Field(48, description="positions of the model, incl. <bos>/<eos>")
    epochs: PositiveInt = Field(2, description="passes over the public corpus")
    batch_size: PositiveInt = Field(64, description="examples per step")
    learning_rate: PositiveFloat = Field(0.003, description="peak of the one-cycle schedule (AdamW)")
    label_smoothing: float = Field(
        0.1,
        ge=0,
        lt=1,
        description="label smoothing of the pre-training loss: a model trained to certainty on templated public "
        "text gives private text less than uniform probability, and DP fine-tuning's few noisy steps then go to "
        "flattening it",
    )
    include_public_instructions: bool = Field(
        False,
        description="also pre-train on `public_instructions` (classic NLP tasks, the evaluation's out-of-domain "
        "baseline); off by default: the model then also writes classic-task prompts",
    )

    @model_validator(mode="after")
    def _heads_divide_width(self) -> PretrainingParameters:
        if self.n_embd % self.n_head:
            raise ValueError(
                f"`{ROOT}.public_pretraining.n_embd` ({self.n_embd}) must be a multiple of "
                f"`{ROOT}.public_pretraining.n_head` ({self.n_head})"
            )
        return self

    @property
    def model(self) -> SmallGPT2Config:
        return SmallGPT2Config(n_embd=self.n_embd, n_layer=self.n_layer, n_head=self.n_head, max_length=self.max_length)


class TrainingParameters(Parameters):
    """``dp_generation.training``: DP-LoRA fine-tuning (node ``train_dp_generator``, the
    dp_mechanism; paper, Algorithm 1: 10 epochs, batch 4096, C = 0.5, constant LR)."""

    epochs: PositiveFloat = Field(2.0, description="passes over the data (paper: 10; 2 keeps the demo within minutes)")
    expected_batch_size: PositiveInt = Field(512, description="logical (Poisson) batch; paper: 4096")
    physical_batch_size: PositiveInt | Literal["auto"] = Field(
        "auto",
        description="rows per forward/backward pass: auto = the largest that fits in 85% of the free GPU memory "
        "(probed on dummy tokens at max_length), 64 on a CPU; execution only (the Poisson batch, clipping and noise "
        "do not change)",
    )
    grad_sample_mode: Literal["hooks", "ghost"] = Field(
        "hooks",
        description="per-example clipping: hooks (per-example gradients, fastest for LoRA) | ghost (Opacus' ghost "
        "clipping: only their norms and a second backward pass; less memory for large layers); the same clipped sum",
    )
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto",
        description="the frozen base model's dtype: auto = bf16 on GPUs that support it, else fp32; the LoRA "
        "adapters, clipping, noise and Adam stay fp32",
    )
    length_bucketing: bool = Field(
        True,
        description="sort each Poisson batch by length before cutting it into micro-batches, and trim their "
        "padding (the same batch, clipping and noise: only less work)",
    )
    learning_rate: PositiveFloat = Field(
        0.0005,
        description="constant, Adam; on the embedded model 0.001 and above turn its samples to word salad within the "
        "demo's 39 noisy steps (README, evaluation)",
    )
    max_grad_norm: PositiveFloat = Field(0.5, description="per-example clipping bound C")
    noise_multiplier: PositiveFloat | None = Field(
        None, description="null = calibrated to the budget (parameters.yml: privacy)"
    )
    max_length: SequenceLength = Field(48, description="tokens incl. <bos>/<eos>; the loss divides by it")
    lora_rank: PositiveInt = Field(8, description="LoRA rank r")
    lora_alpha: PositiveInt = Field(16, description="LoRA scaling alpha")
    lora_dropout: float = Field(0.0, ge=0, lt=1, description="dropout on the LoRA input")
    target_modules: Annotated[tuple[str, ...], Field(min_length=1)] | None = Field(
        None, strict=False, description="module names to adapt; null = the attention projections of the architecture"
    )
    world_size: PositiveInt = Field(1, description="> 1: that many processes (one per GPU; gloo on CPU)")
    checkpoint_dir: str = Field("data/06_models/dp_checkpoints", min_length=1, description="release checkpoints")
    checkpoint_every: PositiveInt = Field(10, description="steps between checkpoints")
    resume: bool = Field(
        True,
        description="resume an interrupted run under its already-charged release and reuse a finished one "
        "(post-processing, free); false = always a new release (charged again)",
    )

    def finetune(self, seed: int) -> DPFineTuneConfig:
        """The trainer's settings for a run seeded with ``seed`` (every field passed: the
        trainer's own defaults are not the pipeline's)."""
        return DPFineTuneConfig(
            expected_batch_size=self.expected_batch_size,
            physical_batch_size=self.physical_batch_size,
            grad_sample_mode=self.grad_sample_mode,
            precision=self.precision,
            length_bucketing=self.length_bucketing,
            learning_rate=self.learning_rate,
            max_grad_norm=self.max_grad_norm,
            max_length=self.max_length,
            lora_rank=self.lora_rank,
            lora_alpha=self.lora_alpha,
            lora_dropout=self.lora_dropout,
            target_modules=None if self.target_modules is None else list(self.target_modules),
            seed=seed,
            dp=True,
            checkpoint_every=self.checkpoint_every,
        )


class SamplingParameters(Parameters):
    """``dp_generation.sampling``: M unconditional samples (nucleus sampling, paper: top_p 0.95,
    temperature 1.0, M = 1,000,000). ~800 new tokens/s per CPU core for the embedded model.

    The same settings, with ``public_only_samples`` in place of M, sample the public base
    model itself (node ``sample_public_base_model``): the evaluation's "public only" row,
    the generator before DP fine-tuning. The evaluation scores every set at one common
    sample size n = min(``evaluation.mauve.max_samples``, the smallest set's pool), so
    ``public_only_samples`` below ``evaluation.mauve.max_samples`` shrinks n for every
    row; it is a separate pipeline's parameter, hence not checked here."""

    num_samples: PositiveInt = Field(4000, description="M; paper: 1,000,000 (conf/paper)")
    public_only_samples: PositiveInt = Field(
        1000,
        description="samples of the public base model itself (the evaluation's public-only baseline); keep it "
        ">= evaluation.mauve.max_samples (demo: 500, pool 1000; paper: 5000) so it does not cap MAUVE's n",
    )
    batch_size: PositiveInt = Field(500, description="generations per forward pass")
    max_new_tokens: PositiveInt = Field(40, description="tokens generated after <bos> at most")
    top_p: Probability = Field(0.95, description="nucleus mass")
    temperature: PositiveFloat = Field(1.0, description="softmax temperature")
    world_size: PositiveInt = Field(
        1,
        description="processes that sample (one per GPU on CUDA, a share of the cores each on the CPU); the samples "
        "of a seed are the same whatever the number",
    )

    def config(self, seed: int, num_samples: int | None = None) -> SamplingConfig:
        """The sampling settings for a run seeded with ``seed``: M samples, or ``num_samples``
        (the public-only baseline) with every other setting the same."""
        return SamplingConfig(
            num_samples=self.num_samples if num_samples is None else num_samples,
            batch_size=self.batch_size,
            max_new_tokens=self.max_new_tokens,
            top_p=self.top_p,
            temperature=self.temperature,
            seed=seed,
        )


class DPGenerationParameters(Parameters):
    """``params:dp_generation`` (paper, Algorithm 1): public pre-training, DP-LoRA fine-tuning,
    unconditional sampling, and the canaries of the memorisation audit."""

    base_model: ModelName | None = Field(
        None,
        description="any Hugging Face causal-LM id or local path (e.g. meta-llama/Llama-2-7b-hf: GPU and "
        "network); null = the embedded byte-level BPE tokenizer and small GPT-2 trained on public text "
        "only (`public_pretraining_corpus`)",
    )
    device: Device = Field("auto", description="auto (CUDA when present) | cpu | mps | cuda | cuda:<n>")
    # Sections default to their own defaults (one shared instance each: the models are frozen).
    public_pretraining: PretrainingParameters = Field(
        PretrainingParameters(), description="the embedded model; unused when base_model is set"
    )
    training: TrainingParameters = Field(TrainingParameters(), description="DP-LoRA fine-tuning")
    sampling: SamplingParameters = Field(SamplingParameters(), description="unconditional sampling")
    canaries: CanaryParameters = Field(CanaryParameters(), description="the memorisation audit's canaries")

    @model_validator(mode="after")
    def _fits_the_embedded_model(self) -> DPGenerationParameters:
        """The embedded GPT-2 has ``public_pretraining.max_length`` positions: longer training
        sequences or samples would fail mid-run (after the privacy charge, for training)."""
        if self.base_model is not None:
            return self
        positions = self.public_pretraining.max_length
        if self.training.max_length > positions:
            raise ValueError(
                f"`{ROOT}.training.max_length` ({self.training.max_length}) exceeds the embedded model's "
                f"`{ROOT}.public_pretraining.max_length` ({positions})"
            )
        if 1 + self.sampling.max_new_tokens > positions:
            raise ValueError(
                f"`{ROOT}.sampling.max_new_tokens` ({self.sampling.max_new_tokens}) plus <bos> exceeds the "
                f"embedded model's `{ROOT}.public_pretraining.max_length` ({positions})"
            )
        return self

    def resolve(self, seed: int) -> GenerationConfig:
        """The run's settings once its seed (``params:seed``) is known."""
        return GenerationConfig(
            base_model=self.base_model,
            device=self.device,
            pretraining=self.public_pretraining,
            finetune=self.training.finetune(seed),
            epochs=float(self.training.epochs),
            noise_multiplier=self.training.noise_multiplier,
            world_size=self.training.world_size,
            checkpoint_dir=self.training.checkpoint_dir,
            resume=self.training.resume,
            sampling=self.sampling.config(seed),
            canaries=self.canaries,
        )


@dataclass(frozen=True)
class GenerationConfig:
    """What the DP training release, the control trainer and sampling run with: the validated
    parameters with the run's seed applied (built by :meth:`DPGenerationParameters.resolve`)."""

    base_model: str | None
    device: str
    pretraining: PretrainingParameters
    finetune: DPFineTuneConfig
    epochs: float
    noise_multiplier: float | None
    world_size: int
    checkpoint_dir: str
    resume: bool
    sampling: SamplingConfig
    canaries: CanaryParameters
