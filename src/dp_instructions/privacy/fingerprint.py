"""Content fingerprints of private datasets: the key under which the ledger adds up spent
privacy.

Why content and not a catalog name: a budget belongs to the *data*. The same
instructions saved under another name, re-read from another version, or shuffled must
land on the same fingerprint, so the fingerprint is order-insensitive: the SHA-256 of
the sorted SHA-256 digests of the rows (a multiset hash), prefixed by a version tag and
the row count. A row is the JSON encoding of its values in the given column order;
column *names* are not hashed, so ``fingerprint_texts(df["instruction"])`` equals
``fingerprint_frame(df, ["instruction"])`` and renaming a column changes nothing.

Fingerprint the privacy unit that the release reads: for this project, the instruction
text column of the private split (DP fine-tuning and the vote histogram both read the
training split, so both releases must be charged to the same fingerprint). A node that
reads a derived private artefact (e.g. embeddings of the split) must also be given the
split, or its fingerprint, to charge the right budget.

Limit (documented, not solved here): a fingerprint identifies an exact multiset. A
dataset with one row added or removed gets a different fingerprint, hence a fresh
budget; the ledger cannot see that two such datasets overlap.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from dp_instructions.exceptions import InvalidInputError

__all__ = ["FINGERPRINT_PREFIX", "fingerprint_frame", "fingerprint_texts"]

FINGERPRINT_PREFIX = "sha256:"
_DOMAIN = b"dp-instructions/dataset-fingerprint/v1\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return {"$t": type(value).__name__, "v": value.isoformat()}
    if isinstance(value, _dt.timedelta):
        return {"$t": "timedelta", "v": value.total_seconds()}
    if isinstance(value, decimal.Decimal):
        return {"$t": "decimal", "v": str(value)}
    if isinstance(value, (bytes, bytearray)):
        return {"$t": "bytes", "v": bytes(value).hex()}
    raise TypeError(f"cannot fingerprint a value of type {type(value).__name__}")


def _digest_rows(rows: Iterable[Sequence[Any]]) -> str:
    digests: list[bytes] = []
    for row in rows:
        encoded = json.dumps(
            list(row), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
        ).encode("utf-8")
        digests.append(hashlib.sha256(encoded).digest())
    digests.sort()
    h = hashlib.sha256(_DOMAIN)
    h.update(f"{len(digests)}\n".encode())
    for d in digests:
        h.update(d)
    return FINGERPRINT_PREFIX + h.hexdigest()


def fingerprint_frame(frame: pl.DataFrame, columns: Sequence[str] | None = None) -> str:
    """Order-insensitive fingerprint of the rows of ``frame`` restricted to ``columns``
    (all columns, in frame order, when ``None``)."""
    if not isinstance(frame, pl.DataFrame):
        raise InvalidInputError(f"`frame` must be a polars DataFrame, got {type(frame).__name__}")
    cols = list(frame.columns) if columns is None else list(columns)
    if isinstance(columns, str):
        raise InvalidInputError("`columns` must be a sequence of column names, not a single string")
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"columns {missing} are not in the frame (it has {frame.columns})")
    if not cols:
        raise InvalidInputError("`columns` is empty: nothing to fingerprint")
    try:
        return _digest_rows(frame.select(cols).iter_rows())
    except TypeError as exc:
        raise InvalidInputError(f"cannot fingerprint columns {cols}: {exc}") from exc


def fingerprint_texts(texts: Iterable[str] | pl.Series) -> str:
    """Order-insensitive fingerprint of a collection of texts (e.g. the instruction
    column of the private training split). Equal to ``fingerprint_frame`` of a one-column
    frame holding the same texts."""
    if isinstance(texts, str):
        raise InvalidInputError("`texts` must be a collection of strings, not a single string")
    values = texts.to_list() if isinstance(texts, pl.Series) else list(texts)
    for i, t in enumerate(values):
        if not isinstance(t, str):
            raise InvalidInputError(f"`texts[{i}]` is {type(t).__name__}, expected str")
    return _digest_rows([t] for t in values)
