"""A persistent response cache for teacher answers (one SQLite file).

Why: annotation costs money and time at a real endpoint, and runs get interrupted. Each
answer is committed as soon as it arrives, keyed by (teacher, generation settings,
messages) (:func:`~.base.request_key`), so a re-run or a resumed run never sends a request
twice. Only usable answers (OK, EMPTY, REFUSED: what the teacher said) are cached; a
failure is retried by the next run.

The cache holds DP synthetic instructions and the teacher's answers to them: the privacy
class of its inputs (dp_release), never private data.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dp_instructions.alignment.teachers.base import (
    AnswerStatus,
    ChatAnswer,
    ChatRequest,
    GenerationSettings,
    request_key,
)
from dp_instructions.exceptions import InvalidInputError

__all__ = ["ResponseCache", "split_cached"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    created REAL NOT NULL
)
"""

_CACHEABLE = frozenset({AnswerStatus.OK, AnswerStatus.EMPTY, AnswerStatus.REFUSED})


class ResponseCache:
    """Thread-safe get/put of answers by key; ``path=None`` keeps nothing (no cache)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(_SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise InvalidInputError(
                    f"the teacher response cache {self.path} cannot be opened ({exc}); "
                    "delete it or point `alignment.teacher.cache_path` elsewhere"
                ) from exc

    def get(self, key: str) -> ChatAnswer | None:
        if self._db is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        answer = ChatAnswer.from_dict(json.loads(row[0]))
        answer.cached = True
        return answer

    def put(self, key: str, answer: ChatAnswer) -> None:
        if self._db is None or answer.status not in _CACHEABLE:
            return
        record = json.dumps({**answer.to_dict(), "cached": False}, ensure_ascii=False)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers (key, answer, created) VALUES (?, ?, ?)", (key, record, time.time())
            )

    def __len__(self) -> int:
        if self._db is None:
            return 0
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        if self._db is not None:
            with self._lock:
                self._db.close()
            self._db = None

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def split_cached(
    cache: ResponseCache, identity: Mapping[str, Any], settings: GenerationSettings, requests: Sequence[ChatRequest]
) -> tuple[list[ChatAnswer | None], list[tuple[int, ChatRequest, str]]]:
    """``(answers, todo)``: the cached answer of each request in request order (None where
    there is none) and the ``(index, request, key)`` of the requests still to send."""
    answers: list[ChatAnswer | None] = [None] * len(requests)
    todo: list[tuple[int, ChatRequest, str]] = []
    for i, request in enumerate(requests):
        key = request_key(identity, settings, request)
        cached = cache.get(key)
        if cached is not None:
            cached.request_id = request.request_id
            answers[i] = cached
        else:
            todo.append((i, request, key))
    return answers, todo
