"""``kedro privacy audit``: which private data and which releases stand behind a dataset?

The walk starts at the run manifest that saved the dataset (at a version, or the latest)
and follows the run's node graph upstream from it. Every node on the way contributes the
ledger releases it charged, reused or resumed; every input the run loaded rather than
produced is followed into the manifest of the run that saved that version, and so on
until inputs no run produced: the raw data (and public corpora). A version that no
manifest accounts for is reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dp_instructions.exceptions import InvalidInputError
from dp_instructions.privacy.ledger import LedgerRecord

__all__ = ["AuditTrail", "audit_dataset"]

Manifest = Mapping[str, Any]
SKIPPED_INPUTS = ("parameters", "privacy_ledger")


@dataclass
class AuditTrail:
    dataset: str
    version: str | None
    privacy: str | None
    runs: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    private_inputs: list[dict[str, Any]] = field(default_factory=list)
    raw_inputs: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _saved_entry(manifest: Manifest, name: str, version: str | None) -> dict[str, Any] | None:
    for entry in manifest["datasets"]["saved"]:
        if entry["name"] == name and (version is None or entry["version"] == version):
            return entry
    return None


def _producer(manifests: Sequence[Manifest], name: str, version: str | None) -> tuple[Manifest, dict] | None:
    """The newest completed-or-not run that saved ``name`` at ``version`` (any version if None)."""
    for manifest in reversed(manifests):
        entry = _saved_entry(manifest, name, version)
        if entry is not None:
            return manifest, entry
    return None


def _upstream(manifest: Manifest, targets: set[str]) -> tuple[list[dict], set[str]]:
    """The run's nodes upstream of ``targets`` and the inputs they took from outside the run."""
    producer_of = {out: node for node in manifest["nodes"] for out in node["outputs"]}
    nodes: dict[str, dict] = {}
    external: set[str] = set()
    stack = list(targets)
    while stack:
        name = stack.pop()
        node = producer_of.get(name)
        if node is None:
            if name not in targets:
                external.add(name)
            continue
        if node["name"] in nodes:
            continue
        nodes[node["name"]] = node
        stack += [i for i in node["inputs"] if not i.startswith("params:") and i not in SKIPPED_INPUTS]
    return list(nodes.values()), external


def _loaded_entry(manifest: Manifest, name: str) -> dict[str, Any] | None:
    for entry in manifest["datasets"]["loaded"]:
        if entry["name"] == name:
            return entry
    return None


def audit_dataset(
    name: str, manifests: Sequence[Manifest], records: Sequence[LedgerRecord], version: str | None = None
) -> AuditTrail:
    start = _producer(manifests, name, version)
    if start is None:
        at = f" at version {version}" if version else ""
        raise InvalidInputError(
            f"no run manifest records a save of `{name}`{at}: nothing to audit (manifests are written from this "
            "version on; run the pipeline that produces it)"
        )
    manifest, entry = start
    trail = AuditTrail(dataset=name, version=entry["version"], privacy=entry["privacy"])
    by_release = {r.release_id: r for r in records}
    queue: list[tuple[Manifest, set[str]]] = [(manifest, {name})]
    seen: set[tuple[str, str]] = set()
    listed_releases: set[str] = set()
    listed_inputs: set[tuple[str, str | None]] = set()
    while queue:
        manifest, targets = queue.pop(0)
        run_id = manifest["run_id"]
        targets = {t for t in targets if (run_id, t) not in seen}
        if not targets:
            continue
        seen |= {(run_id, t) for t in targets}
        if run_id not in {r["run_id"] for r in trail.runs}:
            trail.runs.append(
                {
                    "run_id": run_id,
                    "pipeline": manifest["pipeline"],
                    "status": manifest["status"],
                    "env": manifest["env"],
                    "git_commit": manifest["code"].get("git_commit"),
                    "git_dirty": manifest["code"].get("git_dirty"),
                    "manifest_version": manifest.get("manifest_version"),
                    "started": manifest.get("started"),
                }
            )
        nodes, external = _upstream(manifest, targets)
        for node in nodes:
            for use in node["releases"]:
                if use["release_id"] in listed_releases:
                    continue
                listed_releases.add(use["release_id"])
                record = by_release.get(use["release_id"])
                if record is None:
                    trail.gaps.append(f"release {use['release_id']} used by run {run_id} is not in the ledger")
                    continue
                trail.releases.append(
                    {
                        "release_id": record.release_id,
                        "seq": record.seq,
                        "stage": record.stage,
                        "how": use["how"],
                        "used_by": {"run_id": run_id, "node": node["name"]},
                        "charged_in_run": record.run_id,
                        "dataset": record.dataset,
                        "fingerprint": record.fingerprint,
                        "dataset_size": record.dataset_size,
                        "mechanisms": [m.to_dict() for m in record.mechanisms],
                        "epsilon": record.epsilon,
                        "epsilon_total": record.epsilon_total,
                        "budget": {"epsilon": record.budget.epsilon, "delta": record.budget.delta},
                        "private_noise": record.private,
                    }
                )
        for input_name in sorted(external):
            loaded = _loaded_entry(manifest, input_name)
            if loaded is None:  # an in-memory input of a partial run: nothing persisted to follow
                trail.gaps.append(f"`{input_name}` was an input of run {run_id} but not loaded from the catalog")
                continue
            producer = _producer(manifests, input_name, loaded["version"]) if loaded["version"] else None
            if producer is None and loaded["version"] is None:
                producer = _producer(manifests, input_name, None)
                if producer is not None and producer[1]["content_hash"] != loaded["content_hash"]:
                    producer = None  # an unversioned file rewritten since: not the one this run read
            key = (input_name, loaded["version"])
            if loaded["privacy"] == "private" and key not in listed_inputs:
                trail.private_inputs.append({**loaded, "read_by_run": run_id})
            if producer is not None:
                queue.append((producer[0], {input_name}))
            elif key not in listed_inputs:
                if loaded["version"] is not None:
                    trail.gaps.append(
                        f"`{input_name}` version {loaded['version']} (read by run {run_id}) has no run manifest"
                    )
                trail.raw_inputs.append({**loaded, "read_by_run": run_id})
            listed_inputs.add(key)
    trail.releases.sort(key=lambda r: r["seq"])
    trail.runs.sort(key=lambda r: r["started"] or "", reverse=True)
    return trail
