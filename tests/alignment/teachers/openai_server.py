"""A real OpenAI-compatible server for the tests: ``transformers serve`` with a tiny local
chat model, behind a small proxy that counts the requests that reach it, can answer 429
or 400 first, and checks the API key."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dp_instructions.models.generator import SmallGPT2Config, build_small_gpt2
from dp_instructions.models.tokenizer import train_bpe_tokenizer
from tests.local_servers import free_port, wait_until_healthy
from tests.models.conftest import corpus

CHAT_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant:{% endif %}"
)


def save_tiny_chat_model(directory: Path) -> Path:
    tokenizer = train_bpe_tokenizer(corpus(300, 0), vocab_size=400)
    tokenizer.chat_template = CHAT_TEMPLATE
    model = build_small_gpt2(tokenizer, SmallGPT2Config(n_embd=32, n_layer=1, n_head=2, max_length=128), seed=0)
    model.save_pretrained(str(directory))
    tokenizer.save_pretrained(str(directory))
    return directory


class TransformersServer:
    """``transformers serve <model>`` on 127.0.0.1; its access log counts the completions."""

    def __init__(self, model_dir: Path, log_path: Path, extra_args: tuple[str, ...] = ()) -> None:
        self.model_dir = model_dir
        self.port = free_port()
        self.log_path = log_path
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
        exe = Path(sys.executable).with_name("transformers")
        command = [str(exe)] if exe.exists() else [sys.executable, "-m", "transformers.cli.transformers"]
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*command, "serve", str(model_dir), "--host", "127.0.0.1", "--port", str(self.port), *extra_args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            wait_until_healthy(self.url, self.process, 120, lambda: log_path.read_text(errors="replace")[-2000:])
        except RuntimeError:
            self.stop()
            raise

    def completions_served(self) -> int:
        text = self.log_path.read_text(errors="replace")
        return len(re.findall(r'"POST /v1/chat/completions HTTP/1\.1" 200', text))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


class Proxy:
    """Forwards /v1/* to ``upstream``; ``fail_next(n, status)`` answers the next n chat
    requests with that status instead; ``api_key`` set: anything else gets a 401; a user
    message containing ``REJECT`` gets a 400."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.forwarded = 0
        self.answered_with_error = 0
        self.api_key: str | None = None
        self._fail: list[int] = []
        self._lock = threading.Lock()
        app = Starlette(routes=[Route("/v1/{path:path}", self.handle, methods=["GET", "POST"])])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def fail_next(self, n: int, status: int = 429) -> None:
        with self._lock:
            self._fail.extend([status] * n)

    def reset(self) -> None:
        with self._lock:
            self.forwarded = self.answered_with_error = 0
            self._fail.clear()
            self.api_key = None

    async def handle(self, request: Request) -> Response:
        if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return JSONResponse({"error": {"message": "Incorrect API key provided"}}, status_code=401)
        body = await request.body()
        path = request.path_params["path"]
        if path == "chat/completions":
            with self._lock:
                status = self._fail.pop(0) if self._fail else None
                if status is None and b"REJECT" in body:
                    status = 400
                if status is not None:
                    self.answered_with_error += 1
            if status is not None:
                return JSONResponse(
                    {"error": {"message": f"injected {status}"}}, status_code=status, headers={"retry-after": "0"}
                )
        status, content = await anyio.to_thread.run_sync(self._forward, request.method, path, body)
        if path == "chat/completions":
            with self._lock:
                self.forwarded += 1
        return Response(content, status_code=status, media_type="application/json")

    def _forward(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        upstream = urllib.request.Request(
            f"{self.upstream}/v1/{path}",
            data=body if method == "POST" else None,
            method=method,
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(upstream, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
