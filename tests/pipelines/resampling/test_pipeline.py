"""The resampling pipeline on tiny data, run by Kedro's SequentialRunner with a real ledger
and a real dp_histogram store (a hashing encoder stands in for the sentence model)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.io.core import Version
from kedro.pipeline import Node, Pipeline
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset

from dp_instructions.datasets.privacy_ledger import PrivacyLedgerDataset
from dp_instructions.datasets.released_histograms import ReleasedHistogramsDataset
from dp_instructions.exceptions import (
    InsufficientSamplesError,
    InvalidInputError,
    NonFiniteValueError,
    PrivacyBoundaryError,
)
from dp_instructions.pipelines.resampling import create_pipeline
from dp_instructions.privacy import PrivacyLedger
from dp_instructions.privacy.boundary import assert_privacy_boundary
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling import embeddings
from dp_instructions.resampling.parameters import ResamplingParameters
from tests.resampling.helpers import SKEWED_REAL, SKEWED_SYNTHETIC, fake_encoder, instructions, synthetic

ROOT = Path(__file__).resolve().parents[3]
PRIVACY = PrivacyParameters.model_validate(
    {"epsilon": 6.0, "delta": None, "histogram_noise_multiplier": 2.0, "noise_seed": None}
)


def params(**changes) -> ResamplingParameters:
    """The defaults with a tiny K and T, and ``section__key=value`` or ``key=value`` changes."""
    p: dict = {"embedding": {"show_progress": False}, "clustering": {"num_clusters": 5}, "target_size": 40}
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            p[section][name] = value
        else:
            p[section] = value
    return ResamplingParameters.model_validate(p)


@pytest.fixture
def encoder(monkeypatch):
    enc = fake_encoder()
    monkeypatch.setattr(embeddings, "load_encoder", lambda config: enc)
    return enc


class KeptMemoryDataset(MemoryDataset):
    """A MemoryDataset the runner cannot release, so the test can read it afterwards."""

    def _release(self) -> None:
        pass


class Run:
    def __init__(self, tmp_path: Path):
        self.dir = tmp_path
        self.ledger = PrivacyLedger(tmp_path / "ledger.sqlite")

    def __call__(self, syn: pl.DataFrame, real: pl.DataFrame, p: ResamplingParameters, privacy: dict = PRIVACY) -> dict:
        store = str(self.dir / "dp_histogram.json")
        catalog = DataCatalog(
            {
                "synthetic_initial": MemoryDataset(syn),
                "instructions_train": MemoryDataset(real),
                "params:resampling": MemoryDataset(p),
                "params:privacy": MemoryDataset(privacy),
                "params:seed": MemoryDataset(7),
                "privacy_ledger": PrivacyLedgerDataset(self.ledger.location),
                "released_histograms": ReleasedHistogramsDataset(store),
                "dp_histogram": JSONDataset(filepath=store, version=Version(None, None)),
                "synthetic_resampled": KeptMemoryDataset(),
            }
        )
        outputs = SequentialRunner().run(create_pipeline(), catalog)
        loaded = {name: ds.load() for name, ds in outputs.items()}
        loaded["dp_histogram"] = catalog["dp_histogram"].load()
        loaded["synthetic_resampled"] = catalog["synthetic_resampled"].load()
        return loaded

    def records(self) -> int:
        return len(self.ledger.records())


SYN = synthetic(300, SKEWED_SYNTHETIC)
REAL = instructions(120, SKEWED_REAL, "real-", 2)


def test_resampling_moves_the_synthetic_set_towards_the_real_clusters(tmp_path, encoder):
    run = Run(tmp_path)
    out = run(SYN, REAL, params())
    resampled, report = out["synthetic_resampled"], out["resampling_report"]
    assert resampled.columns == ["id", "text", "cluster"] and resampled.height == 40
    assert resampled["id"].n_unique() == 40 and set(resampled["id"]) <= set(SYN["id"])
    assert report["K"] == 5 and report["T"] == 40 and report["N"] == 120 and report["sigma"] == 2.0
    assert report["histogram"]["status"] == "released" and report["shortfalls"] == []
    tv = report["total_variation_to_noisy_real"]
    assert tv["resampled"] < 0.1 < 0.3 < tv["initial"]  # the math-heavy real mix is matched
    assert out["resampling_density_plot"].axes
    histogram = out["dp_histogram"]
    assert histogram["K"] == 5 and histogram["N"] == 120 and len(histogram["noisy_counts"]) == 5
    assert histogram["release_id"] == report["histogram"]["release_id"]
    assert run.records() == 1
    # The private texts were embedded (for the votes) -- and only once.
    assert sum(t.startswith(tuple(REAL["text"][:1])) for call in encoder.model.calls for t in call) == 1


def test_a_rerun_reuses_the_release_without_embedding_the_real_data(tmp_path, encoder):
    run = Run(tmp_path)
    first = run(SYN, REAL, params())
    encoder.model.calls.clear()
    second = run(SYN, REAL.sample(fraction=1.0, shuffle=True, seed=1), params())  # same multiset
    assert run.records() == 1
    assert second["resampling_report"]["histogram"]["status"] == "reused"
    assert second["dp_histogram"] == first["dp_histogram"]
    assert second["synthetic_resampled"].equals(first["synthetic_resampled"])
    assert not set(REAL["text"]) & {t for call in encoder.model.calls for t in call}


def test_shortage_error_then_other_modes_reuse_the_same_release(tmp_path, encoder):
    run = Run(tmp_path)
    # T = 200 of 300, real mix opposite to the synthetic one: the math cluster is short.
    with pytest.raises(InsufficientSamplesError, match="need more initial samples") as info:
        run(SYN, REAL, params(target_size=200, shortage="error"))
    assert info.value.shortfalls and run.records() == 1  # the release happened before the shortfall

    out = run(SYN, REAL, params(target_size=200, shortage="redistribute"))
    report = out["resampling_report"]
    assert report["histogram"]["status"] == "reused" and run.records() == 1
    assert out["synthetic_resampled"].height == 200 and out["synthetic_resampled"]["id"].n_unique() == 200
    assert report["shortfalls"] and report["duplicates"] == 0
    assert report["initial_samples_needed"] > SYN.height

    out = run(SYN, REAL, params(target_size=200, shortage="replace"))
    assert out["synthetic_resampled"].height == 200 and run.records() == 1
    assert out["resampling_report"]["duplicates"] > 0
    assert out["resampling_report"]["duplicates"] == 200 - out["synthetic_resampled"]["id"].n_unique()


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("empty synthetic", InvalidInputError, "synthetic_initial is empty"),
        ("empty real", InvalidInputError, "instructions_train is empty"),
        ("T > M", InvalidInputError, "T = 301, more than the 300 synthetic"),
        ("T = N > M", InvalidInputError, "T = 400, more than the 300 synthetic"),
        ("K > M", InvalidInputError, "num_clusters` = 301 exceeds the 300 distinct"),
        ("non-finite real embeddings", NonFiniteValueError, "instructions_train"),
        ("duplicated real ids", InvalidInputError, "instructions_train: column `id` has 1 duplicated"),
        ("model cannot load", InvalidInputError, "parameter `resampling.embedding.model`"),
    ],
)
def test_bad_input_fails_before_any_privacy_is_spent(tmp_path, monkeypatch, case, error, message):
    syn, real, p = SYN, REAL, params()
    if case != "model cannot load":
        # Only real texts contain "variant real-": the synthetic ones still cluster fine.
        enc = fake_encoder(poison="variant real-1" if case == "non-finite real embeddings" else None)
        monkeypatch.setattr(embeddings, "load_encoder", lambda config: enc)
    if case == "empty synthetic":
        syn = SYN.head(0)
    elif case == "empty real":
        real = REAL.head(0)
    elif case == "T > M":
        p = params(target_size=301)
    elif case == "T = N > M":
        real = instructions(400, SKEWED_REAL, "real-", 3)
        p = params(target_size=None)
    elif case == "K > M":
        p = params(clustering__num_clusters=301)
    elif case == "duplicated real ids":
        real = pl.concat([REAL, REAL.head(1).with_columns(pl.lit("another text").alias("text"))])
    elif case == "model cannot load":
        p = params(embedding__model=str(tmp_path / "no-model-here"))
    run = Run(tmp_path)
    with pytest.raises(error, match=message):
        run(syn, real, p)
    assert not run.ledger.store.exists()


def test_the_pipeline_respects_the_privacy_boundary_with_the_project_catalog():
    conf = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="local")["catalog"]
    pipeline = create_pipeline()
    assert_privacy_boundary({"resampling": pipeline}, conf)
    for entry in ("synthetic_resampled", "dp_histogram", "resampling_report", "released_histograms"):
        assert conf[entry]["metadata"]["privacy"] == "dp_release"
    assert conf["released_histograms"]["filepath"] == conf["dp_histogram"]["filepath"]
    # Without the dp_mechanism tag, the private split would leak into the release.
    stripped = Pipeline(
        [
            Node(n.func, n.inputs, n.outputs, name=n.name) if n.name == "release_noisy_histogram" else n
            for n in pipeline.nodes
        ]
    )
    with pytest.raises(
        PrivacyBoundaryError, match="private dataset .real_embeddings. reaches dp_release dataset .dp_histogram."
    ):
        assert_privacy_boundary({"resampling": stripped}, conf)


def test_the_released_histogram_store_reads_every_version(tmp_path, encoder):
    run = Run(tmp_path)
    run(SYN, REAL, params())
    run(SYN, REAL, params())  # reused: a second version with the same content
    versions = sorted((tmp_path / "dp_histogram.json").iterdir())
    assert len(versions) == 2
    store = ReleasedHistogramsDataset(str(tmp_path / "dp_histogram.json")).load()
    assert len(store) == 1
    (key,) = store
    assert json.loads((versions[0] / "dp_histogram.json").read_text())["release_key"] == key
    (versions[1] / "dp_histogram.json").write_text("{not json")
    with pytest.raises(Exception, match="cannot be read"):
        ReleasedHistogramsDataset(str(tmp_path / "dp_histogram.json")).load()
