"""The OpenAI-compatible backend against a real server (``transformers serve`` with a tiny
local chat model) behind a counting proxy."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dp_instructions.alignment.teachers.base import AnswerStatus, ChatRequest, GenerationSettings
from dp_instructions.alignment.teachers.cache import ResponseCache
from dp_instructions.alignment.teachers.openai_backend import OpenAIChatTeacher, TeacherUnavailableError
from dp_instructions.alignment.teachers.report import summarise_run
from tests.alignment.teachers.openai_server import Proxy, TransformersServer, free_port, save_tiny_chat_model

pytestmark = pytest.mark.slow
SETTINGS = GenerationSettings(max_tokens=6, temperature=1.0, seed=0)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("served")
    model_dir = save_tiny_chat_model(directory / "tiny-chat")
    srv = TransformersServer(model_dir, directory / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def proxy(server):
    p = Proxy(server.url)
    yield p
    p.stop()


@pytest.fixture
def endpoint(proxy):
    proxy.reset()
    return proxy


def requests(n: int, prefix: str = "q") -> list[ChatRequest]:
    return [
        ChatRequest.from_user_text(f"{prefix}{i}", f"explain how the transformer works {prefix} {i}") for i in range(n)
    ]


def teacher(endpoint: Proxy, server: TransformersServer, cache: ResponseCache | None = None, **kw) -> OpenAIChatTeacher:
    return OpenAIChatTeacher(
        base_url=endpoint.url,
        api_key=kw.pop("api_key", "test-key"),
        model=str(server.model_dir),
        cache=cache,
        backoff_base_s=0.01,
        backoff_max_s=0.05,
        **kw,
    )


def test_every_request_is_answered_with_usage_and_latency(endpoint, server):
    run = teacher(endpoint, server, concurrency=4).answer(requests(6), SETTINGS)
    assert [a.request_id for a in run.answers] == [f"q{i}" for i in range(6)]
    assert all(a.status in (AnswerStatus.OK, AnswerStatus.EMPTY) for a in run.answers)
    assert all(a.completion_tokens is not None and a.prompt_tokens for a in run.answers)
    assert endpoint.forwarded == 6
    report = summarise_run(run, {"backend": "openai"})
    assert report["sent"] == 6 and report["latency_s"]["p95"] > 0 and report["tokens"]["completion"] > 0


def test_an_interrupted_run_resumes_from_the_cache_without_sending_a_request_twice(endpoint, server, tmp_path):
    cache_path = tmp_path / "answers.sqlite"
    n = 16
    script = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from dp_instructions.alignment.teachers.cache import ResponseCache
from dp_instructions.alignment.teachers.openai_backend import OpenAIChatTeacher
from tests.alignment.teachers.test_openai_backend import SETTINGS, requests
t = OpenAIChatTeacher(base_url={endpoint.url!r}, api_key="k", model={str(server.model_dir)!r},
                      concurrency=1, cache=ResponseCache({str(cache_path)!r}))
t.answer(requests({n}, "resume"), SETTINGS)
"""
    served_before = server.completions_served()
    child = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "OMP_NUM_THREADS": "1"})
    deadline = time.monotonic() + 180
    cached = 0
    while time.monotonic() < deadline and child.poll() is None:
        if cache_path.exists():
            with sqlite3.connect(cache_path) as db:
                try:
                    cached = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
                except sqlite3.OperationalError:
                    cached = 0
            if cached >= n // 2:
                break
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)  # kill -9 half-way
    child.wait()
    assert 0 < cached < n, "the child was meant to be killed half-way"
    with sqlite3.connect(cache_path) as db:
        cached = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    sent_first = endpoint.forwarded
    assert cached <= sent_first <= cached + 1  # at most the one request in flight at the kill
    with ResponseCache(cache_path) as cache:
        run = teacher(endpoint, server, cache, concurrency=2).answer(requests(n, "resume"), SETTINGS)
    sent_second = endpoint.forwarded - sent_first
    assert sent_second == n - cached  # nothing answered before is sent again
    assert sum(a.cached for a in run.answers) == cached
    assert len(run.answers) == n and all(a.status is not AnswerStatus.FAILED for a in run.answers)
    time.sleep(0.5)  # the server's access log is written after the response
    assert server.completions_served() - served_before == sent_first + sent_second


def test_429_answers_are_retried_with_backoff_and_counted(endpoint, server):
    endpoint.fail_next(3, 429)
    run = teacher(endpoint, server, concurrency=1, max_retries=5).answer(requests(4, "rl"), SETTINGS)
    assert all(a.status is not AnswerStatus.FAILED for a in run.answers)
    assert run.answers[0].attempts == 4  # three 429s, then the answer
    assert run.requests_sent == 4 + 3
    assert summarise_run(run, {})["retried_requests"] == 1


def test_a_request_that_keeps_failing_is_recorded_with_its_reason(endpoint, server):
    endpoint.fail_next(3, 503)
    run = teacher(endpoint, server, concurrency=1, max_retries=2).answer(requests(2, "f"), SETTINGS)
    failed, ok = run.answers
    assert (
        failed.status is AnswerStatus.FAILED and "gave up after 3 attempts" in failed.reason and "503" in failed.reason
    )
    assert ok.status is not AnswerStatus.FAILED


def test_a_rejected_request_is_recorded_and_the_run_goes_on(endpoint, server):
    batch = [ChatRequest.from_user_text("bad", "REJECT this one"), *requests(2, "g")]
    run = teacher(endpoint, server).answer(batch, SETTINGS)
    assert run.answers[0].status is AnswerStatus.FAILED and "HTTP 400" in run.answers[0].reason
    assert [a.status is not AnswerStatus.FAILED for a in run.answers[1:]] == [True, True]
    report = summarise_run(run, {})
    assert report["outcomes"]["failed"] == 1 and sum(report["outcomes"].values()) == 3


def test_an_unreachable_endpoint_is_one_error_naming_the_base_url(server):
    url = f"http://127.0.0.1:{free_port()}/v1"
    t = OpenAIChatTeacher(base_url=url, api_key="k", model="m", max_retries=1, backoff_base_s=0.01, timeout_s=2)
    with pytest.raises(TeacherUnavailableError, match=url.replace(".", r"\.")) as info:
        t.answer(requests(3), SETTINGS)
    assert "teacher_openai.base_url" in str(info.value)


def test_a_bad_key_is_one_error_naming_the_credentials_entry(endpoint, server):
    endpoint.api_key = "the-right-key"
    with pytest.raises(TeacherUnavailableError, match=r"teacher_openai\.api_key"):
        teacher(endpoint, server, api_key="a-wrong-key").answer(requests(3), SETTINGS)
    assert endpoint.forwarded == 0
    ok = teacher(endpoint, server, api_key="the-right-key").answer(requests(1), SETTINGS)
    assert ok.answers[0].status is not AnswerStatus.FAILED
    json.dumps(summarise_run(ok, {}))


def test_no_seed_is_left_out_of_the_request(endpoint, server):
    settings = GenerationSettings(max_tokens=4, temperature=0.0, seed=None)
    run = teacher(endpoint, server).answer(requests(2, "noseed"), settings)
    assert all(a.status is not AnswerStatus.FAILED for a in run.answers)


def test_a_prompt_judge_on_a_real_endpoint_counts_the_verdicts_it_cannot_parse(endpoint, server):
    """The tiny served model does not follow the judging prompt: its replies (or its errors)
    are recorded, counted as unparseable and left out of the win rate, never guessed."""
    import polars as pl

    from dp_instructions.alignment.judges import PromptJudge
    from dp_instructions.alignment.students import REFERENCE_ANSWER_SCHEMA
    from dp_instructions.alignment.win_rates import judge_against, win_rate_summary

    rows = [
        {
            "model": m,
            "reference_id": f"r{i}",
            "instruction": f"q{i}",
            "answer": f"{m[0]}{i}",
            "status": "ok",
            "completion_tokens": 4,
            "words": 4,
        }
        for m in ("student", "baseline")
        for i in range(3)
    ]
    answers = pl.DataFrame(rows, schema=REFERENCE_ANSWER_SCHEMA)
    # No system prompt and short answers: the served model has 128 positions.
    judge = PromptJudge(teacher(endpoint, server, concurrency=4, max_retries=0), system_prompt=None)
    verdicts = judge_against(answers, ["student"], "baseline", judge)
    assert endpoint.forwarded == 6 and verdicts.height == 6
    assert verdicts["detail"].str.len_chars().min() > 0  # the reply (or the failure) is on record
    assert not verdicts["detail"].str.starts_with("failed").any()  # the server answered every request
    parsed = verdicts.filter(pl.col("verdict") != "unparseable")
    assert parsed["model_score"].is_not_null().all()
    [row] = win_rate_summary(verdicts, answers, samples=50, confidence=0.9, seed=0)
    assert row["unparseable"] == 6 - parsed.height
    assert row["wins"] + row["ties"] + row["losses"] + row["unparseable"] == 6
