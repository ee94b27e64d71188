"""Unconditional sampling of synthetic instructions (paper, Algorithm 1, last step)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
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
from dp_instructions.faults import failpoint
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


def batch_count(config: SamplingConfig) -> int:
    """How many generate calls make the ``num_samples`` samples: batch ``b`` holds samples
    ``b * batch_size`` up to ``(b + 1) * batch_size`` (the last may be shorter)."""
    return -(-config.num_samples // config.batch_size)


def batch_seed(seed: int, batch: int) -> int:
    """The seed of batch ``batch``'s generator: each batch draws from its own stream, so a
    batch's samples do not depend on which process, or after which other batch, makes it."""
    return int(np.random.SeedSequence([seed, batch]).generate_state(1, dtype=np.uint64)[0] >> 1)


@torch.no_grad()
def sample_batches(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    config: SamplingConfig,
    batches: Sequence[int] | None = None,
    progress: bool = True,
) -> tuple[dict[int, list[str]], int]:
    """The texts of each batch in ``batches`` (default: all of them, :func:`batch_count`) and
    the new tokens generated: nucleus sampling from a lone BOS token with the KV cache,
    batch ``b`` drawn with a generator seeded by :func:`batch_seed`; torch's global RNG is
    neither read nor changed."""
    device = next(model.parameters()).device
    model.eval()
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
    amp = autocast_dtype(device)
    todo = range(batch_count(config)) if batches is None else batches
    out: dict[int, list[str]] = {}
    new_tokens = 0
    with tqdm(
        total=len(todo), desc="sampling synthetic instructions (batches)", leave=False, disable=not progress
    ) as bar:
        for b in todo:
            n = min(config.batch_size, config.num_samples - b * config.batch_size)
            generator = torch.Generator(device=device).manual_seed(batch_seed(config.seed, b))
            prompt = torch.full((n, 1), tokenizer.bos_token_id, dtype=torch.long, device=device)
            with torch.autocast(device.type, dtype=amp, enabled=amp is not None):
                generated = model.generate(
                    input_ids=prompt,
                    attention_mask=torch.ones_like(prompt),
                    generation_config=generation,
                    logits_processor=nucleus_processors(config, generator),
                )[:, 1:]
            new_tokens += int(generated_lengths(generated, tokenizer.eos_token_id).sum())
            out[b] = tokenizer.batch_decode(generated, skip_special_tokens=True)
            bar.update(1)
            failpoint("sampling.batch")
    return out, new_tokens


def throughput(samples: int, new_tokens: int, seconds: float) -> dict[str, float]:
    return {
        "seconds": seconds,
        "samples_per_second": samples / seconds if seconds else 0.0,
        "tokens_per_second": new_tokens / seconds if seconds else 0.0,
        "generated_tokens": new_tokens,
    }


def sample_instructions(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, config: SamplingConfig
) -> tuple[list[str], dict[str, float]]:
    """`num_samples` raw generations (:func:`sample_batches`, every batch, in order) and the
    throughput: the same seed gives the same samples, whatever the number of processes that
    make them (:mod:`~dp_instructions.models.sampling_multiprocess`)."""
    start = time.perf_counter()
    by_batch, new_tokens = sample_batches(model, tokenizer, config)
    texts = [text for b in sorted(by_batch) for text in by_batch[b]]
    stats = throughput(len(texts), new_tokens, time.perf_counter() - start)
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
    world_size: int = 1,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A catalog dataset of unconditional samples: :func:`sample_instructions`, then
    :func:`clean_samples`, as columns ``id`` (``<id_prefix>-<sample_index, 7 digits>``),
    ``text``, ``sample_index`` and ``generator`` (``generator`` on every row), and a report
    that counts every sample (kept, empty, duplicate) with the throughput and the settings.
    ``dataset`` names the output in the log; ``world_size`` processes make the samples (the
    same ones for a seed whatever their number)."""
    # Imported here: the multi-process driver imports this module.
    from dp_instructions.models.sampling_multiprocess import sample_instructions_on_processes

    texts, stats = sample_instructions_on_processes(model, tokenizer, config, world_size=world_size)
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
    return frame, {"counts": counts, "throughput": stats, "sampling": asdict(config) | {"world_size": world_size}}
