"""The read-only stores of earlier histogram releases: every saved version of
``dp_histogram`` (resampling) or ``resampling_sweep_histograms`` (evaluation sweep), by
release key; a file that cannot be read is named, never skipped; saving is refused."""

from __future__ import annotations

import json

import pytest
from kedro.io import AbstractDataset, DatasetError

from dp_instructions.datasets.released_histograms import ReleasedHistogramsDataset
from dp_instructions.datasets.released_sweep_histograms import ReleasedSweepHistogramsDataset
from dp_instructions.resampling.histogram import NoisyHistogram


def histogram(key: str, released_at: str, dataset: str = "instructions_train") -> NoisyHistogram:
    return NoisyHistogram(
        release_key=key,
        num_clusters=2,
        sigma=4.0,
        dataset_size=10,
        noisy_counts=(6, 3),
        fingerprint="sha256:f",
        clustering_digest="sha256:c",
        noise={"private": False},
        release_id=f"rel-{key}",
        released_at=released_at,
        run_id="r",
        dataset=dataset,
    )


def save(root, version: str, name: str, data) -> None:
    path = root / name / version / name
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data))


def test_resampling_store_reads_every_version_and_keeps_the_earliest_release_of_a_key(tmp_path):
    store = ReleasedHistogramsDataset(filepath=str(tmp_path / "dp_histogram.json"))
    assert not store.exists() and len(store.load()) == 0
    save(tmp_path, "2024-01-02T00.00.00.000Z", "dp_histogram.json", histogram("k1", "2024-01-02").to_json())
    save(tmp_path, "2024-01-01T00.00.00.000Z", "dp_histogram.json", histogram("k1", "2024-01-01").to_json())
    released = store.load()
    assert list(released) == ["k1"] and released["k1"].released_at == "2024-01-01"
    assert released.source("k1") == "2024-01-01T00.00.00.000Z"
    with pytest.raises(DatasetError, match="read-only"):
        store.save(released)


def test_sweep_store_reads_the_released_points_of_every_version(tmp_path):
    name = "resampling_sweep_histograms.json"
    store = AbstractDataset.from_config(
        "released_sweep_histograms",
        {
            "type": "dp_instructions.datasets.released_sweep_histograms.ReleasedSweepHistogramsDataset",
            "filepath": str(tmp_path / name),
        },
    )
    assert isinstance(store, ReleasedSweepHistogramsDataset)
    points = [
        {"k": 2, "histogram": histogram("a", "t1", "instructions_val").to_json()},
        {"k": 2, "histogram": None, "status": "skipped: budget"},
    ]
    save(tmp_path, "2024-01-01T00.00.00.000Z", name, {"status": "ok", "points": points})
    save(
        tmp_path,
        "2024-01-02T00.00.00.000Z",
        name,
        {"status": "ok", "points": [{"k": 3, "histogram": histogram("b", "t2", "instructions_val").to_json()}]},
    )
    released = store.load()
    assert sorted(released) == ["a", "b"] and released["a"].dataset == "instructions_val"
    with pytest.raises(DatasetError, match="read-only"):
        store.save({})


def test_a_file_that_cannot_be_read_is_named(tmp_path):
    name = "resampling_sweep_histograms.json"
    save(tmp_path, "2024-01-01T00.00.00.000Z", name, {"status": "ok"})  # no `points`
    with pytest.raises(DatasetError, match=r"sweep release .*2024-01-01T00\.00\.00\.000Z.* cannot be read"):
        ReleasedSweepHistogramsDataset(filepath=str(tmp_path / name)).load()
