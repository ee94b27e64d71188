from __future__ import annotations

import sqlite3

import pytest

from dp_instructions.alignment.teachers.base import AnswerStatus, ChatAnswer
from dp_instructions.alignment.teachers.cache import ResponseCache
from dp_instructions.exceptions import InvalidInputError


def test_answers_persist_across_instances_and_failures_are_not_kept(tmp_path):
    path = tmp_path / "cache.sqlite"
    with ResponseCache(path) as cache:
        cache.put("k1", ChatAnswer("r1", AnswerStatus.OK, text="answer", completion_tokens=3))
        cache.put("k2", ChatAnswer("r2", AnswerStatus.FAILED, reason="HTTP 503"))
        cache.put("k3", ChatAnswer("r3", AnswerStatus.EMPTY, reason="empty"))
    with ResponseCache(path) as cache:
        assert len(cache) == 2
        hit = cache.get("k1")
        assert hit is not None and hit.text == "answer" and hit.cached and hit.completion_tokens == 3
        assert cache.get("k2") is None  # a failure is retried by the next run
        assert cache.get("k3").status is AnswerStatus.EMPTY


def test_no_path_caches_nothing():
    cache = ResponseCache(None)
    cache.put("k", ChatAnswer("r", AnswerStatus.OK, text="x"))
    assert cache.get("k") is None and len(cache) == 0


def test_a_corrupt_cache_file_is_a_named_error(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InvalidInputError, match="cache_path"):
        ResponseCache(path)
    assert not isinstance(sqlite3, type(None))
