"""Broken inputs on the real-data paths, through real KedroSession runs: each is an error
naming the dataset, file, column or parameter, or a recorded drop; nothing is released
and no row vanishes unaccounted."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import yaml
from kedro.io import DatasetError

from dp_instructions.demo.corpus import generate_conversations
from dp_instructions.exceptions import (
    InvalidBudgetError,
    InvalidInputError,
    NonFiniteValueError,
)
from dp_instructions.privacy import PrivacyLedger
from tests.faults.conftest import RUNTIME, clone
from tests.kedro_session import latest_version, run_pipeline


def raw_catalog(project, path, file_format="parquet") -> None:
    (project / "conf/local/catalog.yml").write_text(
        yaml.safe_dump(
            {
                "raw_conversations": {
                    "type": "dp_instructions.datasets.atomic.EagerPolarsDataset",
                    "filepath": str(path),
                    "file_format": file_format,
                    "metadata": {"privacy": "private"},
                }
            }
        )
    )


def ledger_records(project) -> list:
    return PrivacyLedger(project / "data/09_privacy/privacy_ledger.sqlite").records()


@pytest.fixture
def project(cleansed_project, tmp_path):
    return clone(cleansed_project, tmp_path)


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    return generate_conversations(300, 5)


def test_a_truncated_parquet_is_an_error_naming_the_file(project, tmp_path, raw, fault_report):
    path = tmp_path / "raw.parquet"
    raw.write_parquet(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    raw_catalog(project, path)
    with pytest.raises(DatasetError, match=rf"Failed while loading data from.*{path.name}"):
        run_pipeline(project, "data_cleansing", RUNTIME)
    fault_report(
        fault="truncated parquet (raw input)", handled=True, lost="nothing run", figures="DatasetError naming the file"
    )


def test_malformed_and_non_utf8_json_lines_are_errors_naming_the_file(project, tmp_path, raw, fault_report):
    good = tmp_path / "good.jsonl"
    raw.head(20).write_ndjson(good)
    lines = good.read_bytes().splitlines()
    for name, broken in (
        ("malformed.jsonl", b"\n".join([*lines[:5], b'{"conversation_id": "x", "conv', *lines[5:]])),
        ("latin1.jsonl", b"\n".join([*lines[:5], lines[5].replace(b'"user"', b'"us\xe9r"'), *lines[6:]])),
    ):
        path = tmp_path / name
        path.write_bytes(broken + b"\n")
        raw_catalog(project, path, "ndjson")
        with pytest.raises(DatasetError, match=rf"Failed while loading data from.*{name}"):
            run_pipeline(project, "data_cleansing", RUNTIME)
    fault_report(
        fault="malformed JSON lines; non-UTF-8 bytes",
        handled=True,
        lost="nothing run",
        figures="DatasetError naming the file, for each",
    )


def test_a_wrong_column_type_is_an_error_naming_the_dataset_and_column(project, tmp_path, raw, fault_report):
    path = tmp_path / "raw.parquet"
    raw.with_columns(pl.col("redacted").cast(pl.Utf8)).write_parquet(path)
    raw_catalog(project, path)
    with pytest.raises(InvalidInputError, match="dataset `raw_conversations` column `redacted` has dtype String"):
        run_pipeline(project, "data_cleansing", RUNTIME)
    fault_report(
        fault="wrong column type",
        handled=True,
        lost="nothing run",
        figures="InvalidInputError naming `raw_conversations`.`redacted`",
    )


def test_a_ten_megabyte_prompt_is_a_recorded_drop_and_every_row_is_accounted_for(project, tmp_path, raw, fault_report):
    huge = raw.head(1).with_columns(
        pl.lit("huge-1").alias("conversation_id"),
        pl.col("conversation").list.eval(pl.element().struct.with_fields(pl.lit("x" * 10_000_000).alias("content"))),
    )
    path = tmp_path / "raw.parquet"
    pl.concat([raw, huge]).write_parquet(path)
    raw_catalog(project, path)
    run_pipeline(project, "data_cleansing", RUNTIME)
    dropped = pl.read_parquet(latest_version(project / "data/02_intermediate/cleansing_dropped.parquet"))
    row = dropped.filter(pl.col("id") == "huge-1").row(0, named=True)
    assert row["reason"] == "too_long" and row["detail"] == "10000000 characters > max_chars 20000"
    splits = sum(
        pl.read_parquet(latest_version(project / f"data/03_primary/instructions_{s}.parquet")).height
        for s in ("train", "val", "test")
    )
    assert splits + dropped.height == raw.height + 1  # every input row kept or dropped with a reason
    fault_report(
        fault="a 10 MB single prompt",
        handled=True,
        lost="nothing: dropped with reason too_long",
        figures=f"{raw.height + 1} rows in = {splits} kept + {dropped.height} dropped with a reason",
    )


def test_nan_or_inf_embeddings_release_nothing(fault_report):
    from dp_instructions.resampling.clustering import ClusteringConfig, fit_clustering
    from dp_instructions.resampling.histogram import count_votes

    rng = np.random.default_rng(0)
    synthetic = rng.normal(size=(60, 8)).astype(np.float32)
    clustering = fit_clustering(synthetic, ClusteringConfig(num_clusters=3), 0, {"model": "test"})
    for bad in (np.nan, np.inf, -np.inf):
        real = rng.normal(size=(20, 8)).astype(np.float32)
        real[3, 2] = bad
        with pytest.raises(NonFiniteValueError, match="instructions_train hold NaN or infinite values"):
            count_votes(real, clustering, 20, dataset="instructions_train")
        broken = synthetic.copy()
        broken[0, 0] = bad
        with pytest.raises(NonFiniteValueError, match="synthetic embeddings hold NaN or infinite"):
            fit_clustering(broken, ClusteringConfig(num_clusters=3), 0, {"model": "test"})
    fault_report(
        fault="NaN or inf embeddings (real or synthetic)",
        handled=True,
        lost="nothing released",
        figures="NonFiniteValueError before any vote, charge or clustering",
    )


def test_an_empty_split_is_an_error_naming_it(project, fault_report):
    train = latest_version(project / "data/03_primary/instructions_train.parquet")
    pl.read_parquet(train).head(0).write_parquet(train)
    with pytest.raises(InvalidInputError, match="dataset `instructions_train` is empty"):
        run_pipeline(project, "dp_generation", RUNTIME)
    assert ledger_records(project) == []
    fault_report(
        fault="an empty split",
        handled=True,
        lost="nothing released",
        figures="InvalidInputError naming instructions_train; ledger empty",
    )


def test_delta_at_least_one_over_n_is_refused_before_any_release(project, fault_report):
    (project / "conf/local/parameters.yml").write_text("privacy:\n  delta: 0.01\n")
    with pytest.raises(InvalidBudgetError, match=r"`delta` = 0.01 must be in \(0, 1/N\)"):
        run_pipeline(project, "dp_generation", RUNTIME)
    assert ledger_records(project) == []
    fault_report(
        fault="δ ≥ 1/N",
        handled=True,
        lost="nothing released",
        figures="InvalidBudgetError naming delta, 1/N and N; ledger empty",
    )


def test_a_budget_already_spent_is_refused_with_the_figures(project, fault_report):
    run_pipeline(project, "dp_generation", RUNTIME)
    (first,) = ledger_records(project)
    local = yaml.safe_load((project / "conf/local/parameters_dp_generation.yml").read_text())
    local["dp_generation"]["training"]["resume"] = False  # a new release of the same data...
    sigma = first.mechanisms[0].to_dict()["noise_multiplier"]
    local["dp_generation"]["training"]["noise_multiplier"] = sigma  # ...with the same noise: it cannot fit again
    (project / "conf/local/parameters_dp_generation.yml").write_text(yaml.safe_dump(local))
    with pytest.raises(InvalidInputError, match="with the earlier and planned releases, above the budget 6") as err:
        run_pipeline(project, "dp_generation", RUNTIME)
    assert ledger_records(project) == [first]  # refused by the planner, before the ledger
    fault_report(
        fault="a budget already spent (a new release of the same data, the same noise)",
        handled=True,
        lost="nothing released",
        figures="refused before any charge: " + str(err.value).split(";")[0].removeprefix("parameter "),
    )
