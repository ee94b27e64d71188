"""Unconditional sampling of synthetic instructions (paper, Algorithm 1, last step)."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
import torch
import transformers
from tqdm.auto import tqdm
from transformers import (
    LogitsProcessor,
    LogitsProcessorList,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    TemperatureLogitsWarper,
    TopPLogitsWarper,
)

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.device import autocast_dtype

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamplingConfig:
    """How to sample: built from ``dp_generation.sampling`` and the run's seed
    (:meth:`~dp_instructions.models.parameters.SamplingParameters.config`) or by the canary audit.
    ``top_p`` and ``temperature`` default to the paper's nucleus settings."""

    num_samples: int
    batch_size: int
    max_new_tokens: int
    top_p: float = 0.95
    temperature: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        # The parameter models reject these first; this guards direct callers (a zero batch
        # would loop forever).
        for name in ("num_samples", "batch_size", "max_new_tokens"):
            if getattr(self, name) < 1:
                raise InvalidInputError(f"sampling `{name}` must be >= 1, got {getattr(self, name)}")
        if not 0 < self.top_p <= 1:
            raise InvalidInputError(f"sampling `top_p` must be in (0, 1], got {self.top_p}")
        if self.temperature <= 0:
            raise InvalidInputError(f"sampling `temperature` must be > 0, got {self.temperature}")


class _DrawWith(LogitsProcessor):
    """Draws each next token from the (already warped) distribution with ``generator``
    and leaves only that token possible, so that greedy selection in ``generate`` takes it.

    ``generate`` samples with torch's global generator; drawing here instead keeps a
    node's sampling independent of, and invisible to, every other use of torch's RNG.
    The draw is the one ``generate`` makes (softmax, then one multinomial draw per row).
    """

    def __init__(self, generator: torch.Generator):
        self.generator = generator

    def __call__(self, input_ids: torch.LongTensor, scores: torch.Tensor) -> torch.Tensor:
        probs = torch.nn.functional.softmax(scores, dim=-1)
        chosen = torch.multinomial(probs, num_samples=1, generator=self.generator)
        return torch.full_like(scores, -float("inf")).scatter_(1, chosen, 0.0)


def nucleus_processors(config: SamplingConfig, generator: torch.Generator) -> LogitsProcessorList:
    """Temperature, then top-p (the order ``generate`` applies them in), then the draw."""
    processors = LogitsProcessorList()
    if config.temperature != 1.0:
        processors.append(TemperatureLogitsWarper(config.temperature))
    if config.top_p < 1.0:
        processors.append(TopPLogitsWarper(top_p=config.top_p))
    processors.append(_DrawWith(generator))
    return processors


def generated_lengths(generated: torch.Tensor, eos_token_id: int) -> torch.Tensor:
    """Tokens each row generated: up to and including its first EOS, or all of them.
    Whatever fills a row after its EOS is padding, even where the pad id is the EOS id
    (hub tokenizers), so "not pad" would miss every EOS."""
    is_eos = generated == eos_token_id
    first_eos = is_eos.int().argmax(dim=1)
    return torch.where(is_eos.any(dim=1), first_eos + 1, generated.size(1))


@torch.no_grad()
def sample_instructions(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, config: SamplingConfig
) -> tuple[list[str], dict[str, float]]:
    """`num_samples` raw generations from a lone BOS token (nucleus sampling, KV cache),
    drawn with a generator seeded by ``config.seed``: the same seed gives the same samples,
    and torch's global RNG is neither read nor changed."""
    device = next(model.parameters()).device
    model.eval()
    generator = torch.Generator(device=device).manual_seed(config.seed)
    # The model's own generation config (a hub model's temperature, top_p, ...) does not
    # apply: the samples depend on `config` alone.
    generation = transformers.GenerationConfig(
        do_sample=False,
        max_new_tokens=config.max_new_tokens,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        use_cache=True,
    )
    processors = nucleus_processors(config, generator)
    amp = autocast_dtype(device)
    texts: list[str] = []
    new_tokens = 0
    start = time.perf_counter()
    with tqdm(total=config.num_samples, desc="sampling synthetic instructions", leave=False) as bar:
        while len(texts) < config.num_samples:
            n = min(config.batch_size, config.num_samples - len(texts))
            prompt = torch.full((n, 1), tokenizer.bos_token_id, dtype=torch.long, device=device)
            with torch.autocast(device.type, dtype=amp, enabled=amp is not None):
                out = model.generate(
                    input_ids=prompt,
                    attention_mask=torch.ones_like(prompt),
                    generation_config=generation,
                    logits_processor=processors,
                )
            generated = out[:, 1:]
            new_tokens += int(generated_lengths(generated, tokenizer.eos_token_id).sum())
            texts.extend(tokenizer.batch_decode(generated, skip_special_tokens=True))
            bar.update(n)
    seconds = time.perf_counter() - start
    stats = {
        "seconds": seconds,
        "samples_per_second": len(texts) / seconds if seconds else 0.0,
        "tokens_per_second": new_tokens / seconds if seconds else 0.0,
        "generated_tokens": new_tokens,
    }
    log.info(
        "sampled %d instructions: %.1f samples/s, %.0f tokens/s",
        len(texts),
        stats["samples_per_second"],
        stats["tokens_per_second"],
    )
    return texts, stats


def clean_samples(texts: list[str]) -> tuple[pl.DataFrame, dict[str, int]]:
    """Strip, drop empties and exact duplicates (first kept); every sample is counted."""
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.Utf8}).with_row_index("sample_index")
    frame = frame.with_columns(pl.col("text").str.strip_chars())
    empty = frame["text"].str.len_chars() == 0
    non_empty = frame.filter(~empty)
    unique = non_empty.filter(non_empty["text"].is_first_distinct())
    counts = {
        "generated": len(texts),
        "empty": int(empty.sum()),
        "duplicates": non_empty.height - unique.height,
        "kept": unique.height,
    }
    assert counts["kept"] + counts["empty"] + counts["duplicates"] == counts["generated"]
    return unique, counts


def sample_dataset(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    config: SamplingConfig,
    *,
    dataset: str,
    id_prefix: str,
    generator: str,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A catalog dataset of unconditional samples: :func:`sample_instructions`, then
    :func:`clean_samples`, as columns ``id`` (``<id_prefix>-<sample_index, 7 digits>``),
    ``text``, ``sample_index`` and ``generator`` (``generator`` on every row), and a report
    that counts every sample (kept, empty, duplicate) with the throughput and the settings.
    ``dataset`` names the output in the log."""
    texts, stats = sample_instructions(model, tokenizer, config)
    kept, counts = clean_samples(texts)
    frame = kept.select(
        pl.format(f"{id_prefix}-{{}}", pl.col("sample_index").cast(pl.Utf8).str.zfill(7)).alias("id"),
        pl.col("text"),
        pl.col("sample_index").cast(pl.Int64),
        pl.lit(generator, dtype=pl.Utf8).alias("generator"),
    )
    log.info(
        "%s: %d kept of %d generated (%d empty, %d duplicates)",
        dataset,
        counts["kept"],
        counts["generated"],
        counts["empty"],
        counts["duplicates"],
    )
    return frame, {"counts": counts, "throughput": stats, "sampling": asdict(config)}
