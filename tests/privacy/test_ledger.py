"""The privacy ledger: records, composition, refusal, post-processing, concurrency; the
same tests on every backend (SQLite, a real PostgreSQL server, JSON lines)."""

from __future__ import annotations

import json
import multiprocessing
import secrets
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from kedro.io import DataCatalog, DatasetError
from kedro.pipeline import Node, Pipeline
from kedro.runner import SequentialRunner

from dp_instructions.datasets.privacy_ledger import PrivacyLedgerDataset
from dp_instructions.exceptions import (
    InvalidBudgetError,
    InvalidInputError,
    LedgerCorruptError,
    PrivacyBudgetExceededError,
)
from dp_instructions.privacy import (
    Budget,
    Gaussian,
    NoiseSource,
    PrivacyLedger,
    PrivacyParameters,
    SubsampledGaussian,
    compose_epsilon,
    fingerprint_texts,
)
from dp_instructions.privacy.ledger import LedgerStore, open_store
from dp_instructions.privacy.ledger.postgres_store import PostgresLedgerStore

N = 5_000
BUDGET = Budget.for_dataset(4.0, N)  # delta 5e-6
FP = fingerprint_texts([f"instruction {i}" for i in range(N)])
OTHER_FP = fingerprint_texts([f"other {i}" for i in range(N)])
SGD = SubsampledGaussian(1.0, 0.02, 50)
HIST = Gaussian(8.0)


BACKENDS = ("sqlite", "postgresql", "jsonl")
OpenLedger = Callable[..., PrivacyLedger]


def store_for(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> LedgerStore:
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        return PostgresLedgerStore(server.url(), table=f"ledger_{secrets.token_hex(6)}")
    return open_store(tmp_path / ("privacy.sqlite" if backend == "sqlite" else "privacy.jsonl"))


@pytest.fixture(params=BACKENDS)
def open_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> OpenLedger:
    """``open_ledger(run_id=None)``: a new handle on the same (empty at first) ledger."""
    store = store_for(request.param, tmp_path, request)
    return lambda run_id=None: PrivacyLedger(store, run_id=run_id)


def charge(ledger: PrivacyLedger, mechanisms, *, fingerprint=FP, budget=BUDGET, noise=None, stage="stage"):
    return ledger.charge(
        stage=stage,
        mechanisms=mechanisms,
        fingerprint=fingerprint,
        dataset_size=N,
        budget=budget,
        noise=noise or NoiseSource.secure(),
        dataset="instructions_train",
        parameters={"note": "test"},
    )


def test_a_release_is_recorded_with_everything_an_auditor_asks_for(open_ledger):
    ledger = open_ledger(run_id="run-1")
    record = charge(ledger, [SGD], stage="dp_generation.train_generator")
    assert record.seq == 1 and record.run_id == "run-1"
    assert record.stage == "dp_generation.train_generator"
    assert record.fingerprint == FP and record.dataset_size == N and record.dataset == "instructions_train"
    assert record.mechanisms == (SGD,)
    assert record.epsilon == compose_epsilon([SGD], BUDGET.delta) == record.epsilon_total
    assert record.budget == BUDGET and record.private
    assert record.code_version["package"] == "0.1.0"
    assert record.time.endswith("+00:00")  # UTC, ISO 8601
    stored = json.loads(record.to_json())  # the stored form, the same in every backend
    assert stored["mechanisms"] == [SGD.to_dict()] and stored["private"] is True
    assert stored["parameters"] == {"note": "test"} and stored["budget"] == {"epsilon": 4.0, "delta": 5e-6}
    assert open_ledger().records() == [record]  # read back by another handle


def test_releases_on_one_dataset_compose_not_add(open_ledger):
    ledger = open_ledger()
    first = charge(ledger, [SGD])
    second = charge(ledger, [HIST])
    charge(ledger, [SGD], fingerprint=OTHER_FP)  # another dataset: its own account
    composed = compose_epsilon([SGD, HIST], BUDGET.delta)
    assert second.epsilon_total == composed == ledger.spent(FP, BUDGET.delta)
    assert first.epsilon < composed < first.epsilon + second.epsilon
    assert ledger.spent(OTHER_FP, BUDGET.delta) == first.epsilon
    accounts = {a.fingerprint: a for a in ledger.accounts()}
    assert accounts[FP].spent == composed and len(accounts[FP].releases) == 2
    assert accounts[FP].remaining == pytest.approx(4.0 - composed)
    assert [r.seq for r in ledger.records()] == [1, 2, 3]
    assert first.run_id.startswith("adhoc-")  # no Kedro run bound: still identifiable


def test_overspend_is_refused_with_spent_requested_and_budget(open_ledger):
    ledger = open_ledger()
    charge(ledger, [SubsampledGaussian(1.0, 0.02, 400)])
    spent = ledger.spent(FP, BUDGET.delta)
    big = SubsampledGaussian(1.0, 0.02, 700)  # fits alone, not on top of what is spent
    with pytest.raises(PrivacyBudgetExceededError) as err:
        charge(ledger, [big], stage="dp_generation.retrain")
    e = err.value
    assert e.spent == pytest.approx(spent) and e.budget == 4.0 and e.delta == BUDGET.delta
    assert e.requested == pytest.approx(compose_epsilon([big], BUDGET.delta))
    assert e.requested < 4.0 < e.total and e.fingerprint == FP
    message = str(e)
    for figure in (f"spent epsilon={spent:.4f}", f"requested epsilon={e.requested:.4f}", "budget epsilon=4"):
        assert figure in message
    assert "dp_generation.retrain" in message
    assert len(ledger.records()) == 1  # nothing recorded
    # a release that still fits goes through
    charge(ledger, [Gaussian(50.0)])
    assert len(ledger.records()) == 2


def test_a_budget_cannot_be_raised_after_spending(open_ledger):
    ledger = open_ledger()
    charge(ledger, [HIST])
    with pytest.raises(InvalidBudgetError, match="may not raise"):
        charge(ledger, [HIST], budget=Budget.for_dataset(8.0, N))
    with pytest.raises(InvalidBudgetError, match="1/N"):
        charge(ledger, [HIST], budget=Budget(4.0, 1e-3))
    charge(ledger, [HIST], budget=Budget.for_dataset(3.0, N))  # lowering is fine


def test_fixed_seed_is_recorded_as_not_private_and_still_counted(open_ledger):
    ledger = open_ledger()
    record = charge(ledger, [HIST], noise=NoiseSource.fixed(1234))
    assert not record.private
    assert record.noise == {"source": "numpy PCG64 with a fixed seed (NOT PRIVATE)", "private": False, "seed": 1234}
    stored = json.loads(ledger.records()[0].to_json())
    assert stored["private"] is False and stored["noise"]["seed"] == 1234
    assert ledger.spent(FP, BUDGET.delta) == record.epsilon > 0  # never under-count
    (account,) = ledger.accounts()
    assert not account.all_private


def test_tampering_and_torn_writes_are_detected_in_json_lines(tmp_path):
    path = tmp_path / "privacy.jsonl"
    ledger = PrivacyLedger(path)
    for _ in range(3):
        charge(ledger, [HIST])
    good = path.read_text()
    lines = good.splitlines(keepends=True)

    path.write_text(good.replace('"epsilon":4.0', '"epsilon":40.0', 1))
    with pytest.raises(LedgerCorruptError, match=":1: content does not match its hash"):
        ledger.records()
    path.write_text(lines[0] + lines[2])
    with pytest.raises(LedgerCorruptError, match=":2: the hash chain is broken"):
        ledger.records()
    path.write_text(good + lines[0][:40])
    with pytest.raises(LedgerCorruptError, match="incomplete"):
        charge(ledger, [HIST])  # refuses to charge on top of a damaged ledger
    path.write_text(good)
    assert len(ledger.records()) == 3


def test_charge_validates_its_arguments(open_ledger):
    ledger = open_ledger()
    with pytest.raises(InvalidInputError, match="mechanisms"):
        charge(ledger, [])
    with pytest.raises(InvalidInputError, match="fingerprint"):
        charge(ledger, [HIST], fingerprint="train_split")
    with pytest.raises(InvalidInputError, match="noise"):
        ledger.charge(stage="s", mechanisms=[HIST], fingerprint=FP, dataset_size=N, budget=BUDGET, noise=None)
    with pytest.raises(InvalidInputError, match="stage"):
        ledger.charge(stage=" ", mechanisms=[HIST], fingerprint=FP, dataset_size=N, budget=BUDGET, noise=NoiseSource())
    assert not ledger.store.exists() and ledger.records() == []


# --- concurrency -------------------------------------------------------------------------


def _charge_many(open_ledger: OpenLedger, worker: int, count: int, budget_eps: float, out: str) -> None:
    ledger = open_ledger(run_id=f"worker-{worker}")
    outcomes = []
    for _ in range(count):
        try:
            ledger.charge(
                stage=f"worker-{worker}",
                mechanisms=[Gaussian(40.0)],
                fingerprint=FP,
                dataset_size=N,
                budget=Budget.for_dataset(budget_eps, N),
                noise=NoiseSource.secure(),
            )
            outcomes.append("ok")
        except PrivacyBudgetExceededError:
            outcomes.append("refused")
    Path(out).write_text(json.dumps(outcomes))


def _run_workers(open_ledger: OpenLedger, tmp_path: Path, workers: int, count: int, budget_eps: float) -> list[str]:
    ctx = multiprocessing.get_context("fork")  # the workers share nothing but the ledger's location
    procs = [
        ctx.Process(target=_charge_many, args=(open_ledger, w, count, budget_eps, str(tmp_path / f"out{w}.json")))
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    return [o for w in range(workers) for o in json.loads((tmp_path / f"out{w}.json").read_text())]


def test_concurrent_appends_do_not_corrupt_the_ledger(open_ledger, tmp_path):
    outcomes = _run_workers(open_ledger, tmp_path, workers=6, count=5, budget_eps=100.0)
    assert outcomes == ["ok"] * 30
    records = open_ledger().records()  # verifies the hash chain
    assert [r.seq for r in records] == list(range(1, 31))
    assert len({r.release_id for r in records}) == 30
    assert {r.run_id for r in records} == {f"worker-{w}" for w in range(6)}


def test_concurrent_runs_cannot_both_spend_the_last_of_a_budget(open_ledger, tmp_path):
    # the budget fits exactly three releases; eight processes race for it
    budget = Budget.for_dataset(1.0, N)
    budget_eps = compose_epsilon([Gaussian(40.0, count=3)], budget.delta)
    outcomes = _run_workers(open_ledger, tmp_path, workers=8, count=1, budget_eps=budget_eps)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    records = open_ledger().records()
    assert len(records) == 3 and max(r.epsilon_total for r in records) <= budget_eps
    assert open_ledger().spent(FP, budget.delta) <= budget_eps


# --- a Kedro pipeline: DP release, then post-processing ------------------------------------

SIGMA = 2.0


def noisy_length_histogram(texts: list[str], ledger: PrivacyLedger, privacy: PrivacyParameters) -> list[float]:
    """A dp_mechanism node: histogram of text lengths mod 4 (one vote per text: L2
    sensitivity 1) with Gaussian noise, charged to the ledger before it is released."""
    noise = NoiseSource.from_seed(privacy.noise_seed)
    ledger.charge(
        stage="probe.noisy_length_histogram",
        mechanisms=[Gaussian(SIGMA)],
        fingerprint=fingerprint_texts(texts),
        dataset_size=len(texts),
        budget=Budget.from_params(privacy, len(texts)),
        noise=noise,
        dataset="texts",
    )
    counts = np.bincount([len(t) % 4 for t in texts], minlength=4).astype(float)
    return (counts + noise.normal(4, SIGMA)).tolist()


def normalise(histogram: list[float]) -> list[float]:
    """Post-processing of the release: costs nothing, never calls the ledger."""
    clipped = np.clip(histogram, 0, None)
    return (clipped / max(clipped.sum(), 1e-9)).tolist()


def _probe(tmp_path: Path, epsilon: float) -> tuple[Pipeline, DataCatalog]:
    texts = [f"text number {i}" + "!" * (i % 7) for i in range(200)]
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    config = {
        "texts": {
            "type": "json.JSONDataset",
            "filepath": str(tmp_path / "texts.json"),
            "metadata": {"privacy": "private"},
        },
        "noisy_histogram": {
            "type": "json.JSONDataset",
            "filepath": str(tmp_path / "noisy_histogram.json"),
            "metadata": {"privacy": "dp_release"},
        },
        "histogram_shares": {
            "type": "json.JSONDataset",
            "filepath": str(tmp_path / "histogram_shares.json"),
            "metadata": {"privacy": "dp_release"},
        },
        "privacy_ledger": {
            "type": "dp_instructions.datasets.privacy_ledger.PrivacyLedgerDataset",
            "filepath": str(tmp_path / "privacy.jsonl"),
            "metadata": {"privacy": "public"},
        },
    }
    catalog = DataCatalog.from_config(config)
    catalog["params:privacy"] = PrivacyParameters(epsilon=epsilon, delta=None, noise_seed=None)
    pipeline = Pipeline(
        [
            Node(
                noisy_length_histogram,
                ["texts", "privacy_ledger", "params:privacy"],
                "noisy_histogram",
                name="noisy_length_histogram",
                tags=["dp_mechanism"],
            ),
            Node(normalise, "noisy_histogram", "histogram_shares", name="normalise"),
        ]
    )
    return pipeline, catalog


def test_pipeline_refuses_a_second_release_but_reruns_post_processing_for_free(tmp_path):
    delta = Budget.for_dataset(1.0, 200).delta
    one_release = compose_epsilon([Gaussian(SIGMA)], delta)
    pipeline, catalog = _probe(tmp_path, epsilon=one_release * 1.2)  # room for one release only
    catalog.get("privacy_ledger").bind_run("run-A")
    SequentialRunner().run(pipeline, catalog)
    ledger = PrivacyLedger(tmp_path / "privacy.jsonl")
    (record,) = ledger.records()
    assert record.run_id == "run-A" and record.stage == "probe.noisy_length_histogram"
    released = json.loads((tmp_path / "noisy_histogram.json").read_text())

    # the whole pipeline again: a fresh release of the same data would overspend
    pipeline, catalog = _probe(tmp_path, epsilon=one_release * 1.2)
    with pytest.raises(PrivacyBudgetExceededError, match="spent epsilon=.*requested epsilon=.*budget epsilon="):
        SequentialRunner().run(pipeline, catalog)
    assert len(ledger.records()) == 1
    assert json.loads((tmp_path / "noisy_histogram.json").read_text()) == released  # nothing new released

    # post-processing from the released artefact: runs, costs nothing, records nothing
    (tmp_path / "histogram_shares.json").unlink()
    SequentialRunner().run(pipeline.from_nodes("normalise"), catalog)
    shares = json.loads((tmp_path / "histogram_shares.json").read_text())
    assert shares == pytest.approx(normalise(released))
    assert len(ledger.records()) == 1
    assert ledger.spent(record.fingerprint, delta) == record.epsilon


def test_ledger_dataset_loads_a_handle_and_refuses_saves(tmp_path):
    dataset = PrivacyLedgerDataset(filepath=str(tmp_path / "l.jsonl"), metadata={"privacy": "public"})
    assert not dataset.exists()
    dataset.bind_run("run-42")
    handle = dataset.load()
    assert isinstance(handle, PrivacyLedger) and handle.run_id == "run-42"
    assert handle.location == str(tmp_path / "l.jsonl")
    with pytest.raises(DatasetError, match="append-only"):
        dataset.save([{"epsilon": 0}])
    with pytest.raises(DatasetError, match="local file"):
        PrivacyLedgerDataset(filepath="s3://bucket/ledger.jsonl")
    with pytest.raises(DatasetError, match=r"privacy_ledger `filepath` 'ledger.csv': a ledger file ends in \.sqlite"):
        PrivacyLedgerDataset(filepath="ledger.csv")
    with pytest.raises(DatasetError, match="needs `credentials` with a `con`"):
        PrivacyLedgerDataset(backend="postgresql")
    with pytest.raises(DatasetError, match="`table` must be a name"):
        PrivacyLedgerDataset(backend="postgresql", credentials={"con": "postgresql://u@h/db"}, table="a; drop")
    assert PrivacyLedgerDataset(filepath=str(tmp_path / "l.sqlite")).backend == "sqlite"
