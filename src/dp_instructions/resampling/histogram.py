"""The noisy vote histogram: the one DP release of the resampling stage, and the one
implementation of a Gaussian vote-histogram release in the project (the evaluation's
K x sigma sweep releases its histograms through :func:`release_vote_histogram` too).

Each real instruction votes for the centroid nearest to its embedding (the Rust kernel:
exact distances, one vote per row, so the count vector has L2 sensitivity 1 under
adding or removing one instruction); Gaussian noise of standard deviation sigma
(``privacy.histogram_noise_multiplier``) is added to every count from the secure source;
the release is charged to the privacy ledger *before* the noise is drawn; and only the
noisy counts, rounded to integers, leave :func:`release_vote_histogram`. The raw counts
never reach a dataset, a log line or a report.

Order of work (validate first, release last): everything that can fail on bad input
(parameters, empty or duplicated data, the budget's delta, non-finite embeddings, the
vote count itself) happens before the ledger is charged, so a bad input costs no privacy.

Reuse: a release is identified by its *release key*, the hash of what determines it:
the private data (its ledger fingerprint), the cluster geometry (``Clustering.digest``),
sigma, N and the noise source. If a histogram with the same key was released before
(:class:`ReleasedHistograms`, read from the earlier versions of ``dp_histogram``), it is
returned as it is: using a released artefact again is post-processing, costs nothing and
leaves no ledger record; the real instructions are not even embedded. The earlier release
must be in the privacy ledger (same release id, stage, data and key): a histogram file
the ledger does not vouch for is refused. A second *release*
on the same data would be a new charge that the budget (sized by DP fine-tuning for one
histogram) refuses. Rounding the noisy counts (post-processing) also keeps the raw
floating-point noise out of the release (Mironov 2012).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import numbers
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from dp_instructions import native
from dp_instructions.exceptions import InvalidInputError, NonFiniteValueError, PrivacyError
from dp_instructions.faults import failpoint
from dp_instructions.privacy.accounting import Gaussian
from dp_instructions.privacy.budget import Budget
from dp_instructions.privacy.fingerprint import fingerprint_texts
from dp_instructions.privacy.ledger import LedgerRecord, PrivacyLedger
from dp_instructions.privacy.noise import NoiseSource
from dp_instructions.privacy.parameters import PrivacyParameters
from dp_instructions.resampling.clustering import Clustering

__all__ = [
    "PRIVATE_DATASET",
    "SCHEMA",
    "STAGE",
    "HistogramRelease",
    "HistogramRequest",
    "NoisyHistogram",
    "ReleasedHistograms",
    "count_votes",
    "prepare_release",
    "release_key",
    "release_noisy_histogram",
    "release_vote_histogram",
    "request_histogram",
]

log = logging.getLogger(__name__)

SCHEMA = "dp-instructions/noisy-histogram/v1"
#: Ledger stage of the release.
STAGE = "resampling.release_noisy_histogram"
#: The private dataset the votes come from (catalog name), as recorded in the ledger.
PRIVATE_DATASET = "instructions_train"
#: The catalog dataset the release is saved to (its versions are the store of earlier releases).
RELEASE_DATASET = "dp_histogram"


def _noise_label(noise_seed: int | None) -> str:
    return "secure" if noise_seed is None else f"fixed:{int(noise_seed)}"


def release_key(
    fingerprint: str, clustering_digest: str, sigma: float, dataset_size: int, noise_seed: int | None
) -> str:
    """Identity of a histogram release: equal keys mean the same query on the same data
    with the same noise distribution, so the earlier answer can stand in for a new one."""
    body = {
        "schema": SCHEMA,
        "fingerprint": fingerprint,
        "clustering": clustering_digest,
        "sigma": float(sigma).hex(),  # exact: 10 and 10.0 agree, 10.000001 does not
        "N": int(dataset_size),
        "noise": _noise_label(noise_seed),
    }
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return "sha256:" + hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class NoisyHistogram:
    """A released noisy vote histogram (the ``dp_histogram`` dataset; JSON)."""

    release_key: str
    num_clusters: int
    sigma: float
    dataset_size: int
    noisy_counts: tuple[int, ...]
    """Vote count + N(0, sigma^2) noise per cluster, rounded; may be negative."""
    fingerprint: str
    clustering_digest: str
    noise: dict[str, Any]
    """The ledger's description of the noise source (``private: false`` for a fixed seed)."""
    release_id: str
    """The ledger record of the release."""
    released_at: str
    run_id: str | None = None
    dataset: str = PRIVATE_DATASET

    def counts(self) -> npt.NDArray[np.int64]:
        return np.asarray(self.noisy_counts, dtype=np.int64)

    def shares(self) -> npt.NDArray[np.float64]:
        """Negative counts clipped to zero, renormalised to sum to 1 (all zero if none is
        positive)."""
        clipped = np.clip(self.counts().astype(np.float64), 0.0, None)
        total = clipped.sum()
        return clipped / total if total > 0 else clipped

    @property
    def private(self) -> bool:
        return bool(self.noise.get("private", False))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "release_key": self.release_key,
            "K": self.num_clusters,
            "sigma": self.sigma,
            "N": self.dataset_size,
            "noisy_counts": list(self.noisy_counts),
            "dataset": self.dataset,
            "fingerprint": self.fingerprint,
            "clustering_digest": self.clustering_digest,
            "noise": dict(self.noise),
            "release_id": self.release_id,
            "run_id": self.run_id,
            "released_at": self.released_at,
        }

    @classmethod
    def from_json(cls, data: Any, source: str = "dp_histogram") -> NoisyHistogram:
        """Parse and check a released histogram; :class:`InvalidInputError` names ``source``
        and the field at fault."""
        if not isinstance(data, Mapping):
            raise InvalidInputError(f"{source}: a released histogram must be a JSON object")
        if data.get("schema") != SCHEMA:
            raise InvalidInputError(f"{source}: `schema` is {data.get('schema')!r}, expected {SCHEMA!r}")
        missing = [
            k
            for k in (
                "release_key",
                "K",
                "sigma",
                "N",
                "noisy_counts",
                "fingerprint",
                "clustering_digest",
                "noise",
                "release_id",
                "released_at",
            )
            if k not in data
        ]
        if missing:
            raise InvalidInputError(f"{source}: missing field(s) {missing}")
        k, n, sigma, counts = data["K"], data["N"], data["sigma"], data["noisy_counts"]
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidInputError(f"{source}: `K` must be a positive int, got {k!r}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInputError(f"{source}: `N` must be a positive int, got {n!r}")
        if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real) or not (math.isfinite(sigma) and sigma > 0):
            raise InvalidInputError(f"{source}: `sigma` must be a finite number > 0, got {sigma!r}")
        if (
            not isinstance(counts, list)
            or len(counts) != k
            or any(isinstance(c, bool) or not isinstance(c, int) for c in counts)
        ):
            raise InvalidInputError(f"{source}: `noisy_counts` must be a list of K = {k} integers")
        return cls(
            release_key=str(data["release_key"]),
            num_clusters=k,
            sigma=float(sigma),
            dataset_size=n,
            noisy_counts=tuple(int(c) for c in counts),
            fingerprint=str(data["fingerprint"]),
            clustering_digest=str(data["clustering_digest"]),
            noise=dict(data["noise"]),
            release_id=str(data["release_id"]),
            released_at=str(data["released_at"]),
            run_id=data.get("run_id"),
            dataset=str(data.get("dataset", PRIVATE_DATASET)),
        )


class ReleasedHistograms(Mapping[str, NoisyHistogram]):
    """Earlier releases by release key; the earliest wins when a key was released twice
    (e.g. by two concurrent runs: both are valid releases, the first is kept).

    ``journal``: a folder where each new release is written the moment its noise is drawn
    (:func:`journal_release`), before the node returns and Kedro saves its outputs, so that
    a run killed in between leaves the release for the next run to reuse instead of a
    spent budget and nothing to show for it."""

    def __init__(self, releases: Iterable[tuple[str, NoisyHistogram]] = (), journal: Path | None = None):
        self.journal = journal
        self._by_key: dict[str, tuple[str, NoisyHistogram]] = {}
        for source, histogram in sorted(releases, key=lambda sr: (sr[1].released_at, sr[0])):
            self._by_key.setdefault(histogram.release_key, (source, histogram))

    def __getitem__(self, key: str) -> NoisyHistogram:
        return self._by_key[key][1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def source(self, key: str) -> str:
        """Where the release with ``key`` was read from (e.g. its version folder)."""
        return self._by_key[key][0]


@dataclass(frozen=True)
class HistogramRequest:
    """Everything the release needs from the private side, checked; and the earlier
    release with the same key, if any. The defaults describe the resampling stage's
    release; the evaluation sweep names its own stage, voters and store."""

    release_key: str
    fingerprint: str
    dataset_size: int
    sigma: float
    noise_seed: int | None
    budget: Budget
    clustering_digest: str
    num_clusters: int
    earlier: NoisyHistogram | None = None
    earlier_source: str | None = None
    stage: str = STAGE
    """Ledger stage of the release; an earlier release is reused only if the ledger holds
    it under this stage."""
    dataset: str = PRIVATE_DATASET
    """Catalog name of the private dataset that votes."""
    store: str = RELEASE_DATASET
    """Catalog name of the dataset the release is saved to (named in errors)."""
    purpose: str | None = None
    """Why the histogram is released, recorded in the ledger parameters (``None``: not recorded)."""
    journal: Path | None = None
    """Where the release is written as soon as it exists (:class:`ReleasedHistograms`)."""

    @property
    def reuse(self) -> bool:
        return self.earlier is not None


@dataclass(frozen=True)
class HistogramRelease:
    """What :func:`release_vote_histogram` returns: the histogram, and the ledger record it
    was charged as (``None`` when an earlier release was reused, for free)."""

    histogram: NoisyHistogram
    record: LedgerRecord | None

    @property
    def reused(self) -> bool:
        return self.record is None


def request_histogram(
    *,
    fingerprint: str,
    dataset_size: int,
    sigma: float,
    noise_seed: int | None,
    budget: Budget,
    clustering: Clustering,
    released: Mapping[str, NoisyHistogram],
    stage: str = STAGE,
    dataset: str = PRIVATE_DATASET,
    store: str = RELEASE_DATASET,
    purpose: str | None = None,
) -> HistogramRequest:
    """The request for the histogram of already checked private data (``fingerprint``,
    ``dataset_size``) over ``clustering``, with the earlier release of the same key from
    ``released``, if any. Spends nothing."""
    key = release_key(fingerprint, clustering.digest, sigma, dataset_size, noise_seed)
    earlier = released.get(key)
    source = released.source(key) if earlier is not None and isinstance(released, ReleasedHistograms) else None
    return HistogramRequest(
        release_key=key,
        fingerprint=fingerprint,
        dataset_size=dataset_size,
        sigma=sigma,
        noise_seed=noise_seed,
        budget=budget,
        clustering_digest=clustering.digest,
        num_clusters=clustering.num_clusters,
        earlier=earlier,
        earlier_source=source,
        stage=stage,
        dataset=dataset,
        store=store,
        purpose=purpose,
        journal=released.journal if isinstance(released, ReleasedHistograms) else None,
    )


def journal_release(journal: Path, histogram: NoisyHistogram) -> Path:
    """Write ``histogram`` to ``journal/<release id>.json`` atomically (a partial file,
    fsync, rename): the release survives the process from here on."""
    journal.mkdir(parents=True, exist_ok=True)
    path = journal / f"{histogram.release_id}.json"
    partial = journal / f".{path.name}.partial"
    with open(partial, "w", encoding="utf-8") as fh:
        json.dump(histogram.to_json(), fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, path)
    return path


def _sigma(privacy: PrivacyParameters) -> float:
    if privacy.histogram_noise_multiplier is None:
        raise InvalidInputError(
            "parameter `privacy.histogram_noise_multiplier` is null: the resampling stage releases a noisy "
            "histogram and needs its noise multiplier"
        )
    return privacy.histogram_noise_multiplier


def check_private_instructions(instructions: pl.DataFrame, dataset: str = PRIVATE_DATASET) -> None:
    """The private split: a non-empty frame with unique ids and non-null texts. One row is
    one instruction and casts one vote (sensitivity 1), so a duplicated id is refused."""
    if not isinstance(instructions, pl.DataFrame):
        raise InvalidInputError(f"{dataset} must be a polars DataFrame, got {type(instructions).__name__}")
    missing = [c for c in ("id", "text") if c not in instructions.columns]
    if missing:
        raise InvalidInputError(f"{dataset} has no column(s) {missing} (it has {instructions.columns})")
    if instructions.height == 0:
        raise InvalidInputError(f"{dataset} is empty: there are no real instructions to vote")
    nulls = instructions["text"].null_count()
    if nulls:
        raise InvalidInputError(f"{dataset}: column `text` has {nulls} null value(s)")
    if instructions["text"].dtype != pl.String:
        raise InvalidInputError(f"{dataset}: column `text` has dtype {instructions['text'].dtype}, expected String")
    duplicated = instructions.height - instructions["id"].n_unique()
    if duplicated:
        raise InvalidInputError(
            f"{dataset}: column `id` has {duplicated} duplicated value(s); each instruction must cast exactly one vote"
        )


def prepare_release(
    instructions: pl.DataFrame,
    clustering: Clustering,
    released: Mapping[str, NoisyHistogram],
    privacy: PrivacyParameters,
) -> HistogramRequest:
    """Check the private side and the privacy parameters, and look for an earlier release
    of the same histogram. Spends nothing."""
    check_private_instructions(instructions)
    n = instructions.height
    budget = Budget.from_params(privacy, n)
    sigma = _sigma(privacy)
    noise_seed = privacy.noise_seed
    NoiseSource.from_seed(noise_seed)  # validates the seed now, not after the charge
    return request_histogram(
        fingerprint=fingerprint_texts(instructions["text"]),
        dataset_size=n,
        sigma=sigma,
        noise_seed=noise_seed,
        budget=budget,
        clustering=clustering,
        released=released,
    )


def count_votes(
    real_embeddings: npt.NDArray[np.float32],
    clustering: Clustering,
    dataset_size: int,
    *,
    num_threads: int | None = None,
    dataset: str = PRIVATE_DATASET,
) -> npt.NDArray[np.int64]:
    """Raw vote counts (private: callers must not let them leave the release). Every one
    of the ``dataset_size`` instructions of ``dataset`` casts exactly one vote."""
    if not isinstance(real_embeddings, np.ndarray) or real_embeddings.ndim != 2:
        raise InvalidInputError(f"embeddings of {dataset} must be a 2-d numpy array")
    if real_embeddings.shape[0] != dataset_size:
        raise InvalidInputError(
            f"{real_embeddings.shape[0]} real embeddings for {dataset_size} instructions in {dataset}: "
            "each instruction must have exactly one embedding (one vote)"
        )
    if not np.isfinite(real_embeddings).all():
        raise NonFiniteValueError(f"embeddings of {dataset} hold NaN or infinite values; nothing was released")
    x = np.ascontiguousarray(clustering.project(np.ascontiguousarray(real_embeddings, dtype=np.float32)))
    votes = native.vote_counts(x, clustering.centroids, num_threads=num_threads)
    if votes.shape != (clustering.num_clusters,) or int(votes.sum()) != dataset_size or (votes < 0).any():
        # Sensitivity 1 rests on this: one vote per instruction, nothing more, nothing less.
        raise InvalidInputError(
            f"vote count inconsistent: {int(votes.sum())} votes over {votes.shape} clusters for "
            f"{dataset_size} instructions of {dataset}; nothing was released"
        )
    return votes


def _check_reuse_is_recorded(ledger: PrivacyLedger, request: HistogramRequest) -> None:
    """A histogram is reused only if the ledger holds its release (same id, stage, data
    and key). A JSON file alone proves nothing: an orphaned one (ledger reset, file copied
    from another project) or one written by hand would otherwise pass as a DP release with
    no privacy accounted for. (The ledger is charged before the noise exists, so it cannot
    hold a digest of the counts; write access to data/ remains trusted.)"""
    histogram = request.earlier
    assert histogram is not None
    for record in ledger.records():
        if record.release_id == histogram.release_id:
            if (
                record.stage == request.stage
                and record.fingerprint == histogram.fingerprint
                and record.parameters.get("release_key") == histogram.release_key
            ):
                ledger.note_reuse(record.release_id)
                return
            break
    raise PrivacyError(
        f"the released histogram {histogram.release_id} (released {histogram.released_at}) matches this run, "
        f"but the privacy ledger {ledger.location} has no record of that release ({request.stage}) for this data and "
        f"key, so it cannot be trusted as a DP release. Restore the ledger it was charged to, or remove that "
        f"{request.store} version ({request.earlier_source or 'its file'}) to release anew (which the budget may "
        "refuse)"
    )


def release_vote_histogram(
    request: HistogramRequest,
    real_embeddings: npt.NDArray[np.float32] | None,
    clustering: Clustering,
    ledger: PrivacyLedger,
    *,
    noise: NoiseSource | None = None,
    num_threads: int | None = None,
) -> HistogramRelease:
    """The one Gaussian vote-histogram release: the earlier release with the same key if
    the ledger vouches for it (free), or a new one: votes counted, the ledger charged
    (which may refuse: :class:`~dp_instructions.exceptions.PrivacyBudgetExceededError`),
    then the noise drawn from ``noise`` (default: a new source for ``request.noise_seed``;
    the sweep passes one source for all its points, so their draws follow one stream) and
    the counts rounded. ``real_embeddings`` may be ``None`` when the request is a reuse."""
    if request.clustering_digest != clustering.digest:
        raise InvalidInputError("the histogram request was prepared for other clusters")
    if request.earlier is not None:
        _check_reuse_is_recorded(ledger, request)
        log.info(
            "reusing the noisy histogram released %s (release %s, from %s) for the same private data, clusters, "
            "sigma and N: post-processing, no privacy spent, no ledger record",
            request.earlier.released_at,
            request.earlier.release_id,
            request.earlier_source or "the store",
        )
        return HistogramRelease(request.earlier, None)
    if real_embeddings is None:
        raise InvalidInputError(f"no embeddings of {request.dataset}: they are needed for a new release")
    votes = count_votes(
        real_embeddings, clustering, request.dataset_size, num_threads=num_threads, dataset=request.dataset
    )
    if noise is None:
        noise = NoiseSource.from_seed(request.noise_seed)
    parameters: dict[str, Any] = {
        "K": request.num_clusters,
        "sigma": request.sigma,
        "sensitivity": 1,
        "release_key": request.release_key,
        "clustering_digest": request.clustering_digest,
    }
    if request.purpose is not None:
        parameters["purpose"] = request.purpose
    record = ledger.charge(
        stage=request.stage,
        mechanisms=[Gaussian(request.sigma)],
        fingerprint=request.fingerprint,
        dataset_size=request.dataset_size,
        budget=request.budget,
        noise=noise,
        dataset=request.dataset,
        parameters=parameters,
    )
    noisy = np.rint(votes.astype(np.float64) + noise.normal(votes.shape[0], request.sigma)).astype(np.int64)
    del votes
    log.info(
        "released the noisy vote histogram of %s (K=%d, sigma=%g, N=%d), ledger release %s",
        request.dataset,
        request.num_clusters,
        request.sigma,
        request.dataset_size,
        record.release_id,
    )
    released = NoisyHistogram(
        release_key=request.release_key,
        num_clusters=request.num_clusters,
        sigma=request.sigma,
        dataset_size=request.dataset_size,
        noisy_counts=tuple(int(c) for c in noisy),
        fingerprint=request.fingerprint,
        clustering_digest=request.clustering_digest,
        noise=noise.describe(),
        release_id=record.release_id,
        released_at=record.time,
        run_id=record.run_id,
        dataset=request.dataset,
    )
    if request.journal is not None:
        journal_release(request.journal, released)
    failpoint("histogram.released")
    return HistogramRelease(released, record)


def release_noisy_histogram(
    request: HistogramRequest,
    real_embeddings: npt.NDArray[np.float32] | None,
    clustering: Clustering,
    ledger: PrivacyLedger,
    *,
    num_threads: int | None = None,
) -> NoisyHistogram:
    """The resampling stage's DP release (or the earlier one with the same key, reused for
    free): :func:`release_vote_histogram`'s histogram."""
    return release_vote_histogram(request, real_embeddings, clustering, ledger, num_threads=num_threads).histogram
