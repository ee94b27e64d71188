"""Log a DP generator (:class:`~dp_instructions.models.artifact.GeneratorArtifact`) as an
MLflow model: the artefact directory the project saves (LoRA adapter, tokenizer, the
public base or its hub id, metadata.json) behind :mod:`.dp_generator_pyfunc`, with the
privacy metadata on the model (MLmodel ``metadata``) and as model tags, so that whoever
finds the model in MLflow sees what it cost and which ledger release paid for it."""

from __future__ import annotations

import importlib.metadata
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["PYFUNC_CODE", "log_generator_model", "privacy_metadata"]

PYFUNC_CODE = Path(__file__).with_name("dp_generator_pyfunc.py")
REQUIREMENTS = ("torch", "transformers", "peft")


def privacy_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """What the model card shows: the release and its guarantee."""
    privacy = dict(metadata.get("privacy") or {})
    return {
        "privacy_class": "dp_release",
        "dp_release_id": privacy.get("release_id"),
        "dp_stage": privacy.get("stage"),
        "dp_epsilon": privacy.get("epsilon"),
        "dp_delta": privacy.get("delta"),
        "dp_noise_multiplier": privacy.get("noise_multiplier"),
        "dp_sampling_rate": privacy.get("sampling_rate"),
        "dp_steps": privacy.get("steps"),
        "dp_max_grad_norm": privacy.get("max_grad_norm"),
        "dp_dataset_fingerprint": privacy.get("fingerprint"),
        "dp_dataset_size": privacy.get("dataset_size"),
        "dp_noise_private": metadata.get("private"),
        "base_model": (metadata.get("base_model") or {}).get("identity") or metadata.get("base_hub_id"),
    }


def _requirements() -> list[str]:
    out = []
    for name in REQUIREMENTS:
        try:
            out.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(name)
    return out


def log_generator_model(run_id: str, artifact: Any, name: str = "dp_generator") -> str:
    """Save ``artifact`` the way the catalog does and log it into run ``run_id``; returns
    the MLflow model id."""
    import mlflow
    import pandas as pd
    from mlflow.models import infer_signature

    from dp_instructions.models.artifact import save_generator

    card = privacy_metadata(artifact.metadata)
    signature = infer_signature(
        pd.DataFrame({"seed": [0]}), ["text"], params={"max_new_tokens": 40, "top_p": 0.95, "temperature": 1.0}
    )
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "generator"
        save_generator(artifact, directory)
        active = mlflow.active_run()
        context = mlflow.start_run(run_id=run_id) if active is None or active.info.run_id != run_id else None
        try:
            info = mlflow.pyfunc.log_model(
                name=name,
                python_model=str(PYFUNC_CODE),
                artifacts={"generator": str(directory)},
                signature=signature,
                pip_requirements=_requirements(),
                metadata=card,
                tags={k: str(v) for k, v in card.items() if v is not None},
            )
        finally:
            if context is not None:
                mlflow.end_run()
    return info.model_id
