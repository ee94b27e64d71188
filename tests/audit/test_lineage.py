"""The audit walk on hand-made manifests: what it follows, and what it reports as gaps."""

from __future__ import annotations

import pytest

from dp_instructions.audit.lineage import audit_dataset
from dp_instructions.exceptions import InvalidInputError


def manifest(run_id, nodes, loaded=(), saved=()):
    def entry(name, version, privacy="private", content_hash=None):
        return {
            "name": name,
            "privacy": privacy,
            "type": "polars.EagerPolarsDataset",
            "path": f"data/{name}",
            "version": version,
            "content_hash": content_hash or f"sha256:{name}{version}",
            "nodes": [],
        }

    return {
        "run_id": run_id,
        "started": run_id,
        "status": "completed",
        "env": "local",
        "pipeline": "p",
        "code": {"git_commit": "abc", "git_dirty": False},
        "nodes": [{"name": n, "inputs": i, "outputs": o, "releases": r} for n, i, o, r in nodes],
        "datasets": {"loaded": [entry(*x) for x in loaded], "saved": [entry(*x) for x in saved], "in_memory": []},
    }


def test_a_versioned_input_without_a_manifest_is_a_gap_not_a_guess():
    m = manifest("r2", [("n", ["train"], ["out"], [])], loaded=[("train", "v0")], saved=[("out", "r2", "dp_release")])
    trail = audit_dataset("out", [m], [])
    assert [d["name"] for d in trail.raw_inputs] == ["train"] and trail.private_inputs[0]["name"] == "train"
    assert trail.gaps == ["`train` version v0 (read by run r2) has no run manifest"]


def test_an_unversioned_file_rewritten_since_is_not_followed_into_the_run_that_wrote_it():
    writer = manifest("r1", [("w", [], ["raw"], [])], saved=[("raw", None, "private", "sha256:new")])
    reader = manifest(
        "r2",
        [("n", ["raw"], ["out"], [])],
        loaded=[("raw", None, "private", "sha256:old")],
        saved=[("out", "r2", "dp_release")],
    )
    trail = audit_dataset("out", [writer, reader], [])
    assert [r["run_id"] for r in trail.runs] == ["r2"] and trail.raw_inputs[0]["content_hash"] == "sha256:old"


def test_only_the_nodes_upstream_of_the_dataset_count():
    m = manifest(
        "r1",
        [("a", ["x"], ["out"], []), ("b", ["y"], ["other"], [{"how": "charged", "release_id": "rel-b"}])],
        loaded=[("x", None), ("y", None)],
        saved=[("out", "r1", "dp_release"), ("other", "r1", "dp_release")],
    )
    trail = audit_dataset("out", [m], [])
    assert trail.releases == [] and [d["name"] for d in trail.raw_inputs] == ["x"]
    other = audit_dataset("other", [m], [])
    assert other.gaps == ["release rel-b used by run r1 is not in the ledger"]


def test_a_dataset_no_manifest_saved_is_refused_by_name():
    with pytest.raises(InvalidInputError, match="no run manifest records a save of `out` at version v9"):
        audit_dataset("out", [], [], "v9")
