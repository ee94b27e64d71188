"""The lineage graph: `kedro viz build` of a project after a tiny run, then the page opened
in a real headless browser (Debian's Chromium). Each stage is a collapsible namespace, the
layers follow the data layers, a node's panel shows its datasets' privacy classes, and
only public and dp_release datasets have previews."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

STAGES = {"data_cleansing", "dp_generation", "resampling", "evaluation", "alignment"}
LAYERS = [
    "privacy",
    "raw",
    "intermediate",
    "primary",
    "models",
    "model_input",
    "model_output",
    "alignment",
    "reporting",
]


@pytest.fixture(scope="module")
def built(tiny_default_run) -> tuple[Path, dict]:
    """`kedro viz build` in the project of the tiny run of every pipeline (tests/conftest.py)."""
    project = tiny_default_run
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1"}
    kedro = str(Path(sys.executable).with_name("kedro"))
    result = subprocess.run(
        [kedro, "viz", "build", "--include-previews"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0 and "Success" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
    return project, json.loads((project / "build/api/main").read_text())


def catalog_privacy(project: Path) -> dict[str, str]:
    out = {}
    for path in (project / "conf/base").glob("catalog*.yml"):
        for name, entry in (yaml.safe_load(path.read_text()) or {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("metadata"), dict):
                out[name] = entry["metadata"]["privacy"]
    return out


def test_each_stage_is_a_namespace_and_the_layers_follow_the_data_layers(built):
    project, main = built
    assert STAGES <= set(main["modular_pipelines"]) and STAGES <= {p["id"] for p in main["pipelines"]}
    layers = main["layers"]
    assert set(layers) == set(LAYERS)
    chain = [layer for layer in layers if layer != "privacy"]  # the ledger is a source band, above or below raw
    assert chain == [layer for layer in LAYERS if layer != "privacy"]
    assert layers.index("privacy") < layers.index("models")
    layer_of = {n["name"]: n.get("layer") for n in main["nodes"] if n["type"] == "data"}
    assert layer_of["raw_conversations"] == "raw" and layer_of["instructions_train"] == "primary"
    assert layer_of["synthetic_resampled"] == "model_output" and layer_of["sft_dataset"] == "alignment"


def test_only_public_and_dp_release_datasets_are_previewed(built):
    project, main = built
    privacy = catalog_privacy(project)
    previewed, refused = set(), set()
    for node in main["nodes"]:
        file = project / "build/api/nodes" / node["id"]
        if node["type"] != "data" or not file.exists():
            continue
        preview = json.loads(file.read_text()).get("preview")
        (previewed if preview else refused).add(node["name"])
    assert previewed and all(privacy[name] in ("public", "dp_release") for name in previewed), previewed
    assert {"synthetic_initial", "synthetic_resampled", "dp_histogram"} <= previewed
    assert {"instructions_train", "cleansing_dropped", "dp_training_report"} <= refused  # they exist on disk


def test_each_node_panel_shows_its_datasets_privacy_classes(built):
    project, main = built
    node = next(n for n in main["nodes"] if n["type"] == "task" and n["name"] == "train_dp_generator")
    preview = json.loads((project / "build/api/nodes" / node["id"]).read_text())["preview"]
    assert '["instructions_train<br/>private"]:::private --> node' in preview["content"]
    assert 'node --> o0["dp_generator<br/>dp_release"]:::dp_release' in preview["content"]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_page_shows_the_stages_layers_and_privacy_classes_in_a_real_browser(built, tmp_path):
    project, main = built
    browser = chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must open the lineage graph in a real browser: Chromium not found")
        pytest.skip("Chromium not found (apt-get install chromium)")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(project / "build"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    headless = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    headless += ["--window-size=1600,1000", "--virtual-time-budget=20000"]
    # The DP fine-tuning node selected, its stage expanded: kedro-viz opens the node's panel.
    node = next(n for n in main["nodes"] if n["type"] == "task" and n["name"] == "train_dp_generator")
    selected = f"{url}?pid=__default__&sid={node['id']}&sn={node['full_name']}&expandAllPipelines=true"
    screenshots = Path(os.environ.get("DP_INSTRUCTIONS_SCREENSHOTS", tmp_path))
    screenshots.mkdir(parents=True, exist_ok=True)
    try:
        dom = subprocess.run([*headless, "--dump-dom", url], capture_output=True, text=True, timeout=180).stdout
        panel_dom = subprocess.run(
            [*headless, "--dump-dom", selected], capture_output=True, text=True, timeout=180
        ).stdout
        for name, page in (("kedro-viz.png", url), ("kedro-viz-node-panel.png", selected)):
            subprocess.run(
                [*headless, "--hide-scrollbars", f"--screenshot={screenshots / name}", page],
                capture_output=True,
                timeout=180,
            )
    finally:
        server.shutdown()
    # Collapsed stages hide their inner datasets, and a band with none visible is not drawn.
    for layer in ("raw", "primary", "models", "model_output", "reporting"):
        assert f'data-id="layer-label--{layer}"' in dom, layer
    for stage in STAGES:
        assert f">{stage}<" in dom, stage  # the collapsed stage in the pipeline tree
    assert (screenshots / "kedro-viz.png").stat().st_size > 50_000
    # The node's panel as the browser rendered it (the Mermaid preview, as text): every
    # dataset it reads or writes with its privacy class, and the node marked dp_mechanism.
    rendered = panel_dom[panel_dom.index("mermaid-renderer__content") :]
    rendered = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", rendered, flags=re.S)))
    for label in (
        "dp_generation.train_dp_generator dp_mechanism",
        "instructions_train private",
        "public_base_model public",
        "dp_generator dp_release",
    ):
        assert label in rendered, label
    assert (screenshots / "kedro-viz-node-panel.png").stat().st_size > 50_000
