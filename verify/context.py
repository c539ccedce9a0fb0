"""What every step of one service's verification can see, and what a step returns."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify import snapshot
from verify.postgres import PostgresServer
from verify.services import Service

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass
class StepResult:
    step: str
    status: str
    message: str
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ServiceContext:
    repo: Path
    service: Service
    python: str
    reports: Path
    baseline: dict[str, Any] | None
    postgres: PostgresServer | None = None
    postgres_error: str | None = None
    docker: Any = None  # a docker_engine.DockerRun, or None
    docker_error: str | None = None
    require_docker: bool = False
    database_url: str | None = None  # a migrated database, set by the alembic step
    health_timeout: float = 30.0
    _probe: dict[str, Any] | None = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def probe(self) -> dict[str, Any]:
        """The current surface of the service, probed once per run in a fresh process."""
        if self._probe is None:
            try:
                self._probe = snapshot.probe(self.python, self.repo, self.service)
            except snapshot.ProbeFailed as exc:  # same shape as an app that does not import
                self._probe = {"error": str(exc)}
        return self._probe


def timed(name: str, fn: Callable[[ServiceContext], StepResult], ctx: ServiceContext) -> StepResult:
    started = time.perf_counter()
    try:
        result = fn(ctx)
    except Exception as exc:  # a step that crashes is a failed step, with the reason
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        result = StepResult(name, FAILED, f"{type(exc).__name__}: {first}")
    result.step = name
    result.seconds = time.perf_counter() - started
    return result
