"""Run a service under a real uvicorn process on 127.0.0.1 and a free port."""

from __future__ import annotations

import contextlib
import http.client
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

from verify.ports import free_port, port_in_use
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


RUNNING = "Uvicorn running on"
PORT_TAKEN = ("address already in use", "Errno 98")


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
    """``python -m uvicorn APP`` in ``repo``; yields once ``ready_path`` answers, stops it after.

    The server counts as ready only when *our* process logged that it bound the port and
    the port answers: another process already listening there must never pass for the app.
    A port given by the caller that is taken fails at once; a port picked here is picked
    again (up to three times) when another process takes it first.
    """
    if port is not None and port_in_use(port):
        raise ServerFailed(f"uvicorn {app}: port {port} on 127.0.0.1 is already in use by another process")
    attempts = 1 if port is not None else 3
    taken: list[int] = []
    for attempt in range(attempts):
        chosen = port if port is not None else free_port()
        if port is None and port_in_use(chosen):
            taken.append(chosen)
            continue
        try:
            with _serve(python, repo, app, env, chosen, ready_path, timeout) as server:
                yield server
            return
        except _PortTaken:
            if attempt == attempts - 1:
                raise ServerFailed(
                    f"uvicorn {app}: port {chosen} on 127.0.0.1 is already in use by another process"
                ) from None
    ports = ", ".join(map(str, taken))
    raise ServerFailed(
        f"uvicorn {app}: found no free port on 127.0.0.1 (tried {ports}: each already in use by another process)"
    )


class _PortTaken(Exception):
    pass


@contextlib.contextmanager
def _serve(
    python: str, repo: Path, app: str, env: dict[str, str] | None, port: int, ready_path: str, timeout: float
) -> Iterator[RunningServer]:
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
                tail = server.log_tail()
                if any(mark in tail for mark in PORT_TAKEN):
                    raise _PortTaken(port)
                raise ServerFailed(f"uvicorn {app} exited with {process.returncode}: {_last_line(tail)}\n{tail}")
            if RUNNING in server.log_tail(200):
                try:
                    status, _ = server.get(ready_path, timeout=1)
                    if status < 500:
                        break
                except (urllib.error.URLError, OSError, http.client.HTTPException):
                    pass
            if time.monotonic() > deadline:
                tail = server.log_tail()
                raise ServerFailed(
                    f"uvicorn {app} did not answer {ready_path} within {timeout:g}s: {_last_line(tail)}\n{tail}"
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


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no output)"
