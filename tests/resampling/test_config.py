"""The resampling parameters: defaults, target sizes, and errors that name the parameter."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.resampling.config import ResamplingConfig, ShortageMode, TargetSize

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_parameters_parse():
    for env in ("base", "paper"):
        raw = yaml.safe_load((ROOT / f"conf/{env}/parameters_resampling.yml").read_text())["resampling"]
        if env == "paper":  # an overlay: soft-merged over base
            base = yaml.safe_load((ROOT / "conf/base/parameters_resampling.yml").read_text())["resampling"]
            raw = {**base, **raw, **{k: {**base[k], **raw[k]} for k in ("embedding", "clustering")}}
        cfg = ResamplingConfig.parse(raw)
        # The paper stops on a shortfall; the embedded demo redistributes (its tiny CPU
        # generator covers the real clusters unevenly).
        assert cfg.shortage is (ShortageMode.ERROR if env == "paper" else ShortageMode.REDISTRIBUTE)
    assert cfg.clustering.num_clusters == 1000 and cfg.clustering.pca == 0.9 and cfg.target_size.value is None


def test_target_size_forms():
    assert TargetSize.parse(500).resolve(10_000) == 500
    assert TargetSize.parse(0.25).resolve(10_000) == 2_500
    assert TargetSize.parse(1.0).resolve(7) == 7
    assert TargetSize.parse(None).resolve(10_000, num_real=1_234) == 1_234


@pytest.mark.parametrize(
    ("raw", "parameter"),
    [
        ({"clustering": {}}, "resampling.clustering.num_clusters"),
        ({"clustering": {"num_clusters": 0}}, "resampling.clustering.num_clusters"),
        ({"clustering": {"num_clusters": 5, "iterations": 2.5}}, "resampling.clustering.iterations"),
        ({"clustering": {"num_clusters": 5, "pca": 1.5}}, "resampling.clustering.pca"),
        ({"clustering": {"num_clusters": 5, "gpu": "yes"}}, "resampling.clustering.gpu"),
        ({"clustering": {"num_clusters": 5, "n_clusters": 3}}, "resampling.clustering"),
        ({"clustering": {"num_clusters": 5}, "target_size": 0.0}, "resampling.target_size"),
        ({"clustering": {"num_clusters": 5}, "target_size": 1.5}, "resampling.target_size"),
        ({"clustering": {"num_clusters": 5}, "target_size": True}, "resampling.target_size"),
        ({"clustering": {"num_clusters": 5}, "shortage": "drop"}, "resampling.shortage"),
        ({"clustering": {"num_clusters": 5}, "embedding": {"model": ""}}, "resampling.embedding.model"),
        ({"clustering": {"num_clusters": 5}, "embedding": {"mode": "fast"}}, "resampling.embedding.mode"),
        ({"clustering": {"num_clusters": 5}, "embedding": {"device": "tpu"}}, "resampling.embedding.device"),
        ({"clustering": {"num_clusters": 5}, "num_threads": 0}, "resampling.num_threads"),
        ({"clustering": {"num_clusters": 5}, "extra": 1}, "resampling"),
    ],
)
def test_bad_parameters_name_the_parameter(raw, parameter):
    with pytest.raises(InvalidInputError, match=f"parameter `{parameter}`"):
        ResamplingConfig.parse(raw)
