"""Supervised fine-tuning throughput: the project's TRL ``SFTTrainer`` path
(:func:`dp_instructions.alignment.fine_tuning.supervised_fine_tune`) against a plain PyTorch
loop on the same model, examples, batch and loss (the answer's tokens only), in one run.

    python tests/benchmarks/bench_sft.py                      # the embedded student's shape, CPU
    python tests/benchmarks/bench_sft.py --device cuda --examples 2048 --batch-size 64

The model has the embedded public base model's shape (4096-token BPE, width 128, 2 layers,
160 positions) with random weights: throughput does not depend on the weights. The examples
are the public Q&A corpus in the chat template. Tokens/s counts the real (unpadded) tokens of
prompt and answer; each figure is the median of ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from dp_instructions.alignment.chat_model import chat_model_from_base  # noqa: E402
from dp_instructions.alignment.embedded_teacher import qa_examples  # noqa: E402
from dp_instructions.alignment.fine_tuning import FineTuneSettings, LoraSettings, supervised_fine_tune  # noqa: E402
from dp_instructions.demo.public_answers import generate_public_qa_corpus  # noqa: E402
from dp_instructions.models.device import pick_device  # noqa: E402
from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2  # noqa: E402
from dp_instructions.models.tokenizer import train_bpe_tokenizer  # noqa: E402


def encoded(chat, examples, max_length: int) -> list[tuple[list[int], int]]:
    out = []
    for e in examples:
        prompt = chat.tokenizer.apply_chat_template(e["prompt"], add_generation_prompt=True, tokenize=True)["input_ids"]
        full = chat.tokenizer.apply_chat_template(e["prompt"] + e["completion"], tokenize=True)["input_ids"]
        out.append((full[:max_length], len(prompt)))
    return out


def plain_loop(chat, data, batch_size: int, lr: float, device: torch.device) -> float:
    """AdamW on the summed answer-token loss over the batch's real tokens; seconds."""
    model = chat.model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    pad = chat.tokenizer.pad_token_id
    start = time.perf_counter()
    for begin in range(0, len(data), batch_size):
        batch = data[begin : begin + batch_size]
        width = max(len(ids) for ids, _ in batch)
        ids = torch.full((len(batch), width), pad)
        labels = torch.full((len(batch), width), -100)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, (seq, prompt) in enumerate(batch):
            ids[row, : len(seq)] = torch.tensor(seq)
            labels[row, prompt : len(seq)] = torch.tensor(seq[prompt:])
            mask[row, : len(seq)] = 1
        loss = model(input_ids=ids.to(device), attention_mask=mask.to(device), labels=labels.to(device)).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=320)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    device = pick_device(args.device)
    qa = generate_public_qa_corpus(max(args.examples, 2000), seed=0)
    tokenizer = train_bpe_tokenizer(qa["question"].to_list() + qa["answer"].to_list(), vocab_size=4096)
    base = build_small_gpt2(tokenizer, SmallGPT2Config(n_embd=128, n_layer=2, n_head=4, max_length=48), seed=0)
    template = chat_model_from_base(base, tokenizer, 160, {})
    examples = qa_examples(qa.head(args.examples))
    data = encoded(template, examples, args.max_length)
    tokens = sum(len(ids) for ids, _ in data)
    print(f"{len(examples)} examples, {tokens} real tokens, batch {args.batch_size}, device {device}")
    figures: dict[str, list[float]] = {
        "plain PyTorch loop": [],
        "TRL SFTTrainer (every weight)": [],
        "TRL SFTTrainer + LoRA r16": [],
    }
    for _ in range(args.repeats):
        figures["plain PyTorch loop"].append(
            tokens / plain_loop(copy.deepcopy(template), data, args.batch_size, 2e-3, device)
        )
        for name, lora in (("TRL SFTTrainer (every weight)", None), ("TRL SFTTrainer + LoRA r16", LoraSettings())):
            settings = FineTuneSettings(
                epochs=1, batch_size=args.batch_size, learning_rate=2e-3, max_length=args.max_length, seed=0, lora=lora
            )
            _, stats = supervised_fine_tune(copy.deepcopy(template), examples, settings, device, name)
            figures[name].append(tokens / stats["seconds"])
    reference = statistics.median(figures["plain PyTorch loop"])
    print(f"{'':32} {'tokens/s (median)':>18} {'ratio to plain':>15}")
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:32} {median:18.0f} {median / reference:15.2f}")


if __name__ == "__main__":
    main()
