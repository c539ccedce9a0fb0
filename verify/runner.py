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

from verify import docker_engine, postgres, repo_tests, snapshot
from verify import services as svc
from verify.context import FAILED, PASSED, PREEXISTING, SKIPPED, ServiceContext, StepResult, timed
from verify.report import ServiceRun, failures, preexisting, table, write
from verify.run_state import RunState, run_state
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
# Steps the baseline runs too, so that a failure the repository already had is reported as
# pre-existing; layout (the target layout is what the restructure changes), routes and
# metadata (comparisons with the baseline) and tests (recorded per test id) are not.
BASELINE_STEPS = ["imports", "alembic", "uvicorn", "compose", "docker"]
# Steps judged relative to the baseline's result for the same step.
# Steps whose details are problems, one a line: a problem the baseline did not have is new.
DETAILED_STEPS = {"imports", "alembic", "compose"}
RELATIVE_STEPS = {"imports", "routes", "metadata", "alembic", "uvicorn", "compose", "docker"}


class BaselineRefused(RuntimeError):
    """Some apps do not import on the baseline: nothing about them could be judged."""


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
    extra_deps: list[str] = field(default_factory=list)
    env_file: Path | None = None
    layout: svc.Layout = field(default_factory=svc.Layout)  # where the services live (the plan's)


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


def resolve_services(repo: Path, names: list[str] | None, layout: svc.Layout) -> list[svc.Service]:
    if not names:
        return svc.discover(repo, layout)
    return [svc.get(repo, name, layout) for name in names]


def against_baseline(result: StepResult, before: dict | None) -> StepResult:
    """The step's result judged against the same step on the baseline: the same failure is
    pre-existing (with the baseline's cause), a lower stage is worse, a pass is a pass."""
    if before is None or before.get("status") != FAILED:
        return result
    cause = (before.get("message") or "").strip().splitlines()[0] if before.get("message") else "(no message)"
    if result.status == PASSED:
        result.message += f" (better than the baseline, where it failed: {cause})"
        return result
    if result.status != FAILED:
        return result
    if result.stage is not None and before.get("stage") is not None and result.stage < before["stage"]:
        result.message = f"worse than the baseline (which got further: {cause}): {result.message}"
        return result
    if result.step in DETAILED_STEPS:
        known = set(before.get("details") or [])
        new = [d for d in result.details if d not in known and not d.startswith("now: ")]
        if new and known:
            result.message = f"{len(new)} problem(s) not on the baseline: {new[0]}"
            result.details = new + [f"on the baseline already: {d}" for d in sorted(known)]
            return result
    now = result.message
    result.status = PREEXISTING
    result.message = f"fails on the baseline already: {cause}"
    if now != cause:
        result.details = [f"now: {now}", *result.details]
    return result


def verify_services(options: VerifyOptions, echo: Callable[[str], None] = print) -> list[ServiceRun]:
    for noisy in ("urllib3", "docker"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    repo = options.repo.resolve()
    chosen = resolve_services(repo, options.services, options.layout)  # unknown names fail before anything starts
    python = options.python or _ensure_env(repo, options.envs_dir, echo, options.extra_deps)
    progress = Progress(echo)
    runs: list[ServiceRun] = []
    wanted = options.steps or STEP_NAMES
    reports = options.reports.resolve()
    needs_pg = bool({"alembic", "tests", "uvicorn", "docker"} & set(wanted))
    every = svc.discover(repo, options.layout)
    baselines = {s.name: snapshot.load(repo, s.name) or {} for s in every}
    with (
        _postgres(options.database_url, needs_pg) as (pg, pg_error),
        _docker("docker" in wanted) as (docker_run, docker_error),
        run_state(repo, python, pg, pg_error, options.env_file, baselines, every) as state,
    ):
        state.extra_deps = list(options.extra_deps)
        state.tests_scope = None if options.services is None else {s.name for s in chosen}
        for group in state.groups:
            echo(f"shared database {group.key}: {' -> '.join(group.services)} ({group.order_reason})")
        for service in chosen:
            for note in state.notes_for(service):
                echo(f"{service.name}: environment: {note}")
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
                run=state,
            )
            run = ServiceRun(service.name)
            recorded = (ctx.baseline or {}).get("steps", {})
            try:
                for name, step in STEPS:
                    if name not in wanted:
                        continue
                    progress(service.name, name)
                    result = timed(name, step, ctx)
                    if name in RELATIVE_STEPS:
                        result = against_baseline(result, recorded.get(name))
                    progress(service.name, name, result)
                    run.results.append(result)
            finally:
                for cleanup in reversed(ctx.cleanups):
                    with contextlib.suppress(Exception):
                        cleanup()
            runs.append(run)
        if options.services is None and "tests" in wanted:
            runs.append(_unattributed_tests(state, repo, reports, progress))
    echo("")
    echo(table(runs))
    for line in preexisting(runs):
        echo(f"PRE-EXISTING {line}")
    for line in failures(runs):
        echo(f"FAILED {line}")
    for path in write(runs, reports):
        echo(f"report: {path}")
    return runs


def _unattributed_tests(state: RunState, repo: Path, reports: Path, progress: Callable[..., None]) -> ServiceRun:
    """The configured test run's tests that import no service: judged in a row of their own."""
    name = repo_tests.UNATTRIBUTED
    progress(name, "tests")
    started = time.perf_counter()
    now = state.repo_tests(reports / "repo-tests-junit.xml")
    before = repo_tests.from_json(snapshot.load(repo, name))
    if before is not None and before.scope is not None:
        result = StepResult(
            "tests",
            SKIPPED,
            f"the baseline ran only the tests of {', '.join(before.scope)}: "
            "run `invoke snapshot` without --service to judge the tests that import no service",
        )
        progress(name, "tests", result)
        return ServiceRun(name, [result])
    pick = lambda run: {t: o for t, o in run.outcomes.items() if run.owners.get(t) == [name]}  # noqa: E731
    ran = [f"{' '.join(now.paths)} ({now.source}): {now.summary}"] if now.paths else [now.summary]
    result = tests.judge(name, pick(before) if before else None, pick(now), ran)
    if result.status == "skipped":
        result.message = "every test of the configured run imports a service" if now.outcomes else result.message
    result.seconds = time.perf_counter() - started
    progress(name, "tests", result)
    return ServiceRun(name, [result])


def _ensure_env(repo: Path, envs_dir: Path, echo: Callable[[str], None], extra_deps: list[str] | None = None) -> str:
    from verify.target import ensure_env

    return ensure_env(repo, envs_dir.resolve(), log=echo, extra_deps=extra_deps)


def exit_code(runs: list[ServiceRun]) -> int:
    return 1 if any(r.status == FAILED for run in runs for r in run.results) else 0


def take_snapshot(
    repo: Path,
    names: list[str] | None,
    python: str | None,
    database_url: str | None,
    echo: Callable[[str], None] = print,
    allow_partial: bool = False,
    extra_deps: list[str] | None = None,
    env_file: Path | None = None,
    steps: list[str] | None = None,
    reports: Path | None = None,
    layout: svc.Layout | None = None,
) -> list[Path]:
    """``invoke snapshot``: the baseline of every service, each in a fresh process.

    Besides the surface (routes, OpenAPI, metadata, modules) and the test outcomes, the
    baseline runs ``BASELINE_STEPS`` (``steps`` narrows them) and records each result, so
    verification can tell a failure the repository already had from one the restructure
    made. When an app does not import, nothing about it can be judged: the snapshot is
    refused (:class:`BaselineRefused`, one line per app) unless ``allow_partial``.
    """
    repo = repo.resolve()
    layout = layout or svc.Layout()
    chosen = resolve_services(repo, names, layout)
    every = svc.discover(repo, layout)
    python = python or _ensure_env(repo, Path(".nox") / "target-envs", echo, extra_deps)
    baseline_steps = [s for s in BASELINE_STEPS if steps is None or s in steps]
    reports = (reports or snapshot.snapshot_dir(repo) / "baseline-reports").resolve()
    pending: dict[str, dict] = {}
    refused: list[str] = []
    with (
        _postgres(database_url) as (pg, pg_error),
        _docker("docker" in baseline_steps) as (docker_run, docker_error),
        run_state(repo, python, pg, pg_error, env_file, {}, every) as state,
    ):
        state.extra_deps = list(extra_deps or [])
        state.tests_scope = None if names is None else {s.name for s in chosen}
        if pg is None:
            echo(f"warning: {pg_error}; test outcomes are recorded without a database")
        repo_run = state.repo_tests(snapshot.snapshot_dir(repo) / "repo-tests-junit.xml")
        earlier = repo_tests.from_json(snapshot.load(repo, repo_tests.UNATTRIBUTED))
        pending[repo_tests.UNATTRIBUTED] = repo_tests.merged(earlier, repo_run).as_json()
        echo(f"repository tests ({repo_run.source}): {repo_run.summary}")
        for note in repo_run.notes:
            echo(f"note: CI workflow command not reproduced: {note}")
        probed: dict[str, tuple[dict, float]] = {}
        for service in chosen:
            started = time.monotonic()
            env = state.env_for(service)
            for note in state.notes_for(service):
                echo(f"{service.name}: environment: {note}")
            try:
                data = snapshot.take(python, repo, service, pg.url() if pg else None, env=env)
            except snapshot.ProbeFailed as exc:
                first = str(exc).splitlines()[0].removeprefix(f"probe of {service.name} failed: ")
                refused.append(f"{service.name}: the app does not import: {first}")
                data = {"service": service.name, "error": str(exc), "env_keys": sorted(env), "tests": {}}
            data["tests"] = {**data.get("tests", {}), **repo_run.for_service(service.name)}
            probed[service.name] = data, time.monotonic() - started
        # the order of a shared database's migrations may follow the foreign keys just probed
        state.regroup(
            {**{s.name: snapshot.load(repo, s.name) or {} for s in every}, **{n: d for n, (d, _) in probed.items()}}
        )
        for group in state.groups:
            echo(f"shared database {group.key}: {' -> '.join(group.services)} ({group.order_reason})")
        for service in chosen:
            data, seconds = probed[service.name]
            started = time.monotonic()
            data["steps"] = _baseline_steps(state, service, data, baseline_steps, reports, docker_run, docker_error)
            data["judgeable"] = sorted(n for n, r in data["steps"].items() if r["status"] == PASSED)
            pending[service.name] = data
            failing = [
                f"{n} ({r['message'].splitlines()[0][:100]})" for n, r in data["steps"].items() if r["status"] == FAILED
            ]
            echo(
                f"{service.name:<15} {len(data.get('routes', [])):>3} routes  {len(data.get('tables', {})):>3} tables  "
                f"{len(data.get('tests', {})):>3} tests  {seconds + time.monotonic() - started:5.1f}s"
                + (f"  fails on the baseline: {'; '.join(failing)}" if failing else "")
            )
    if refused and not allow_partial:
        raise BaselineRefused(
            f"no baseline: {len(refused)} of {len(chosen)} app(s) do not import (pass --allow-partial "
            "to record the others):\n" + "\n".join(refused)
        )
    for line in refused:
        echo(f"warning: {line} (recorded as pre-existing, --allow-partial)")
    return [snapshot.write(repo, name, data) for name, data in pending.items()]


def _baseline_steps(
    state: RunState,
    service: svc.Service,
    data: dict,
    names: list[str],
    reports: Path,
    docker_run: docker_engine.DockerRun | None,
    docker_error: str | None,
) -> dict[str, dict]:
    ctx = ServiceContext(
        repo=state.repo,
        service=service,
        python=state.python,
        reports=reports,
        baseline=None,
        postgres=state.pg,
        postgres_error=state.pg_error,
        docker=docker_run,
        docker_error=docker_error,
        run=state,
    )
    ctx._probe = {"error": data["error"]} if "error" in data else data
    recorded = {}
    if "error" in data:  # the comparisons have nothing to compare: the same failure after is not new
        for name in ("routes", "metadata"):
            recorded[name] = {"status": FAILED, "message": "the app does not import", "stage": None, "seconds": 0.0}
    try:
        for name, step in STEPS:
            if name in names:
                r = timed(name, step, ctx)
                recorded[name] = {
                    "status": r.status,
                    "message": r.message,
                    "stage": r.stage,
                    "seconds": r.seconds,
                    "details": r.details[:200] if name in DETAILED_STEPS else [],
                }
    finally:
        for cleanup in reversed(ctx.cleanups):
            with contextlib.suppress(Exception):
                cleanup()
    return recorded
