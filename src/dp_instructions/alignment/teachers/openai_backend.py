"""A teacher behind any OpenAI-compatible chat-completions endpoint (OpenAI, ``vllm
serve``, ``transformers serve``, Ollama, llama.cpp's server), through the official
``openai`` client.

- Bounded concurrency: at most ``concurrency`` requests in flight (an asyncio semaphore).
- Retries with exponential backoff and full jitter on 429, 5xx, timeouts and dropped
  connections (a 429's ``Retry-After`` is honoured when longer); the client's own retries
  are off so that every attempt is counted here.
- A request that keeps failing, or that the endpoint rejects (400, 422, ...), is recorded
  with its reason and the run goes on; a bad key, a missing model or an endpoint that
  cannot be reached at all stop the run with an error naming the credentials entry, the
  parameter or the base URL, since every request would fail the same way.
- Answers go through the persistent :class:`~.cache.ResponseCache` as they arrive.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import openai

from dp_instructions.alignment.teachers.base import (
    AnswerStatus,
    ChatAnswer,
    ChatRequest,
    GenerationSettings,
    TeacherRun,
    classify_text,
)
from dp_instructions.alignment.teachers.cache import ResponseCache, split_cached
from dp_instructions.exceptions import InvalidInputError

log = logging.getLogger(__name__)

__all__ = ["CREDENTIALS_ENTRY", "OpenAIChatTeacher", "TeacherUnavailableError"]

#: The entry of conf/local/credentials.yml that holds base_url, api_key (and model).
CREDENTIALS_ENTRY = "teacher_openai"

_RETRYABLE = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError)


class TeacherUnavailableError(InvalidInputError):
    """The endpoint cannot serve any request: unreachable, bad key, unknown model."""


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _describe(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"HTTP {status}: {text}" if status else f"{type(exc).__name__}: {text}"


def _failed(request: ChatRequest, reason: str, started: float, attempts: int) -> ChatAnswer:
    return ChatAnswer(
        request.request_id,
        AnswerStatus.FAILED,
        reason=reason,
        latency_s=time.perf_counter() - started,
        attempts=attempts,
    )


class OpenAIChatTeacher:
    """``answer()`` sends the requests not in the cache, ``concurrency`` at a time."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        concurrency: int = 8,
        max_retries: int = 5,
        timeout_s: float = 60.0,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 30.0,
        cache: ResponseCache | None = None,
        seed: int = 0,
    ) -> None:
        if not base_url:
            raise InvalidInputError(f"`{CREDENTIALS_ENTRY}.base_url` (conf/local/credentials.yml) is empty")
        if not model:
            raise InvalidInputError("`alignment.teacher.model` is empty: name the endpoint's model")
        if concurrency < 1 or max_retries < 0 or timeout_s <= 0:
            raise InvalidInputError(
                "`alignment.teacher`: concurrency >= 1, max_retries >= 0 and timeout_s > 0 are required, got "
                f"{concurrency}, {max_retries}, {timeout_s}"
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.timeout_s = timeout_s
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self.cache = cache if cache is not None else ResponseCache(None)
        self._api_key = api_key or "none"  # local servers accept any key; the client needs one
        self._jitter = random.Random(seed)

    @property
    def identity(self) -> Mapping[str, Any]:
        return {"backend": "openai", "base_url": self.base_url, "model": self.model}

    def _client(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=self.base_url, api_key=self._api_key, max_retries=0, timeout=self.timeout_s)

    def _delay(self, attempt: int, exc: BaseException) -> float:
        # Full jitter (AWS architecture blog): spreads the retries of many workers apart.
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2**attempt)
        delay = self._jitter.uniform(0.0, ceiling)
        hinted = _retry_after(exc)
        return max(delay, min(hinted, self.backoff_max_s)) if hinted is not None else delay

    def _fatal(self, exc: BaseException) -> TeacherUnavailableError | None:
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return TeacherUnavailableError(
                f"the teacher endpoint {self.base_url} refused the API key ({_describe(exc)}): check "
                f"`{CREDENTIALS_ENTRY}.api_key` in conf/local/credentials.yml"
            )
        if isinstance(exc, openai.NotFoundError):
            return TeacherUnavailableError(
                f"the teacher endpoint {self.base_url} does not know model {self.model!r} ({_describe(exc)}): "
                "check `alignment.teacher.model`"
            )
        return None

    async def _one(
        self, client: openai.AsyncOpenAI, gate: asyncio.Semaphore, request: ChatRequest, settings: GenerationSettings
    ) -> ChatAnswer:
        attempts = 0
        async with gate:
            started = time.perf_counter()  # the request's latency, not its wait for a slot
            while True:
                attempts += 1
                try:
                    response = await client.chat.completions.create(
                        model=self.model,
                        messages=request.as_list(),  # type: ignore[arg-type]
                        max_tokens=settings.max_tokens,
                        temperature=settings.temperature,
                        top_p=settings.top_p,
                        # Omitted, not null, when unset: some servers reject "seed": null.
                        **({} if settings.seed is None else {"seed": settings.seed}),
                    )
                except _RETRYABLE as exc:
                    if attempts > self.max_retries:
                        return _failed(
                            request, f"gave up after {attempts} attempts: {_describe(exc)}", started, attempts
                        )
                    await asyncio.sleep(self._delay(attempts - 1, exc))
                    continue
                except openai.APIStatusError as exc:
                    fatal = self._fatal(exc)
                    if fatal is not None:
                        raise fatal from exc
                    return _failed(request, f"rejected by the endpoint: {_describe(exc)}", started, attempts)
                break
        choice = response.choices[0] if response.choices else None
        text = choice.message.content if choice is not None else None
        status, reason = classify_text(text)
        usage = response.usage
        return ChatAnswer(
            request.request_id,
            status,
            text=text if status is AnswerStatus.OK else None,
            reason=reason,
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
            latency_s=time.perf_counter() - started,
            attempts=attempts,
            finish_reason=getattr(choice, "finish_reason", None),
        )

    async def _check_reachable(self, client: openai.AsyncOpenAI) -> None:
        """One cheap call before the batch: an unreachable endpoint or a bad key is one clear
        error, not N failed requests."""
        last: BaseException | None = None
        for attempt in range(max(1, min(self.max_retries, 3)) + 1):
            try:
                await client.models.list()
                return
            except (openai.APIConnectionError, openai.APITimeoutError) as exc:
                last = exc
                await asyncio.sleep(self._delay(attempt, exc))
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                raise self._fatal(exc) or exc from exc
            except openai.APIStatusError:
                # No /models (404) or a 5xx: the completions and their retries will tell.
                return
        raise TeacherUnavailableError(
            f"the teacher endpoint {self.base_url} cannot be reached ({_describe(last) if last else 'no answer'}): "
            f"check `{CREDENTIALS_ENTRY}.base_url` in conf/local/credentials.yml and that the server is running"
        )

    async def _run(self, todo: list[tuple[int, ChatRequest, str]], settings: GenerationSettings, out: list) -> int:
        client = self._client()
        try:
            await self._check_reachable(client)
            gate = asyncio.Semaphore(self.concurrency)

            async def task(index: int, request: ChatRequest, key: str) -> None:
                answer = await self._one(client, gate, request, settings)
                self.cache.put(key, answer)
                out[index] = answer

            await asyncio.gather(*(task(i, r, k) for i, r, k in todo))
        finally:
            await client.close()
        return sum(a.attempts for i, _, _ in todo if (a := out[i]) is not None)

    def answer(self, requests: Sequence[ChatRequest], settings: GenerationSettings) -> TeacherRun:
        started = time.perf_counter()
        out, todo = split_cached(self.cache, self.identity, settings, requests)
        log.info(
            "teacher %s at %s: %d requests, %d from the cache, %d to send (%d at a time)",
            self.model,
            self.base_url,
            len(requests),
            len(requests) - len(todo),
            len(todo),
            self.concurrency,
        )
        sent = _run_coroutine(self._run(todo, settings, out)) if todo else 0
        answers = [a for a in out if a is not None]
        assert len(answers) == len(requests), "every request has an answer or a recorded failure"
        return TeacherRun(answers=answers, wall_s=time.perf_counter() - started, requests_sent=sent)


def _run_coroutine(coro: Any) -> Any:
    """``asyncio.run`` where no loop is running; in a thread where one is (a notebook)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]
