"""Run the verification steps for some services with the real components they need.

One PostgreSQL (throwaway cluster or ``--database-url``) and one Docker run serve every
service; each service gets its own empty databases, and everything the run created is
removed at the end, also on failure and on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from verify import docker_engine, postgres, snapshot
from verify import services as svc
from verify.context import FAILED, ServiceContext, StepResult, timed
from verify.report import ServiceRun, failures, table, write
from verify.steps import alembic, compose, docker, imports, layout, metadata, routes, tests, uvicorn

STEPS: list[tuple[str, Callable[[ServiceContext], StepResult]]] = [
    ("layout", layout.run),
    ("imports", imports.run),
    ("routes", routes.run),
    ("metadata", metadata.run),
    ("alembic", alembic.run),
    ("uvicorn", uvicorn.run),
    ("tests", tests.run),
    ("compose", compose.run),
    ("docker", docker.run),
]
STEP_NAMES = [name for name, _ in STEPS]


@dataclass
class VerifyOptions:
    repo: Path
    services: list[str] | None = None  # short names; None = every service
    python: str | None = None  # the target's Python; None = build the shared environment
    database_url: str | None = None
    require_docker: bool = False
    reports: Path = field(default_factory=lambda: Path("reports"))
    steps: list[str] | None = None
    envs_dir: Path = field(default_factory=lambda: Path(".nox") / "target-envs")
    health_timeout: float = 30.0


class Progress:
    """Live progress: which service, which step, elapsed time."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        self.echo = echo
        self.started = time.monotonic()

    def __call__(self, service: str, step: str, result: StepResult | None = None) -> None:
        elapsed = time.monotonic() - self.started
        if result is None:
            self.echo(f"[{elapsed:7.1f}s] {service:<15} {step:<9} ...")
        else:
            self.echo(
                f"[{elapsed:7.1f}s] {service:<15} {step:<9} {result.status:<7} {result.seconds:5.1f}s  {result.message}"
            )


@contextlib.contextmanager
def _postgres(url: str | None, needed: bool = True) -> Iterator[tuple[postgres.PostgresServer | None, str | None]]:
    """The server, or None and the reason there is none. Started only when a step needs it.

    Only a failure to *start* the server is turned into a reason: an exception raised by
    the body passes through untouched (and the server is still removed).
    """
    if not needed:
        yield None, None
        return
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(postgres.postgres(url))
        except postgres.PostgresUnavailable as exc:
            yield None, str(exc)
            return
        yield server, None


@contextlib.contextmanager
def _docker(needed: bool = True) -> Iterator[tuple[docker_engine.DockerRun | None, str | None]]:
    if not needed:
        yield None, None
        return
    try:
        client = docker_engine.connect()
    except docker_engine.DockerUnavailable as exc:
        yield None, str(exc)
        return
    with docker_engine.docker_run(client) as run:
        yield run, None


def resolve_services(repo: Path, names: list[str] | None) -> list[svc.Service]:
    if not names:
        return svc.discover(repo)
    return [svc.get(repo, name) for name in names]


def verify_services(options: VerifyOptions, echo: Callable[[str], None] = print) -> list[ServiceRun]:
    for noisy in ("urllib3", "docker"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    repo = options.repo.resolve()
    chosen = resolve_services(repo, options.services)  # unknown names fail before anything starts
    python = options.python or _ensure_env(repo, options.envs_dir, echo)
    progress = Progress(echo)
    runs: list[ServiceRun] = []
    wanted = options.steps or STEP_NAMES
    reports = options.reports.resolve()
    needs_pg = bool({"alembic", "tests"} & set(wanted))
    with (
        _postgres(options.database_url, needs_pg) as (pg, pg_error),
        _docker("docker" in wanted) as (docker_run, docker_error),
    ):
        for service in chosen:
            ctx = ServiceContext(
                repo=repo,
                service=service,
                python=python,
                reports=reports,
                baseline=snapshot.load(repo, service.name),
                postgres=pg,
                postgres_error=pg_error,
                docker=docker_run,
                docker_error=docker_error,
                require_docker=options.require_docker,
                health_timeout=options.health_timeout,
            )
            run = ServiceRun(service.name)
            try:
                for name, step in STEPS:
                    if name not in wanted:
                        continue
                    progress(service.name, name)
                    result = timed(name, step, ctx)
                    progress(service.name, name, result)
                    run.results.append(result)
            finally:
                for cleanup in reversed(ctx.cleanups):
                    with contextlib.suppress(Exception):
                        cleanup()
            runs.append(run)
    echo("")
    echo(table(runs))
    for line in failures(runs):
        echo(f"FAILED {line}")
    for path in write(runs, reports):
        echo(f"report: {path}")
    return runs


def _ensure_env(repo: Path, envs_dir: Path, echo: Callable[[str], None]) -> str:
    from verify.target import ensure_env

    return ensure_env(repo, envs_dir.resolve(), log=echo)


def exit_code(runs: list[ServiceRun]) -> int:
    return 1 if any(r.status == FAILED for run in runs for r in run.results) else 0


def take_snapshot(
    repo: Path,
    names: list[str] | None,
    python: str | None,
    database_url: str | None,
    echo: Callable[[str], None] = print,
) -> list[Path]:
    """``invoke snapshot``: the baseline of every service, each in a fresh process."""
    repo = repo.resolve()
    chosen = resolve_services(repo, names)
    python = python or _ensure_env(repo, Path(".nox") / "target-envs", echo)
    written = []
    with _postgres(database_url) as (pg, pg_error):
        if pg is None:
            echo(f"warning: {pg_error}; test outcomes are recorded without a database")
        for service in chosen:
            started = time.monotonic()
            data = snapshot.take(python, repo, service, pg.url() if pg else None)
            echo(
                f"{service.name:<15} {len(data.get('routes', [])):>3} routes  {len(data.get('tables', {})):>3} tables  "
                f"{len(data.get('tests', {})):>3} tests  {time.monotonic() - started:5.1f}s"
            )
            written.append(snapshot.snapshot_dir(repo) / f"{service.name}.json")
    return written
