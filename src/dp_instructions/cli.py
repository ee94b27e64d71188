"""Project CLI commands, added to ``kedro`` inside the project.

Kedro loads ``<package>.cli`` and merges its ``cli`` group with the built-in project
commands (``run``, ``catalog``, …), so this module defines only new commands and
overrides none:

    kedro privacy status [--env ENV] [--ledger LOCATION] [--json]
    kedro privacy verify [--env ENV] [--ledger LOCATION] [--json]
    kedro privacy import-ledger SOURCE [--env ENV]
    kedro privacy audit DATASET [--version V] [--env ENV] [--json]

``status`` prints the budget from ``parameters.yml`` (``privacy:``), the epsilon spent on
each private dataset (all its releases composed with the PRV accountant, at the budget's
delta) and every release recorded in the privacy ledger. ``verify`` re-checks the ledger's
hash chain, recomputes every composed epsilon and exits non-zero naming each record at
fault. ``import-ledger`` copies another ledger (a JSON-lines file of earlier versions, a
SQLite file, a PostgreSQL table) into the catalog's, records and hashes unchanged.
``audit`` walks back from a dataset's version, through the run manifests, to the ledger
releases, the private datasets and the raw inputs behind it.
A LOCATION is a ``.sqlite``/``.jsonl`` file or a ``postgresql://`` connection string
(password from ``PGPASSWORD`` or ``~/.pgpass``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import warnings
from pathlib import Path
from typing import Any

import click

from dp_instructions.privacy.boundary import LEDGER_DATASET

BUDGET_KEYS = ("epsilon", "delta", "histogram_noise_multiplier", "noise_seed")


@click.group(name="dp-instructions")
def cli() -> None:
    """dp-instructions project commands."""


@cli.group()
def privacy() -> None:
    """Privacy budget and ledger."""


def _load_context(metadata: Any, env: str | None) -> tuple[dict[str, Any], Any]:
    """``(parameters, catalog)`` via a real KedroSession."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    project_path = Path(metadata.project_path) if metadata is not None else Path.cwd()
    if metadata is None:
        bootstrap_project(project_path)
    # A report, not a run: keep Kedro's INFO chatter and config-loader warnings out of the
    # output (and out of --json).
    kedro_logger = logging.getLogger("kedro")
    previous_level = kedro_logger.level
    kedro_logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with KedroSession.create(project_path=project_path, env=env) as session:
                context = session.load_context()
                return context.params, context.catalog
    finally:
        kedro_logger.setLevel(previous_level)


def _catalog_ledger(catalog: Any) -> Any:
    from dp_instructions.exceptions import DPInstructionsError

    if LEDGER_DATASET not in catalog:
        raise click.ClickException(f"the catalog has no '{LEDGER_DATASET}' entry (conf/base/catalog.yml)")
    try:
        return catalog.get(LEDGER_DATASET).load()
    except (DPInstructionsError, Exception) as exc:  # DatasetError wraps the store's own error
        raise click.ClickException(f"{LEDGER_DATASET}: {exc}") from exc


def _ledger(metadata: Any, env: str | None, location: str | None) -> Any:
    """The ledger at ``location``, or the catalog's."""
    from dp_instructions.exceptions import DPInstructionsError
    from dp_instructions.privacy.ledger import PrivacyLedger

    if location is not None:
        try:
            return PrivacyLedger(location)
        except DPInstructionsError as exc:
            raise click.ClickException(str(exc)) from exc
    return _catalog_ledger(_load_context(metadata, env)[1])


def _load_project(metadata: Any, env: str | None) -> tuple[Any, Any]:
    """``(privacy parameters, PrivacyLedger from the catalog)``."""
    from pydantic import ValidationError

    from dp_instructions.privacy.parameters import PrivacyParameters

    all_params, catalog = _load_context(metadata, env)
    params = all_params.get("privacy")
    if params is None:
        raise click.ClickException("parameters have no `privacy:` block (conf/base/parameters.yml)")
    if not isinstance(params, PrivacyParameters):  # Kedro validates only what a node type-hints
        try:
            params = PrivacyParameters.model_validate(params)
        except ValidationError as exc:
            raise click.ClickException(f"parameters `privacy` are invalid: {exc}") from exc
    return params, _catalog_ledger(catalog)


LEDGER_OPTION = click.option(
    "--ledger",
    "ledger_location",
    default=None,
    help="Read this ledger (.sqlite or .jsonl file, postgresql:// URL) instead of the catalog's privacy_ledger.",
)
ENV_OPTION = click.option("--env", "-e", default=None, help="Kedro configuration environment (default: local).")


def _mechanisms_text(record: Any) -> str:
    parts = []
    for m in record.mechanisms:
        d = m.to_dict()
        if d["kind"] == "poisson_subsampled_gaussian":
            parts.append(f"DP-SGD σ={d['noise_multiplier']:.4g} q={d['sampling_rate']:.4g} T={d['steps']}")
        else:
            count = f" ×{d['count']}" if d["count"] != 1 else ""
            parts.append(f"Gaussian σ={d['noise_multiplier']:.4g}{count}")
    return "; ".join(parts)


def _code_text(record: Any) -> str:
    cv = record.code_version
    commit = (cv.get("git_commit") or "")[:10]
    dirty = "+dirty" if cv.get("git_dirty") else ""
    return f"{cv.get('package', '?')} {commit}{dirty}".strip()


@privacy.command()
@ENV_OPTION
@LEDGER_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of tables.")
@click.pass_obj
def status(metadata: Any, env: str | None, ledger_location: str | None, as_json: bool) -> None:
    """Budget, epsilon spent per private dataset, and every DP release."""
    from rich.console import Console
    from rich.table import Table

    from dp_instructions.exceptions import DPInstructionsError
    from dp_instructions.privacy.budget import Budget

    params, ledger = _load_project(metadata, env)
    if ledger_location is not None:
        ledger = _ledger(metadata, env, ledger_location)

    def budget_for(n: int) -> Budget:
        return Budget.from_params(params, dataset_size=n)

    try:
        accounts = ledger.accounts(budget_for)
        # A budget cannot be raised after spending (the ledger refuses such charges): where
        # the parameters now ask for more than a dataset's first release was charged under,
        # report against that first budget, which is the one still in force.
        raised = []
        for i, a in enumerate(accounts):
            first = a.releases[0].budget
            if a.budget.epsilon > first.epsilon or a.budget.delta > first.delta:
                raised.append(a.fingerprint)
                accounts[i] = dataclasses.replace(a, budget=first, spent=ledger.spent(a.fingerprint, first.delta))
    except DPInstructionsError as exc:
        raise click.ClickException(str(exc)) from exc

    if as_json:
        click.echo(
            json.dumps(
                {
                    "ledger": ledger.location,
                    "budget": {k: getattr(params, k) for k in BUDGET_KEYS},
                    "datasets": [
                        {
                            "fingerprint": a.fingerprint,
                            "datasets": list(a.datasets),
                            "dataset_size": a.dataset_size,
                            "epsilon_budget": a.budget.epsilon,
                            "delta": a.budget.delta,
                            "epsilon_spent": a.spent,
                            "epsilon_remaining": a.remaining,
                            "releases": len(a.releases),
                            "all_private": a.all_private,
                            "budget_raised_in_parameters": a.fingerprint in raised,
                        }
                        for a in accounts
                    ],
                    "releases": [r.body() | {"hash": r.hash} for a in accounts for r in a.releases],
                },
                indent=2,
            )
        )
        return

    console = Console()
    delta = params.delta
    delta_text = (
        f"{delta:g}" if delta is not None else "default: largest 5e-k strictly below 1/(10 N) (5e-7 for N = 180,000)"
    )
    console.print("[bold]Privacy budget[/bold] (parameters: privacy)")
    console.print(f"  epsilon  {params.epsilon:g} per private dataset, all releases composed (PRV accountant)")
    console.print(f"  delta    {delta_text}")
    if params.histogram_noise_multiplier is not None:
        console.print(f"  histogram noise multiplier  {params.histogram_noise_multiplier:g}")
    seed = params.noise_seed
    console.print(
        "  noise    "
        + ("secure (os.urandom)" if seed is None else f"[bold red]fixed seed {seed}: releases are NOT private[/]")
    )
    console.print(f"  ledger   {ledger.location}")
    console.print()

    if not accounts:
        console.print("No DP releases recorded yet: nothing spent.")
        return

    spent = Table(title="Spent per private dataset (composed, at the budget's delta)")
    for col in ("fingerprint", "dataset", "N", "delta", "spent ε", "budget ε", "remaining ε", "releases", "private"):
        spent.add_column(col, justify="right" if col not in ("fingerprint", "dataset", "private") else "left")
    for a in accounts:
        spent.add_row(
            a.fingerprint.removeprefix("sha256:")[:12],
            ", ".join(a.datasets) or "?",
            f"{a.dataset_size:,}",
            f"{a.budget.delta:g}",
            f"{a.spent:.4f}",
            f"{a.budget.epsilon:g}",
            f"{a.remaining:.4f}",
            str(len(a.releases)),
            "yes" if a.all_private else "[bold red]NO (fixed seed)[/]",
        )
    console.print(spent)
    for fp in raised:
        console.print(
            f"[bold yellow]note[/]: dataset {fp.removeprefix('sha256:')[:12]} keeps the budget its first release "
            "was charged under; the parameters ask for more, and a budget cannot be raised after spending"
        )

    console.print()
    console.print("[bold]Releases[/bold] (oldest first)")
    for r in sorted((r for a in accounts for r in a.releases), key=lambda r: r.seq):
        noise = "secure noise" if r.private else "[bold red]FIXED NOISE SEED: NOT PRIVATE[/]"
        console.print(f"  [bold]#{r.seq}[/bold]  {r.time[:19].replace('T', ' ')} UTC  [bold]{r.stage}[/bold]")
        console.print(
            f"      dataset {r.fingerprint.removeprefix('sha256:')[:12]} ({r.dataset or '?'}, N={r.dataset_size:,})"
            f"   {_mechanisms_text(r)}"
        )
        console.print(
            f"      ε {r.epsilon:.4f} (dataset total {r.epsilon_total:.4f} at δ {r.budget.delta:g})   {noise}"
        )
        console.print(f"      run {r.run_id}   code {_code_text(r)}", highlight=False)


@privacy.command()
@ENV_OPTION
@LEDGER_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def verify(metadata: Any, env: str | None, ledger_location: str | None, as_json: bool) -> None:
    """Re-check the hash chain and recompute every composed epsilon; exit 1 naming each
    record at fault."""
    from dp_instructions.audit.manifest import ledger_heads, load_run_manifests
    from dp_instructions.privacy.ledger.verify import verify_ledger

    catalog = _load_context(metadata, env)[1]
    ledger = _ledger(metadata, env, ledger_location) if ledger_location else _catalog_ledger(catalog)
    result = verify_ledger(ledger, ledger_heads(load_run_manifests(catalog), ledger.location))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ledger": result.location,
                    "ok": result.ok,
                    "records": result.records,
                    "datasets": result.datasets,
                    "heads_checked": result.heads_checked,
                    "problems": [dataclasses.asdict(p) | {"text": str(p)} for p in result.problems],
                },
                indent=2,
            )
        )
    else:
        click.echo(f"privacy ledger {result.location}")
        if result.ok:
            click.echo(
                f"OK: {result.records} record(s) on {result.datasets} private dataset(s); the hash chain is unbroken "
                f"and every epsilon recomputes; {result.heads_checked} head(s) from run manifests found"
            )
        for problem in result.problems:
            click.echo(f"FAIL {problem}", err=True)
    if not result.ok:
        raise SystemExit(1)


@privacy.command(name="import-ledger")
@click.argument("source")
@ENV_OPTION
@click.pass_obj
def import_ledger_command(metadata: Any, env: str | None, source: str) -> None:
    """Copy the ledger at SOURCE (.jsonl or .sqlite file, postgresql:// URL) into the
    catalog's privacy_ledger, records and hashes unchanged (only what it lacks)."""
    from dp_instructions.exceptions import DPInstructionsError
    from dp_instructions.privacy.ledger.importing import import_ledger

    origin = _ledger(metadata, env, source)
    target = _ledger(metadata, env, None)
    try:
        done = import_ledger(origin, target)
    except DPInstructionsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"imported {done.copied} record(s) from {done.source} into {done.target} "
        f"({done.already_there} were already there); run `kedro privacy verify` to check the result"
    )


@privacy.command()
@click.argument("dataset")
@click.option("--version", "version", default=None, help="The dataset's version (default: the latest with a manifest).")
@ENV_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def audit(metadata: Any, dataset: str, version: str | None, env: str | None, as_json: bool) -> None:
    """Which releases, private data and raw inputs stand behind DATASET (a version of it)."""
    from dp_instructions.audit.lineage import audit_dataset
    from dp_instructions.audit.manifest import load_run_manifests
    from dp_instructions.exceptions import DPInstructionsError

    catalog = _load_context(metadata, env)[1]
    ledger = _catalog_ledger(catalog)
    try:
        trail = audit_dataset(dataset, load_run_manifests(catalog), ledger.records(), version)
    except DPInstructionsError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(trail.to_dict(), indent=2))
        return
    click.echo(f"{trail.dataset} version {trail.version or '(unversioned)'}: {trail.privacy or 'unclassified'}")
    if trail.privacy != "dp_release":
        click.echo(f"  note: `{trail.dataset}` is {trail.privacy}, not a dp_release dataset")
    click.echo(f"\nRuns ({len(trail.runs)}, newest first):")
    for run in trail.runs:
        commit = (run["git_commit"] or "?")[:10] + ("+dirty" if run["git_dirty"] else "")
        pipeline = ",".join(run["pipeline"]) if isinstance(run["pipeline"], list) else run["pipeline"]
        click.echo(f"  {run['run_id']}  {pipeline} ({run['status']}, env {run['env']}, code {commit})")
    click.echo(f"\nPrivacy releases behind it ({len(trail.releases)}):")
    for r in trail.releases:
        mechanisms = _mechanisms_text(next(x for x in ledger.records() if x.release_id == r["release_id"]))
        click.echo(
            f"  #{r['seq']} {r['stage']}  {mechanisms}  ε {r['epsilon']:.4f} (dataset total {r['epsilon_total']:.4f} "
            f"of {r['budget']['epsilon']:g} at δ {r['budget']['delta']:g})"
            + ("" if r["private_noise"] else "  FIXED NOISE SEED: NOT PRIVATE")
        )
        used = f"{r['how']} by {r['used_by']['node']} in run {r['used_by']['run_id']}"
        if r["how"] != "charged":
            used += f" (charged in run {r['charged_in_run']})"
        click.echo(
            f"      on {r['dataset'] or '?'} {r['fingerprint'].removeprefix('sha256:')[:12]} (N={r['dataset_size']:,}); {used}"
        )
    click.echo(f"\nPrivate datasets read on the way ({len(trail.private_inputs)}):")
    for d in trail.private_inputs:
        click.echo(
            f"  {d['name']} {d['version'] or '(unversioned)'}  {d['content_hash'] or ''}  read by {d['read_by_run']}"
        )
    click.echo(f"\nRaw inputs (produced by no run) ({len(trail.raw_inputs)}):")
    for d in trail.raw_inputs:
        where = d["path"] or d["type"].rsplit(".", 1)[-1]
        click.echo(
            f"  {d['name']} [{d['privacy']}] {where} {d['version'] or ''}  {d['content_hash'] or 'no content hash'}"
        )
    for gap in trail.gaps:
        click.echo(f"gap: {gap}", err=True)
