"""The privacy boundary check: clean graphs pass, planted leaks are caught with their path,
and the hook stops a real ``kedro run``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kedro.io import DataCatalog
from kedro.pipeline import Node, Pipeline

from dp_instructions import hooks as hooks_module
from dp_instructions.exceptions import PrivacyBoundaryError
from dp_instructions.hooks import PrivacyHooks
from dp_instructions.privacy import PrivacyLedger, assert_privacy_boundary, check_privacy_boundary

ROOT = Path(__file__).resolve().parents[2]


def f(*args):
    return None


def node(inputs, outputs, name, dp=False):
    return Node(f, inputs, outputs, name=name, tags=["dp_mechanism"] if dp else None)


def entry(cls, **extra):
    return {"type": "json.JSONDataset", "filepath": "unused.json", "metadata": {"privacy": cls}, **extra}


CATALOG = {
    "raw": entry("private"),
    "train": entry("private"),
    "public_corpus": entry("public"),
    "synthetic": entry("dp_release"),
    "synthetic_resampled": entry("dp_release"),
    "synthetic_extra": entry("dp_release"),
    "report": entry("public"),
    "annotations": entry("dp_release"),
    "privacy_ledger": entry("public"),
    "raw_votes": {"type": "kedro.io.MemoryDataset", "metadata": {"privacy": "private"}},
    "{name}_plot": {
        "type": "matplotlib.MatplotlibDataset",
        "filepath": "{name}.png",
        "metadata": {"privacy": "public"},
    },
    "_anchor": {"ignored": True},
}


def clean_pipelines() -> dict[str, Pipeline]:
    pipes = {
        "data_cleansing": Pipeline(
            [
                node(["raw", "params:data_cleansing"], "cleaned", "clean"),
                node(["cleaned", "parameters"], "train", "split"),
            ]
        ),
        "dp_generation": Pipeline(
            [
                node(["train", "public_corpus", "privacy_ledger", "params:privacy"], "adapter", "train_dp", dp=True),
                node(["adapter", "public_corpus"], "synthetic", "sample"),
            ]
        ),
        "resampling": Pipeline(
            [
                node("train", "train_embeddings", "embed_real"),
                node(["train_embeddings", "synthetic"], "raw_votes", "vote"),
                node(["raw_votes", "privacy_ledger", "params:privacy"], "noisy_histogram", "noisy_histogram", dp=True),
                node(["synthetic", "noisy_histogram"], "synthetic_resampled", "resample"),
            ]
        ),
        "evaluation": Pipeline([node(["synthetic_resampled", "public_corpus"], "mauve_plot", "mauve")]),
        "alignment": Pipeline([node("synthetic_resampled", "annotations", "annotate")]),
    }
    pipes["__default__"] = sum(pipes.values(), start=Pipeline([]))
    return pipes


def with_extra(name: str, *nodes: Node) -> dict[str, Pipeline]:
    pipes = clean_pipelines()
    pipes[name] = pipes[name] + Pipeline(list(nodes))
    pipes["__default__"] = pipes["__default__"] + Pipeline(list(nodes))
    return pipes


def test_a_clean_graph_passes():
    assert check_privacy_boundary(clean_pipelines(), CATALOG) == []
    assert_privacy_boundary(clean_pipelines(), CATALOG)
    assert check_privacy_boundary({"__default__": Pipeline([])}, CATALOG) == []


def test_a_planted_leak_is_caught_with_its_path():
    pipes = with_extra(
        "evaluation",
        node("train", "length_stats", "summarise"),
        node(["length_stats", "synthetic"], "report", "publish"),
    )
    (violation,) = check_privacy_boundary(pipes, CATALOG)
    assert violation.kind == "leak" and violation.dataset == "report"
    assert violation.path == ("train", "summarise", "length_stats", "publish", "report")
    assert set(violation.pipelines) == {"evaluation", "__default__"}
    with pytest.raises(PrivacyBoundaryError) as err:
        assert_privacy_boundary(pipes, CATALOG)
    assert "'train' --[node summarise]--> 'length_stats' --[node publish]--> 'report'" in str(err.value)
    assert "private dataset 'train' reaches public dataset 'report'" in str(err.value)
    assert err.value.violations == [violation]


@pytest.mark.parametrize(
    ("extra", "sink", "path"),
    [
        # straight to a dp_release without a mechanism
        ([node("raw", "synthetic_extra", "copy_raw")], "synthetic_extra", ("raw", "copy_raw", "synthetic_extra")),
        # a name matched by a catalog pattern carries the pattern's class
        ([node("raw_votes", "votes_plot", "plot_votes")], "votes_plot", ("raw_votes", "plot_votes", "votes_plot")),
        # through two memory intermediates
        (
            [node("cleaned", "a", "n1"), node("a", "b", "n2"), node(["b", "public_corpus"], "report", "n3")],
            "report",
            ("cleaned", "n1", "a", "n2", "b", "n3", "report"),
        ),
    ],
)
def test_leaks_through_every_kind_of_edge(extra, sink, path):
    violations = [v for v in check_privacy_boundary(with_extra("data_cleansing", *extra), CATALOG) if v.kind == "leak"]
    assert [(v.dataset, v.path[-1]) for v in violations] == [(sink, sink)]
    if path[0] == "cleaned":  # a memory intermediate is not a source: the path starts at 'raw'
        path = ("raw", "clean", *path)
    assert violations[0].path == path


def test_transcoded_names_are_the_same_data():
    catalog = {**CATALOG, "secrets@polars": entry("private"), "secrets@pandas": entry("private")}
    pipes = {
        "export": Pipeline(
            [
                node("secrets@polars", "scratch@polars", "to_scratch"),
                node("scratch@pandas", "report@pandas", "export"),  # 'report@pandas' -> catalog 'report'
            ]
        )
    }
    (v,) = check_privacy_boundary(pipes, catalog)
    assert v.kind == "leak" and v.path == ("secrets", "to_scratch", "scratch", "export", "report")


def test_the_alignment_pipeline_reads_no_private_data():
    pipes = with_extra("alignment", node(["train", "synthetic_resampled"], "real_annotations", "annotate_with_real"))
    violations = check_privacy_boundary(pipes, CATALOG)
    kinds = {v.kind for v in violations}
    assert "private_input" in kinds
    (v,) = [v for v in violations if v.kind == "private_input"]
    assert v.dataset == "train" and v.pipelines == ("alignment",)
    assert "node 'annotate_with_real' reads private dataset 'train'" in v.message
    # even through a DP mechanism: alignment works on released data only
    pipes = with_extra("alignment", node(["train", "privacy_ledger"], "dp_stats", "dp_stats", dp=True))
    assert any(v.kind == "private_input" for v in check_privacy_boundary(pipes, CATALOG))


def test_a_dataset_without_a_privacy_class_is_an_error():
    catalog = {
        **CATALOG,
        "notes": {"type": "json.JSONDataset", "filepath": "n.json"},
        "weird": entry("secret"),
    }
    pipes = with_extra("evaluation", node(["synthetic", "weird", "mystery"], "summary", "summarise_weird"))
    violations = check_privacy_boundary(pipes, catalog)
    by_dataset = {v.dataset: v for v in violations}
    assert by_dataset.keys() == {"notes", "weird", "mystery", "summary"}
    assert all(v.kind == "unclassified" for v in violations)
    assert "has no `metadata: {privacy: ...}`" in by_dataset["notes"].message
    assert "'secret'" in by_dataset["weird"].message
    assert "free input" in by_dataset["mystery"].message
    assert "free output" in by_dataset["summary"].message
    # memory intermediates ('cleaned', 'adapter', ...) are steps on a path, not errors
    assert not any(v.dataset in {"cleaned", "adapter", "train_embeddings"} for v in violations)


def test_a_dp_mechanism_must_take_the_ledger():
    pipes = with_extra("resampling", node(["train", "params:privacy"], "synthetic_extra", "uncharged_release", dp=True))
    (v,) = check_privacy_boundary(pipes, CATALOG)
    assert v.kind == "mechanism_without_ledger" and v.dataset == "uncharged_release"


# --- the hook ---------------------------------------------------------------------------


def test_hook_passes_with_no_pipelines_and_stops_a_leak(monkeypatch, tmp_path):
    config = {
        "train": {"type": "json.JSONDataset", "filepath": str(tmp_path / "t.json"), "metadata": {"privacy": "private"}},
        "report": {"type": "json.JSONDataset", "filepath": str(tmp_path / "r.json"), "metadata": {"privacy": "public"}},
        "privacy_ledger": {
            "type": "dp_instructions.datasets.privacy_ledger.PrivacyLedgerDataset",
            "filepath": str(tmp_path / "ledger.jsonl"),
            "metadata": {"privacy": "public"},
        },
    }
    catalog = DataCatalog.from_config(config)
    hook = PrivacyHooks()
    hook.after_catalog_created(catalog=catalog, conf_catalog=config)

    monkeypatch.setattr(hooks_module, "_registered_pipelines", lambda: {"__default__": Pipeline([])})
    hook.before_pipeline_run(run_params={"run_id": "run-7"}, pipeline=Pipeline([]), catalog=catalog)
    assert catalog.load("privacy_ledger").run_id == "run-7"  # bound for the run

    leaky = Pipeline([node("train", "report", "publish_train")])
    monkeypatch.setattr(hooks_module, "_registered_pipelines", lambda: {"__default__": leaky, "evaluation": leaky})
    with pytest.raises(PrivacyBoundaryError, match=r"'train' --\[node publish_train\]--> 'report'"):
        hook.before_pipeline_run(run_params={"run_id": "run-8"}, pipeline=leaky, catalog=catalog)

    # without the catalog config (hook driven by hand), the catalog's own metadata is used
    fresh = DataCatalog.from_config(config)
    with pytest.raises(PrivacyBoundaryError, match="publish_train"):
        PrivacyHooks().before_pipeline_run(run_params={"run_id": "r"}, pipeline=leaky, catalog=fresh)


def test_the_project_is_wired_and_its_own_graph_holds():
    """The real settings register the hook; the real catalog and registered pipelines pass
    (this is the boundary check in the test suite)."""
    from kedro.framework.project import pipelines, settings
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(ROOT)
    assert any(isinstance(h, PrivacyHooks) for h in settings.HOOKS)
    with KedroSession.create(project_path=ROOT) as session:
        context = session.load_context()
        conf = context.config_loader["catalog"]
        violations = check_privacy_boundary(dict(pipelines), conf)
        assert violations == [], "\n".join(map(str, violations))
        assert conf["privacy_ledger"]["metadata"] == {"privacy": "public", "kedro-viz": {"layer": "privacy"}}
        assert context.params["privacy"].epsilon > 0


PROBE_NODES = """
import numpy as np
from dp_instructions.privacy import Budget, Gaussian, NoiseSource, PrivacyParameters, fingerprint_texts


def dp_count(texts, ledger, privacy: PrivacyParameters):
    noise = NoiseSource.from_seed(privacy.noise_seed)
    ledger.charge(stage="probe.dp_count", mechanisms=[Gaussian(5.0)], fingerprint=fingerprint_texts(texts),
                  dataset_size=len(texts), budget=Budget.from_params(privacy, len(texts)), noise=noise,
                  dataset="texts")
    return {"count": float(len(texts) + noise.normal(1, 5.0)[0])}


def leak_count(texts):
    return {"count": len(texts)}
"""


def make_probe_project(root: Path, leak: bool) -> Path:
    """A throwaway Kedro project whose settings register the project's PrivacyHooks."""
    (root / "src" / "privacy_probe").mkdir(parents=True)
    (root / "conf" / "base").mkdir(parents=True)
    (root / "conf" / "local").mkdir()
    (root / "data").mkdir()
    (root / "pyproject.toml").write_text(
        textwrap.dedent("""
        [tool.kedro]
        package_name = "privacy_probe"
        project_name = "privacy-probe"
        kedro_init_version = "1.7.0"
        source_dir = "src"
    """)
    )
    pkg = root / "src" / "privacy_probe"
    (pkg / "__init__.py").write_text("")
    (pkg / "settings.py").write_text(
        "from dp_instructions.hooks import PrivacyHooks\nHOOKS = (PrivacyHooks(),)\n"
        # kedro-mlflow registers its hook in every project of the environment; this probe has no mlflow.yml
        'DISABLE_HOOKS_FOR_PLUGINS = ("kedro-mlflow", "kedro_mlflow")\n'
    )
    (pkg / "nodes.py").write_text(PROBE_NODES)
    release = (
        'Node(nodes.leak_count, "texts", "count", name="leak_count")'
        if leak
        else 'Node(nodes.dp_count, ["texts", "privacy_ledger", "params:privacy"], "count", name="dp_count", tags=["dp_mechanism"])'
    )
    (pkg / "pipeline_registry.py").write_text(
        textwrap.dedent(f"""
        from kedro.pipeline import Node, Pipeline
        from privacy_probe import nodes

        def register_pipelines():
            probe = Pipeline([{release}])
            return {{"probe": probe, "__default__": probe}}
    """)
    )
    (root / "data" / "texts.json").write_text(json.dumps([f"text {i}" for i in range(100)]))
    (root / "conf" / "base" / "catalog.yml").write_text(
        textwrap.dedent("""
        texts:
          type: json.JSONDataset
          filepath: data/texts.json
          metadata: {privacy: private}
        count:
          type: json.JSONDataset
          filepath: data/count.json
          metadata: {privacy: dp_release}
        privacy_ledger:
          type: dp_instructions.datasets.privacy_ledger.PrivacyLedgerDataset
          filepath: data/privacy_ledger.jsonl
          metadata: {privacy: public}
    """)
    )
    (root / "conf" / "base" / "parameters.yml").write_text("privacy: {epsilon: 3.0, delta: null, noise_seed: null}\n")
    return root


def kedro_run(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "COLUMNS": "200"}
    kedro = Path(sys.executable).with_name("kedro")
    return subprocess.run([str(kedro), "run"], cwd=project, env=env, capture_output=True, text=True, timeout=120)


def test_kedro_run_is_stopped_by_the_hook_with_the_path_printed(tmp_path):
    project = make_probe_project(tmp_path / "leaky", leak=True)
    result = kedro_run(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "PrivacyBoundaryError" in output
    assert "'texts' --[node leak_count]--> 'count'" in output
    assert not (project / "data" / "count.json").exists()  # stopped before any node ran


def test_kedro_run_passes_and_the_release_is_recorded_under_the_run_id(tmp_path):
    project = make_probe_project(tmp_path / "clean", leak=False)
    result = kedro_run(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "data" / "count.json").exists()
    (record,) = PrivacyLedger(project / "data" / "privacy_ledger.jsonl").records()
    assert record.stage == "probe.dp_count" and record.private
    assert not record.run_id.startswith("adhoc-")  # the Kedro session id, bound by the hook
    assert record.budget.delta == 5e-4  # default for N = 100


def test_pipelines_name_the_tag_and_the_ledger_through_the_constants():
    # One spelling everywhere (issue 11): a pipeline.py that types "dp_mechanism" or
    # "privacy_ledger" itself would silently drift from the boundary check if they changed.
    import ast

    import dp_instructions.pipelines as pipelines
    from dp_instructions.privacy.boundary import DP_MECHANISM_TAG, LEDGER_DATASET

    offenders = []
    for path in sorted(Path(pipelines.__file__).parent.glob("*/pipeline.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in (DP_MECHANISM_TAG, LEDGER_DATASET):
                offenders.append(f"{path.parent.name}/pipeline.py:{node.lineno}: {node.value!r}")
    assert offenders == []
