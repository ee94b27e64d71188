"""The evaluation pipeline on small in-memory inputs, run by Kedro's SequentialRunner, and
its place in the privacy boundary."""

from __future__ import annotations

import copy
from pathlib import Path

import polars as pl
import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from dp_instructions.evaluation.parameters import EvaluationParameters
from dp_instructions.exceptions import InvalidInputError
from dp_instructions.pipelines.evaluation import create_pipeline
from dp_instructions.privacy import PrivacyLedger, check_privacy_boundary
from dp_instructions.privacy.boundary import DP_MECHANISM_TAG
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling.histogram import ReleasedHistograms
from dp_instructions.resampling.parameters import ResamplingParameters
from tests.evaluation import fakes

ROOT = Path(__file__).resolve().parents[3]
TINY = {
    "embedding": {"batch_size": 64},
    "mauve": {"max_samples": 40, "pool_size": 60, "seeds": [0, 1], "kmeans": {"num_redo": 1, "max_iter": 50}},
    "sweep": {"ks": [3, 5], "noise_multipliers": [8.0]},
    "canary_audit": {
        "num_alternatives": 40,
        "num_unprompted_samples": 8,
        "greedy_max_new_tokens": 20,
        "batch_size": 64,
        "sampling": {"batch_size": 16, "max_new_tokens": 39},
        "device": "cpu",
    },
}
PRIVACY = PrivacyParameters.model_validate(
    {"epsilon": 6.0, "delta": None, "histogram_noise_multiplier": 10.0, "noise_seed": None}
)


def upstream() -> dict[str, pl.DataFrame]:
    """The upstream datasets in their contract schemas."""
    initial = fakes.frame(fakes.texts(200, 20, fakes.SYNTHETIC_MIX), "syn").with_columns(
        pl.int_range(0, 200).alias("sample_index"), pl.lit("dp_generator").alias("generator")
    )
    resampled = fakes.frame(fakes.texts(100, 21, fakes.REAL_MIX), "res").with_columns(pl.lit(0).alias("cluster"))
    public_only = fakes.frame(fakes.texts(150, 23, {"cooking": 0.8, "email": 0.2}), "public-only").with_columns(
        pl.int_range(0, 150).alias("sample_index"), pl.lit("sha256:base").alias("generator")
    )
    public = fakes.frame(fakes.texts(200, 22, {"cooking": 0.7, "travel": 0.3}), "pub").with_columns(
        pl.lit("qa").alias("task")
    )
    return {
        "instructions_test": fakes.frame(fakes.texts(150, 10, fakes.REAL_MIX), "test"),
        "instructions_train": fakes.frame(fakes.texts(200, 11, fakes.REAL_MIX), "train"),
        "instructions_val": fakes.frame(fakes.texts(80, 12, fakes.REAL_MIX), "val"),
        "public_instructions": public,
        "public_only_samples": public_only,
        "synthetic_initial": initial,
        "synthetic_resampled": resampled,
        "canaries": fakes.canaries(),
    }


def catalog(tmp_path: Path, control, params=TINY) -> DataCatalog:
    data = {name: MemoryDataset(frame) for name, frame in upstream().items()}
    data.update(
        {
            "resampling_report": MemoryDataset(
                {
                    "K": 50,
                    "sigma": 10.0,
                    "N": 200,
                    "T": 100,
                    "total_variation_to_noisy_real": {"initial": 0.41, "resampled": 0.05},
                }
            ),
            "dp_generator": MemoryDataset(fakes.unexposed_generator(), copy_mode="assign"),
            "nonprivate_control_generator_if_built": MemoryDataset(control, copy_mode="assign"),
            "privacy_ledger": MemoryDataset(
                PrivacyLedger(tmp_path / "ledger.jsonl", run_id="test-run"), copy_mode="assign"
            ),
            "released_sweep_histograms": MemoryDataset(ReleasedHistograms(), copy_mode="assign"),
            "params:evaluation": MemoryDataset(EvaluationParameters.model_validate(params)),
            "params:resampling": MemoryDataset(ResamplingParameters()),
            "params:privacy": MemoryDataset(PRIVACY),
            "params:seed": MemoryDataset(0),
        }
    )
    return DataCatalog(data)


class KeptMemoryDataset(MemoryDataset):
    """A MemoryDataset the runner cannot release, so the test can read it afterwards."""

    def _release(self) -> None:
        pass


def run(pipeline, data: DataCatalog) -> dict:
    # Outputs that other nodes consume are not returned by the runner: keep them.
    consumed = pipeline.all_outputs() - pipeline.outputs()
    for name in consumed:
        data[name] = KeptMemoryDataset(copy_mode="assign")
    outputs = SequentialRunner().run(pipeline, data)
    loaded = {name: ds.load() for name, ds in outputs.items()}
    loaded.update({name: data[name].load() for name in consumed if not name.startswith(("evaluation_", "sweep_"))})
    return loaded


def test_pipeline_produces_every_output_with_its_structure(tmp_path):
    out = run(create_pipeline(), catalog(tmp_path, fakes.memorising_generator()))

    assert set(out) == {
        "mauve_scores",
        "mauve_scores_table",
        "mauve_scores_plot",
        "resampling_sweep_histograms",
        "resampling_sweep",
        "resampling_sweep_mauve_plot",
        "resampling_sweep_samples_plot",
        "canary_audit",
        "privacy_report",
        "evaluation_report",
    }
    mauve = out["mauve_scores"]
    assert mauve["sample_size"] == 40 and mauve["datasets"]["synthetic_initial"]["pool"] == 60
    assert mauve["datasets"]["synthetic_initial"]["rows"] == 200
    assert mauve["datasets"]["public_only_samples"] == {"rows": 150, "excluded_rows": 0, "pool": 60}
    assert len(mauve["scores"]) == 10 and all(len(s["per_seed"]) == 2 for s in mauve["scores"])
    assert mauve["settings"]["embedding"]["num_buckets"] == 4  # 500 capped at n / 10
    table = out["mauve_scores_table"]
    assert table.count("\n| ") == 6 and table.index("| public_only_samples |") < table.index("| synthetic_initial |")
    assert "What each step adds to embedding MAUVE: DP fine-tuning " in table
    assert all(
        isinstance(out[f], Figure)
        for f in ("mauve_scores_plot", "resampling_sweep_mauve_plot", "resampling_sweep_samples_plot")
    )

    histograms = out["resampling_sweep_histograms"]
    assert histograms["voters"] == "instructions_val" and histograms["voters_size"] == 80
    assert all("votes" not in p for p in histograms["points"])  # raw counts never leave the node
    sweep = out["resampling_sweep"]
    assert sweep["initial_size"] == 200 and sweep["target_size"] == 100 and sweep["sample_size"] == 40
    assert histograms["synthetic_size"] == 200 and sweep["shortage"] == "redistribute"
    assert {(p["k"], p["noise_multiplier"]) for p in sweep["points"]} == {(3, 8.0), (5, 8.0)}
    assert all(p["status"] == "released" and p["mauve_mean"] is not None for p in sweep["points"])
    assert all(isinstance(p["histogram"]["noisy_counts"][0], int) for p in histograms["points"])

    audit = out["canary_audit"]
    assert audit["status"] == "ok" and audit["control"].startswith("included")
    assert {(r["model"], r["repetitions"]) for r in audit["rows"]} == {
        (m, r) for m in ("dp_generator", "nonprivate_control") for r in (1, 30)
    }
    control = next(r for r in audit["rows"] if r["model"] == "nonprivate_control" and r["repetitions"] == 30)
    assert control["rank"] == 1 and control["leaked_greedy"]

    privacy = out["privacy_report"]
    sweep_account = privacy["datasets"][0]
    assert sweep_account["datasets"] == ["instructions_val"]
    assert [s["stage"] for s in sweep_account["stages"]] == ["evaluation.resampling_sweep"]
    assert sweep_account["stages"][0]["releases"] == 2 and len(privacy["this_run_releases"]) == 2
    assert not privacy["any_fixed_seed"]

    page = out["evaluation_report"]
    assert page.count("data:image/png;base64,") == 3 and "canary-phone-x30-0" in page
    assert "0.410 before, 0.050 after" in page
    assert "What each step adds to unigram MAUVE: DP fine-tuning " in page and "public only" in page


def test_audit_without_a_built_control_reports_the_dp_generator_alone(tmp_path):
    audit_only = create_pipeline().only_nodes("audit_canaries")
    out = run(audit_only, catalog(tmp_path, None))
    audit = out["canary_audit"]
    assert audit["control"].startswith("not built") and {r["model"] for r in audit["rows"]} == {"dp_generator"}

    required = copy.deepcopy(TINY)
    required["canary_audit"]["include_control"] = True
    with pytest.raises(InvalidInputError, match="include_control` is true, but dataset `nonprivate_control_generator`"):
        run(audit_only, catalog(tmp_path, None, required))


def test_sweep_disabled_releases_nothing(tmp_path):
    params = copy.deepcopy(TINY)
    params["sweep"]["enabled"] = False
    data = catalog(tmp_path, None, params)
    pipeline = create_pipeline().only_nodes(
        "cluster_synthetic_for_sweep", "release_sweep_histograms", "build_privacy_report"
    )
    out = run(pipeline, data)
    assert out["resampling_sweep_histograms"] == {"status": "disabled", "voters": "instructions_val", "points": []}
    assert out["privacy_report"]["records"] == 0


def catalog_config() -> dict:
    config: dict = {}
    for path in sorted((ROOT / "conf/base").glob("catalog*.yml")):
        config.update(yaml.safe_load(path.read_text()) or {})
    return config


def test_evaluation_keeps_the_privacy_boundary_and_the_check_bites():
    pipeline = create_pipeline()
    config = catalog_config()
    # Scoped to this pipeline's datasets (other pipelines' entries have their own tests).
    assert check_privacy_boundary({"evaluation": pipeline}, config, check_catalog_entries=False) == []
    classes = {name: config[name]["metadata"]["privacy"] for name in pipeline.all_outputs() if name in config}
    assert len(classes) == 10  # the intermediates left out are in-memory (embeddings, k-means)
    assert config["released_sweep_histograms"]["metadata"]["privacy"] == "dp_release"
    assert classes.pop("resampling_sweep_histograms") == "dp_release"
    assert classes.pop("privacy_report") == "public"
    assert set(classes.values()) == {"private"}
    dp_nodes = [n for n in pipeline.nodes if DP_MECHANISM_TAG in n.tags]
    assert [n.name for n in dp_nodes] == ["release_sweep_histograms"] and "privacy_ledger" in dp_nodes[0].inputs

    leaky = copy.deepcopy(config)
    leaky["mauve_scores"]["metadata"]["privacy"] = "public"
    violations = check_privacy_boundary({"evaluation": pipeline}, leaky, check_catalog_entries=False)
    assert [v.kind for v in violations] and {v.dataset for v in violations} == {"mauve_scores"}
