"""Run a service under a real uvicorn process on 127.0.0.1 and a free port."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verify.ports import free_port
from verify.target import target_env


class ServerFailed(RuntimeError):
    pass


@dataclass
class RunningServer:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read()

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextlib.contextmanager
def uvicorn_server(
    python: str,
    repo: Path,
    app: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
    ready_path: str = "/openapi.json",
    timeout: float = 30.0,
) -> Iterator[RunningServer]:
    """``python -m uvicorn APP`` in ``repo``; yields once ``ready_path`` answers, stops it after."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="uvicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [python, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)],
        cwd=repo,
        env=target_env(repo, env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = RunningServer(port, process, Path(log.name))
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ServerFailed(f"uvicorn {app} exited with {process.returncode}: {server.log_tail()}")
            try:
                status, _ = server.get(ready_path, timeout=1)
                if status < 500:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"uvicorn {app} did not answer {ready_path} within {timeout:.0f}s: {server.log_tail()}"
                )
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        with contextlib.suppress(OSError):
            os.unlink(log.name)
