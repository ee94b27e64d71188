"""Unconditional sampling of synthetic instructions (paper, Algorithm 1, last step)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import polars as pl
import torch
from tqdm.auto import tqdm
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.models.device import autocast_dtype

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamplingConfig:
    num_samples: int
    batch_size: int = 256
    max_new_tokens: int = 64
    top_p: float = 0.95
    temperature: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        p = "dp_generation.sampling"
        if self.num_samples < 1:
            raise InvalidInputError(f"parameter `{p}.num_samples` must be >= 1, got {self.num_samples}")
        if self.batch_size < 1:
            raise InvalidInputError(f"parameter `{p}.batch_size` must be >= 1, got {self.batch_size}")
        if not 0 < self.top_p <= 1:
            raise InvalidInputError(f"parameter `{p}.top_p` must be in (0, 1], got {self.top_p}")
        if self.temperature <= 0:
            raise InvalidInputError(f"parameter `{p}.temperature` must be > 0, got {self.temperature}")


@torch.no_grad()
def sample_instructions(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, config: SamplingConfig
) -> tuple[list[str], dict[str, float]]:
    """`num_samples` raw generations from a lone BOS token (nucleus sampling, KV cache)."""
    device = next(model.parameters()).device
    model.eval()
    torch.manual_seed(config.seed)
    if device.type == "cuda":
        torch.cuda.manual_seed_all(config.seed)
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
                    do_sample=True,
                    top_p=config.top_p,
                    top_k=0,
                    temperature=config.temperature,
                    max_new_tokens=config.max_new_tokens,
                    eos_token_id=tokenizer.eos_token_id,
                    pad_token_id=tokenizer.pad_token_id,
                    use_cache=True,
                )
            generated = out[:, 1:]
            new_tokens += int((generated != tokenizer.pad_token_id).sum())
            texts.extend(tokenizer.batch_decode(generated, skip_special_tokens=True))
            bar.update(n)
    seconds = time.perf_counter() - start
    stats = {
        "seconds": seconds,
        "samples_per_second": len(texts) / seconds if seconds else 0.0,
        "tokens_per_second": new_tokens / seconds if seconds else 0.0,
        "generated_tokens": new_tokens,
    }
    log.info("sampled %d instructions: %.1f samples/s, %.0f tokens/s", len(texts),
             stats["samples_per_second"], stats["tokens_per_second"])
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
