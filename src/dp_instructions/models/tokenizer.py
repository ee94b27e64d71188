"""A byte-level BPE tokenizer trained on public text only.

Training the tokenizer on public data keeps the vocabulary itself free of private
content (a rare private word must not become a token).
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import ByteLevelBPETokenizer
from transformers import PreTrainedTokenizerFast

from dp_instructions.exceptions import InvalidInputError

BOS_EOS = "<|endoftext|>"
PAD = "<|pad|>"


def train_bpe_tokenizer(texts: Iterable[str], vocab_size: int, min_frequency: int = 2) -> PreTrainedTokenizerFast:
    """Train on `texts` (public!) and wrap as a transformers fast tokenizer whose BOS and
    EOS are `<|endoftext|>` and whose padding token is `<|pad|>`."""
    if vocab_size < 300:
        raise InvalidInputError(f"parameter `vocab_size` must be >= 300 (256 bytes + specials), got {vocab_size}")
    texts = list(texts)
    if not texts:
        raise InvalidInputError("cannot train a tokenizer on no text: the public corpus is empty")
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        texts, vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=[BOS_EOS, PAD], show_progress=False
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe._tokenizer,  # the wrapper exposes no public accessor
        bos_token=BOS_EOS,
        eos_token=BOS_EOS,
        pad_token=PAD,
        model_max_length=1024,
    )
