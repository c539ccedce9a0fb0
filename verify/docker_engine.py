"""Build a service image and run it through the Docker SDK; remove what the run made.

Everything created carries the label ``restructure-verify.run=<run id>`` so that a cleanup
finds it even after an interrupted run. Containers publish their port on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
from docker.models.containers import Container

LABEL = "restructure-verify.run"


class DockerUnavailable(RuntimeError):
    """No Docker engine answers."""


class ContainerUnhealthy(RuntimeError):
    """The container exited or never answered its health URL in time.

    The message names the container's CMD and the last line it logged; ``log`` holds the
    tail of its output.
    """

    def __init__(self, message: str, log: list[str] | None = None) -> None:
        super().__init__(message)
        self.log = log or []


def connect() -> docker.DockerClient:
    """A client for the local engine, or :class:`DockerUnavailable` with the reason."""
    where = os.environ.get("DOCKER_HOST") or "the default socket (unix:///var/run/docker.sock)"
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except docker.errors.DockerException as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DockerUnavailable(f"no Docker engine answers at {where}: {reason}") from exc
    return client


@dataclass
class BuildResult:
    image_id: str
    tag: str
    seconds: float
    cached_steps: int
    total_steps: int
    log_path: Path


@dataclass
class DockerRun:
    """One run's images and containers, removed by :meth:`cleanup`."""

    client: docker.DockerClient
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    tags: list[str] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)

    def build(self, context: Path, dockerfile: Path, name: str, log_path: Path) -> BuildResult:
        """Build ``dockerfile`` with ``context``; every line of build output goes to ``log_path``."""
        tag = f"restructure-verify/{name}:{self.run_id}"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        image_id = ""
        cached = total = 0
        error: str | None = None
        with log_path.open("w", encoding="utf-8") as log:
            stream = self.client.api.build(
                path=str(context),
                dockerfile=str(dockerfile.relative_to(context)),
                tag=tag,
                rm=True,
                forcerm=True,
                decode=True,
                labels={LABEL: self.run_id},
            )
            self.tags.append(tag)
            for chunk in stream:
                text = chunk.get("stream", "")
                if text:
                    log.write(text)
                    if text.startswith("Step "):
                        total += 1
                    if "Using cache" in text:
                        cached += 1
                if "aux" in chunk and "ID" in chunk["aux"]:
                    image_id = chunk["aux"]["ID"]
                if "error" in chunk:
                    error = chunk["error"].strip()
                    log.write(json.dumps(chunk) + "\n")
        if error is not None:
            raise docker.errors.BuildError(error, build_log=[])
        return BuildResult(image_id, tag, time.monotonic() - started, cached, total, log_path)

    def start(
        self, image: str, container_port: int = 8000, environment: dict[str, str] | None = None
    ) -> tuple[Container, int]:
        """Start ``image`` with its own CMD, no bind mounts; returns it and the host port."""
        container = self.client.containers.run(
            image,
            detach=True,
            ports={f"{container_port}/tcp": ("127.0.0.1", None)},
            environment=environment or {},
            labels={LABEL: self.run_id},
        )
        self.containers.append(container)
        deadline = time.monotonic() + 10
        while True:
            container.reload()
            binding = (container.attrs["NetworkSettings"]["Ports"] or {}).get(f"{container_port}/tcp")
            if binding:
                return container, int(binding[0]["HostPort"])
            if container.status in {"exited", "dead"}:
                raise _exited(container)
            if time.monotonic() > deadline:
                raise ContainerUnhealthy(
                    f"container (CMD `{command_of(container)}`) published no port for {container_port}/tcp",
                    _log_lines(container),
                )
            time.sleep(0.1)

    def start_on_host(self, image: str, command: list[str], environment: dict[str, str]) -> Container:
        """Start ``image`` running ``command`` on the host network (it reaches the throwaway
        servers on 127.0.0.1), with ``environment``; no bind mounts."""
        container = self.client.containers.run(
            image,
            entrypoint=command[:1],
            command=command[1:],
            detach=True,
            network_mode="host",
            environment=environment,
            labels={LABEL: self.run_id},
        )
        self.containers.append(container)
        return container

    def wait_healthy(self, container: Container, port: int, path: str = "/health", timeout: float = 30.0) -> int:
        """Poll ``path`` until it answers; returns the status code, raises when it never does
        (the container exited, or ``timeout`` seconds passed)."""
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{port}{path}"
        while time.monotonic() < deadline:
            container.reload()
            if container.status in {"exited", "dead"}:
                raise _exited(container)
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    return int(response.status)
            except urllib.error.HTTPError as exc:
                return int(exc.code)
            except (urllib.error.URLError, OSError, http.client.HTTPException):
                time.sleep(0.25)
        lines = _log_lines(container)
        last = f"; last log line: {lines[-1]}" if lines else "; it logged nothing"
        raise ContainerUnhealthy(
            f"container (CMD `{command_of(container)}`) is running but {path} did not answer within {timeout:g}s{last}",
            lines,
        )

    def cleanup(self) -> None:
        """Remove this run's containers, then its images.

        Only the labelled final image of each build is deleted (``noprune``): the untagged
        parent layers stay as the engine's build cache, so the next run (and the next
        service, which shares the dependency layers) does not install the requirements again.
        """
        for container in self.client.containers.list(all=True, filters={"label": f"{LABEL}={self.run_id}"}):
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
        for tag in self.tags:
            with contextlib.suppress(docker.errors.APIError):
                self.client.images.remove(tag, noprune=True)
        # Anything else that carries the run's label (an image whose tag was lost, e.g.
        # when the build was interrupted between the LABEL step and the tag).
        with contextlib.suppress(docker.errors.APIError):
            for image in self.client.images.list(all=True, filters={"label": f"{LABEL}={self.run_id}"}):
                with contextlib.suppress(docker.errors.APIError):
                    self.client.images.remove(image.id, force=True, noprune=True)
        self.containers.clear()
        self.tags.clear()


def command_of(container: Container) -> str:
    config = container.attrs.get("Config") or {}
    return " ".join([*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])])


def _log_lines(container: Container, lines: int = 30) -> list[str]:
    try:
        text = container.logs(tail=lines).decode("utf-8", "replace")
    except docker.errors.APIError:
        return []
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _exited(container: Container) -> ContainerUnhealthy:
    """The failure of a container that stopped: its exit code, CMD and last log line."""
    code = (container.attrs.get("State") or {}).get("ExitCode")
    lines = _log_lines(container, 200)
    from verify.context import first_error_line

    last = first_error_line(lines) or (lines[-1] if lines else "it logged nothing")
    return ContainerUnhealthy(
        f"container exited at start with code {code} (CMD `{command_of(container)}`): {last}",
        lines,
    )


@contextlib.contextmanager
def docker_run(client: docker.DockerClient | None = None) -> Iterator[DockerRun]:
    """A :class:`DockerRun` whose resources are removed on exit, also on error or Ctrl-C."""
    run = DockerRun(client or connect())
    try:
        yield run
    finally:
        run.cleanup()
