"""The DP generator as an MLflow pyfunc model ("models from code": MLflow copies this file
into the model, so it imports torch, transformers and peft only, not dp_instructions).

Input: a table with an integer ``seed`` column; each row is one unconditional sample
(nucleus sampling from a lone BOS token, as the project samples), reproducible from its
seed. Params: ``max_new_tokens``, ``top_p``, ``temperature``. Output: the texts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mlflow
import torch
from mlflow.pyfunc import PythonModel
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer


class DPGeneratorModel(PythonModel):
    def load_context(self, context: Any) -> None:
        directory = Path(context.artifacts["generator"])
        self.metadata = json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
        source = self.metadata.get("base_hub_id") or str(directory / "base")
        base = AutoModelForCausalLM.from_pretrained(source)
        self.model = PeftModel.from_pretrained(base, str(directory / "adapter")).eval()
        self.tokenizer = AutoTokenizer.from_pretrained(str(directory / "tokenizer"))

    # No type hints: MLflow would infer a signature from them; the logged one says it all.
    def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201
        params = params or {}
        seeds = [int(s) for s in model_input["seed"]]
        tok = self.tokenizer
        texts = []
        for seed in seeds:
            generator = torch.Generator().manual_seed(seed)
            ids = [tok.bos_token_id]
            with torch.no_grad():
                for _ in range(int(params.get("max_new_tokens", 40))):
                    logits = self.model(input_ids=torch.tensor([ids])).logits[0, -1].float()
                    probs = torch.softmax(logits / float(params.get("temperature", 1.0)), dim=-1)
                    token = int(_nucleus(probs, float(params.get("top_p", 0.95)), generator))
                    if token == tok.eos_token_id:
                        break
                    ids.append(token)
            texts.append(tok.decode(ids[1:], skip_special_tokens=True).strip())
        return texts


def _nucleus(probs: torch.Tensor, top_p: float, generator: torch.Generator) -> torch.Tensor:
    ordered, order = torch.sort(probs, descending=True)
    keep = torch.cumsum(ordered, 0) - ordered < top_p
    ordered = ordered * keep
    return order[torch.multinomial(ordered / ordered.sum(), 1, generator=generator)]


mlflow.models.set_model(DPGeneratorModel())
