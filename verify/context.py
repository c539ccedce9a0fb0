"""What every step of one service's verification can see, and what a step returns."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verify import snapshot
from verify.postgres import PostgresServer
from verify.services import Service

_ERROR_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(Error|Exception|Exit)|KeyError|ModuleNotFoundError)\b.*")


def first_error_line(lines: list[str]) -> str | None:
    """The first ``SomeError: message`` line of a log (the cause; what follows is fallout)."""
    return next((line.strip() for line in lines if _ERROR_LINE.match(line)), None)


PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
# Failed on the restructured tree exactly as it already failed on the baseline: a property
# of the repository, reported with its cause, not a failure of the restructure.
PREEXISTING = "pre-existing"

# What the uvicorn and docker steps request to see that the app is up: a ``/health`` route
# when the service has one, else the OpenAPI document FastAPI serves by itself (a service
# without a health route is not broken; its answer 404 only says the route is absent).
HEALTH_PATHS = ("/health", "/openapi.json")


@dataclass
class StepResult:
    step: str
    status: str
    message: str
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # How far the step got, for steps with stages (docker: 0 no image, 1 built, 2 started,
    # 3 healthy; uvicorn: 0 exited, 1 running, 2 answered): a lower stage than the
    # baseline's is worse, the same is the same result.
    stage: int | None = None


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
    run: Any = None  # the run's shared state (runner.RunState): environments, databases, test runs
    _probe: dict[str, Any] | None = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        """The service's environment (compose, redirected to the throwaway servers)."""
        return self.run.env_for(self.service) if self.run is not None else {}

    def probe(self) -> dict[str, Any]:
        """The current surface of the service, probed once per run in a fresh process."""
        if self._probe is None:
            try:
                self._probe = snapshot.probe(self.python, self.repo, self.service, env=self.env)
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
